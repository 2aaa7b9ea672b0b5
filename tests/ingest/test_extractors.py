"""Sniffing, extraction and thumbnails on real files made here, and hostile files that must
fail alone with a clear ExtractionError."""

from __future__ import annotations

import hashlib
import io
import struct
import wave
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from javon.ingest import samples
from javon.ingest.extractors import ExtractionError, extract, make_thumbnail, registry, sniff_mime
from javon.ingest.extractors.text import paginate

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
EPUB = "application/epub+zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
UZ_CYRILLIC = "Ўзбекистон — қуёшли ўлка. Ғайратли ҳунармандлар ўз қўллари билан гўзал буюмлар яратади."


@pytest.fixture(autouse=True)
def isolated_storage_and_index() -> None:
    """These tests are pure Python: replace the suite's Django storage/index fixture."""


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def squash(text: str) -> str:
    return " ".join(text.split())


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def gogol_pdf() -> bytes:
    text = corpus_text("ru-gogol-shinel.txt")
    return samples.text_to_pdf(text, title="Шинель", author="Гоголь, Николай; Редактор, Иван", language="ru")


@pytest.fixture(scope="module")
def hamlet_epub() -> bytes:
    return samples.text_to_epub(corpus_text("en-shakespeare-hamlet.txt"), title="Hamlet", author="William Shakespeare")


# ----------------------------------------------------------------------------- PDF


def test_pdf_pages_text_and_metadata(tmp_path: Path, gogol_pdf: bytes) -> None:
    text = corpus_text("ru-gogol-shinel.txt")
    result = extract(write(tmp_path, "shinel.pdf", gogol_pdf), "application/pdf")
    assert result.page_count == len(result.pages) > 20
    assert result.title == "Шинель"
    assert result.creators == ["Гоголь, Николай", "Редактор, Иван"]
    assert result.language == "ru"
    assert result.year == 2000  # reportlab's invariant creation date
    assert squash(" ".join(result.pages[1:])) == squash(text)
    # the right words on the right page: the opening on page 2, the ending on the last page
    assert squash(text)[:60] in squash(result.pages[1])
    assert squash(text)[-40:] in squash(result.pages[-1])
    assert squash(text)[:60] not in squash(result.pages[-1])


def test_pdf_thumbnail_is_webp_of_page_one(tmp_path: Path, gogol_pdf: bytes) -> None:
    data = make_thumbnail(write(tmp_path, "a.pdf", gogol_pdf), "application/pdf", width=200)
    assert data is not None
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP" and image.width == 200 and image.height > 250


def test_encrypted_pdf_needs_a_password(tmp_path: Path, gogol_pdf: bytes) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(gogol_pdf)))
    writer.encrypt(user_password="secret", owner_password="owner")  # RC4: no extra dependency
    out = io.BytesIO()
    writer.write(out)
    path = write(tmp_path, "locked.pdf", out.getvalue())
    assert sniff_mime(path) == "application/pdf"
    with pytest.raises(ExtractionError, match="encrypted; a password is needed"):
        extract(path, "application/pdf")
    with pytest.raises(ExtractionError, match="password"):
        make_thumbnail(path, "application/pdf")


def test_truncated_and_garbage_pdfs_fail_clearly(tmp_path: Path, gogol_pdf: bytes) -> None:
    for name, data in [("cut.pdf", gogol_pdf[:2000]), ("junk.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 500)]:
        with pytest.raises(ExtractionError, match="not a valid PDF"):
            extract(write(tmp_path, name, data), "application/pdf")


def test_empty_file_fails_clearly(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.pdf", b"")
    assert sniff_mime(path) == "application/octet-stream"
    for mime in ("application/pdf", EPUB, "text/plain", "image/png"):
        with pytest.raises(ExtractionError, match=r"empty \(0 bytes\)"):
            extract(path, mime)


def test_unsupported_type_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="application/x-msdownload are not supported"):
        extract(write(tmp_path, "a.exe", b"MZ\x90\x00"), "application/x-msdownload")
    assert make_thumbnail(write(tmp_path, "b.txt", b"hello"), "text/plain") is None


# ----------------------------------------------------------------------------- EPUB


def test_epub_chapters_in_spine_order_and_metadata(tmp_path: Path, hamlet_epub: bytes) -> None:
    result = extract(write(tmp_path, "hamlet.epub", hamlet_epub), EPUB)
    assert result.title == "Hamlet" and result.creators == ["William Shakespeare"] and result.language == "en"
    assert result.page_count == len(result.pages) > 5
    assert result.pages[0].startswith("Hamlet")  # title page first
    acts = [
        next(i for i, p in enumerate(result.pages) if p.startswith(a + "\n")) for a in ("ACT II", "ACT III", "ACT V")
    ]
    assert acts == sorted(acts)
    assert "To be, or not to be" in " ".join(result.pages[acts[1] : acts[2]])


def make_epub(tmp_path: Path, chapters: dict[str, str], opf_extra: str = "", title: str = "Kitob") -> Path:
    """A hand-made EPUB 2 with chapters listed in the spine in the given order."""
    items = "".join(f'<item id="{n}" href="{n}.xhtml" media-type="application/xhtml+xml"/>' for n in chapters)
    spine = "".join(f'<itemref idref="{n}"/>' for n in chapters)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles>'
            '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
        )
        archive.writestr(
            "content.opf",
            f'<?xml version="1.0"?>\n{opf_extra}<package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">'
            f"<dc:title>{title}</dc:title><dc:creator>Abdulla Qodiriy</dc:creator><dc:language>uz</dc:language>"
            "<dc:date>1926-05-01</dc:date><dc:subject>roman</dc:subject><dc:subject>tarix</dc:subject>"
            "<dc:description>&lt;p&gt;Oʻtgan kunlar haqida&lt;/p&gt;</dc:description>"
            '<meta name="cover" content="cover-img"/></metadata>'
            f'<manifest><item id="cover-img" href="images/c.png" media-type="image/png"/>{items}</manifest>'
            f"<spine>{spine}</spine></package>",
        )
        for name, body in chapters.items():
            archive.writestr(f"{name}.xhtml", body)
        image = io.BytesIO()
        Image.new("RGB", (600, 900), "navy").save(image, "PNG")
        archive.writestr("images/c.png", image.getvalue())
    return write(tmp_path, "book.zip", out.getvalue())


def xhtml(body: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>t</title><style>p {{color: red}}</style></head><body>{body}</body></html>"
    )


def test_epub2_metadata_spine_order_and_cover(tmp_path: Path) -> None:
    path = make_epub(
        tmp_path,
        {
            "zz-first": xhtml("<h1>Birinchi bob</h1><p>Otabek Margʻilonga keldi.</p>"),
            "aa-second": xhtml("<p>Ikkinchi</p>"),
        },
    )
    assert sniff_mime(path) == EPUB  # named .zip
    result = extract(path, EPUB)
    assert result.pages == ["Birinchi bob\n\nOtabek Margʻilonga keldi.", "Ikkinchi"]
    assert (result.title, result.creators, result.language, result.year) == ("Kitob", ["Abdulla Qodiriy"], "uz", 1926)
    assert result.subjects == ["roman", "tarix"] and result.description == "Oʻtgan kunlar haqida"
    thumb = make_thumbnail(path, EPUB, width=120)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.size == (120, 180)


def test_epub_xxe_does_not_read_local_files(tmp_path: Path) -> None:
    doctype = '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    opf_doctype = '<!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    path = make_epub(tmp_path, {"c1": xhtml("<p>before &xxe; after</p>", doctype)}, opf_doctype, title="T &xxe;")
    result = extract(path, EPUB)
    assert result.title == "T"
    assert result.pages == ["before after"]
    assert "root:" not in " ".join([*result.pages, result.title or "", result.description or ""])


def test_epub_billion_laughs_is_not_expanded(tmp_path: Path) -> None:
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    lol += "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(3, 10)) + "]>\n"
    path = make_epub(tmp_path, {"c1": xhtml("<p>x&lol9;y</p>", lol)})
    with pytest.raises(ExtractionError, match="entities that expand without bound"):
        extract(path, EPUB)  # libxml2 stops at its amplification limit even without expanding


def test_zip_bomb_epub_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr("META-INF/container.xml", "<container/>")
        archive.writestr("bomb.xhtml", b"\0" * 60_000_000, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    path = write(tmp_path, "bomb.epub", out.getvalue())
    assert path.stat().st_size < 1_000_000
    assert sniff_mime(path) == EPUB
    with pytest.raises(ExtractionError, match="zip bomb"):
        extract(path, EPUB)


def test_member_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * 30_000_000)
    data = bytearray(out.getvalue())
    # Declare 1,000 bytes for word/document.xml in its local header and the central directory.
    local = data.find(b"PK\x03\x04word/document.xml"[:4], data.find(b"word/document.xml") - 30)
    struct.pack_into("<I", data, local + 22, 1000)
    central = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    struct.pack_into("<I", data, central + 24, 1000)
    path = write(tmp_path, "liar.docx", bytes(data))
    with pytest.raises(ExtractionError, match="DOCX"):
        extract(path, DOCX)


def test_broken_zip_is_not_a_valid_epub(tmp_path: Path, hamlet_epub: bytes) -> None:
    with pytest.raises(ExtractionError, match="not a valid EPUB"):
        extract(write(tmp_path, "cut.epub", hamlet_epub[: len(hamlet_epub) // 2]), EPUB)


# ----------------------------------------------------------------------------- office and HTML


def test_docx_text_tables_and_core_properties(tmp_path: Path) -> None:
    import docx

    text = corpus_text("uz-navoiy-hikmatli-sozlar.txt")
    path = write(tmp_path, "a.bin", samples.text_to_docx(text, title="Hikmatli soʻzlar", author="Alisher Navoiy"))
    assert sniff_mime(path) == DOCX
    result = extract(path, DOCX)
    assert result.title == "Hikmatli soʻzlar" and result.creators == ["Alisher Navoiy"] and result.year == 2000
    assert squash(" ".join(result.pages)) == squash("Hikmatli soʻzlar " + text)

    document = docx.Document()
    document.add_paragraph("Before the table")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Qoʻqon", "Хива"
    document.add_paragraph("After the table")
    document.core_properties.keywords = "tarix; geografiya"
    document.save(tmp_path / "t.docx")
    result = extract(tmp_path / "t.docx", DOCX)
    assert result.pages == ["Before the table\n\nQoʻqon | Хива\n\nAfter the table"]
    assert result.subjects == ["tarix", "geografiya"]


def test_odt_text_and_meta(tmp_path: Path) -> None:
    text = corpus_text("uz-xalq-ertagi-kenja-botir.txt")
    path = write(tmp_path, "ertak.docx", samples.text_to_odt(text, title="Kenja botir", author="Xalq ogʻzaki ijodi"))
    assert sniff_mime(path) == ODT
    result = extract(path, ODT)
    assert result.title == "Kenja botir" and result.creators == ["Xalq ogʻzaki ijodi"]
    assert squash(" ".join(result.pages)) == squash("Kenja botir " + text)


def test_html_text_meta_and_legacy_charset(tmp_path: Path) -> None:
    page = (
        '<html lang="ru"><head><meta charset="windows-1251"><title>Шинель — Гоголь</title>'
        '<meta name="author" content="Николай Гоголь"><meta name="description" content="Повесть">'
        '<meta name="keywords" content="повесть, Петербург"><meta name="dc.date" content="1842">'
        "<script>var secret = 'не текст';</script><style>body{}</style></head>"
        "<body><h1>Шинель</h1><p>В департаменте… но лучше не называть, в каком департаменте.</p>"
        "<div>Акакий <b>Акакиевич</b></div><noscript>включите JS</noscript></body></html>"
    )
    path = write(tmp_path, "page.txt", page.encode("cp1251"))
    assert sniff_mime(path) == "text/html"
    result = extract(path, "text/html")
    assert result.title == "Шинель — Гоголь" and result.creators == ["Николай Гоголь"]
    assert (result.language, result.year, result.description) == ("ru", 1842, "Повесть")
    assert result.subjects == ["повесть", "Петербург"]
    assert result.pages == ["Шинель\n\nВ департаменте… но лучше не называть, в каком департаменте.\n\nАкакий Акакиевич"]


# ----------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8-r"])
def test_russian_text_in_any_common_encoding(tmp_path: Path, encoding: str) -> None:
    text = corpus_text("ru-gogol-shinel.txt")[:20000]
    text = text.encode(encoding, "replace").decode(encoding)  # KOI8-R has no « »
    path = write(tmp_path, "shinel.pdf", text.encode(encoding))  # misleading name
    assert sniff_mime(path) == "text/plain"
    result = extract(path, "text/plain")
    assert result.encoding == {"utf-8-sig": "utf-8"}.get(encoding, encoding)
    assert "\ufeff" not in result.pages[0]
    assert squash(" ".join(result.pages)) == squash(text)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_short_cyrillic_lines_pick_the_right_code_page(tmp_path: Path, encoding: str) -> None:
    line = "Ўзбек тили ва адабиёти. Мы все учились понемногу.\n"  # ў exists in CP1251 only
    if encoding == "koi8-r":
        line = line.replace("Ў", "У")
    result = extract(write(tmp_path, "a.txt", line.encode(encoding)), "text/plain")
    assert (result.encoding, result.pages) == (encoding, [line.strip()])


def test_uzbek_cyrillic_and_latin_utf8(tmp_path: Path) -> None:
    latin = corpus_text("uz-navoiy-hikmatli-sozlar.txt")
    for text in (UZ_CYRILLIC, latin):
        result = extract(write(tmp_path, "uz.txt", b"\xef\xbb\xbf" + text.encode()), "text/plain")
        assert result.encoding == "utf-8" and squash(" ".join(result.pages)) == squash(text)


def test_long_text_is_paged_at_paragraphs(tmp_path: Path) -> None:
    text = corpus_text("en-shakespeare-hamlet.txt")
    result = extract(write(tmp_path, "hamlet.txt", text.encode()), "text/plain")
    assert len(result.pages) > 40
    assert all(len(page) <= 3000 for page in result.pages)
    assert squash(" ".join(result.pages)) == squash(text)
    assert paginate("") == [""] and paginate("x" * 7000) == ["x" * 3000, "x" * 3000, "x" * 1000]


# ----------------------------------------------------------------------------- media


def make_wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x01" * int(seconds * rate))
    return path


def make_mp3(path: Path, frames: int) -> Path:
    """MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz (417 bytes, 1152 samples each)."""
    path.write_bytes((b"\xff\xfb\x90\x64" + b"\x00" * 413) * frames)
    from mutagen.easyid3 import EasyID3

    tags = EasyID3()
    tags.update({"title": "Oʻtgan kunlar", "artist": "Abdulla Qodiriy", "date": "1926", "genre": "Audiokitob"})
    tags.save(str(path))
    return path


def make_flac(path: Path, seconds: int, rate: int = 44100) -> Path:
    samples_total = seconds * rate
    bits = (rate << 44) | (1 << 41) | (15 << 36) | samples_total  # 20-bit rate, 2 channels, 16 bits/sample
    info = struct.pack(">HH", 4096, 4096) + b"\x00" * 6 + bits.to_bytes(8, "big") + b"\x00" * 16
    path.write_bytes(b"fLaC" + bytes([0x80, 0, 0, 34]) + info)
    from mutagen.flac import FLAC

    audio = FLAC(str(path))
    audio["title"], audio["artist"] = "Dutor navolari", "Turgʻun Alimatov"
    audio.save()
    return path


def make_webm(path: Path, seconds: float) -> Path:
    def element(eid: bytes, payload: bytes) -> bytes:
        return eid + bytes([0x80 | len(payload)]) + payload if len(payload) < 127 else b""

    header = element(b"\x1a\x45\xdf\xa3", element(b"\x42\x82", b"webm"))
    info = element(b"\x2a\xd7\xb1", (1_000_000).to_bytes(3, "big"))
    info += element(b"\x44\x89", struct.pack(">d", seconds * 1000)) + element(b"\x7b\xa9", b"Toshkent")
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + element(b"\x15\x49\xa9\x66", info)
    path.write_bytes(header + segment)
    return path


def test_wav_mp3_flac_webm_duration_and_tags(tmp_path: Path) -> None:
    wav = make_wav(tmp_path / "a.mp3", 1.5)
    assert sniff_mime(wav) == "audio/x-wav"
    assert extract(wav, "audio/x-wav").duration == pytest.approx(1.5)

    mp3 = make_mp3(tmp_path / "b.wav", 100)
    assert sniff_mime(mp3) == "audio/mpeg"
    result = extract(mp3, "audio/mpeg")
    assert result.duration == pytest.approx(100 * 1152 / 44100, abs=0.1)
    assert (result.title, result.creators, result.year, result.subjects) == (
        "Oʻtgan kunlar",
        ["Abdulla Qodiriy"],
        1926,
        ["Audiokitob"],
    )
    assert result.pages == []

    flac = make_flac(tmp_path / "c.ogg", 3)
    assert sniff_mime(flac) == "audio/flac"
    result = extract(flac, "audio/flac")
    assert (result.duration, result.title, result.creators) == (3.0, "Dutor navolari", ["Turgʻun Alimatov"])

    webm = make_webm(tmp_path / "d.mp4", 12.5)
    assert sniff_mime(webm) == "video/webm"
    result = extract(webm, "video/webm")
    assert (result.duration, result.title, result.pages) == (12.5, "Toshkent", [])


def test_broken_audio_fails_clearly(tmp_path: Path) -> None:
    path = write(tmp_path, "x.mp3", b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + b"\x00" * 50)
    with pytest.raises(ExtractionError, match="audio"):
        extract(path, "audio/mpeg")


# ----------------------------------------------------------------------------- images and sniffing


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


def test_decompression_bomb_image_is_refused(tmp_path: Path) -> None:
    idat = b"IDAT" + zlib.compress(b"\x00" * 1000)
    chunks = struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    chunks += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    for width, height in [(30000, 30000), (11000, 11000)]:  # over Pillow's own limit; over ours only
        path = write(tmp_path, "huge.png", png_header(width, height) + chunks)
        assert sniff_mime(path) == "image/png"
        for call in (make_thumbnail, extract):
            with pytest.raises(ExtractionError, match="refused this image: .*pixels"):
                call(path, "image/png")


@pytest.mark.parametrize(("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("TIFF", "image/tiff")])
def test_image_thumbnail(tmp_path: Path, fmt: str, mime: str) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (1200, 1600), "white").save(path, fmt)
    assert sniff_mime(path) == mime
    assert extract(path, mime).pages == []
    thumb = make_thumbnail(path, mime)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.size == (300, 400)


def test_sniff_from_bytes_not_names(tmp_path: Path, gogol_pdf: bytes, hamlet_epub: bytes) -> None:
    cases = {
        "pdf.txt": (gogol_pdf, "application/pdf"),
        "epub.zip": (hamlet_epub, EPUB),
        "docx.pdf": (samples.text_to_docx("Salom", title="t", author="a"), DOCX),
        "odt.epub": (samples.text_to_odt("Salom", title="t", author="a"), ODT),
        "zip.epub": (_plain_zip(), "application/zip"),
        "djvu.pdf": (b"AT&TFORM\x00\x00\x01\x00DJVUINFO" + b"\x00" * 20, "image/vnd.djvu"),
        "ogg.mp3": (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x1e\x01vorbis" + b"\x00" * 40, "audio/ogg"),
        "m4a.mp3": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        "mp4.webm": (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video/mp4"),
        "bin.txt": (b"".join(hashlib.sha256(bytes([i])).digest() for i in range(200)), "application/octet-stream"),
        "text.html": ("Oddiy matn, hech qanday belgi yoʻq.\n".encode(), "text/plain"),
    }
    for name, (data, expected) in cases.items():
        assert sniff_mime(write(tmp_path, name, data)) == expected, name


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


def test_registry_covers_the_sniffed_types() -> None:
    for mime in ("application/pdf", EPUB, DOCX, ODT, "text/html", "text/plain", "audio/mpeg", "audio/ogg",
                 "audio/flac", "audio/x-wav", "audio/mp4", "video/mp4", "video/webm", "image/jpeg", "image/png",
                 "image/tiff", "image/vnd.djvu"):  # fmt: skip
        assert registry.for_mime(mime) is not None, mime
    assert registry.for_mime("application/pdf; charset=binary") is registry.for_mime("application/pdf")


def test_docx_xxe_does_not_read_local_files(tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(samples.text_to_docx("Salom dunyo", title="t", author="a")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1)
                data = data.replace(b"Salom dunyo", b"Salom &xxe; dunyo")
            archive.writestr(info, data)
    result = extract(write(tmp_path, "xxe.docx", out.getvalue()), DOCX)
    assert "Salom" in result.pages[0] and "root:" not in result.pages[0]
