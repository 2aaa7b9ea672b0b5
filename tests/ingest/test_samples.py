"""samples.py makes real files: PDFs with a text layer and metadata, valid EPUB 3, DOCX, ODT."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from javon.ingest import samples

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
UZ_CYRILLIC = "Ўзбекистон — қуёшли ўлка. Ғайратли ҳунармандлар ўз қўллари билан гўзал буюмлар яратади."
UZ_LATIN = "Oʻzbekiston — quyoshli oʻlka. Gʻayratli hunarmandlar soʻz boʻyicha maʼno beradi."


@pytest.fixture(autouse=True)
def isolated_storage_and_index() -> None:
    """These tests are pure Python: replace the suite's Django storage/index fixture."""


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range().replace("\r", "") for i in range(len(pdf))]
    finally:
        pdf.close()


def test_pdf_text_layer_round_trips_in_order() -> None:
    text = corpus_text("ru-gogol-shinel.txt")
    data = samples.text_to_pdf(text, title="Шинель", author="Гоголь, Николай", language="ru")
    pages = pdf_pages(data)
    assert len(pages) > 20
    assert "Шинель" in pages[0] and "Гоголь, Николай" in pages[0]
    assert squash(" ".join(pages[1:])) == squash(text)  # every word, in order, nothing lost or doubled


def test_pdf_metadata_and_language_are_embedded() -> None:
    from pypdf import PdfReader

    data = samples.text_to_pdf(UZ_LATIN, title="Oʻzbek tili: gʻalaba", author="Alisher Navoiy", language="uz")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None
    assert reader.metadata.title == "Oʻzbek tili: gʻalaba"
    assert reader.metadata.author == "Alisher Navoiy"
    assert reader.trailer["/Root"]["/Lang"] == "uz"


@pytest.mark.parametrize("line", [UZ_CYRILLIC, UZ_LATIN, "Мы все учились понемногу чему-нибудь и как-нибудь"])
def test_pdf_uzbek_and_cyrillic_letters_survive(line: str) -> None:
    pages = pdf_pages(samples.text_to_pdf(line, title="t", author="a"))
    assert squash(pages[1]) == squash(line)


def test_pdf_max_pages_truncates_and_is_deterministic() -> None:
    text = corpus_text("en-shakespeare-hamlet.txt")
    short = samples.text_to_pdf(text, title="Hamlet", author="Shakespeare", max_pages=5)
    assert len(pdf_pages(short)) == 5
    assert samples.text_to_pdf(text, title="Hamlet", author="Shakespeare", max_pages=5) == short


def test_epub_is_valid_epub3_with_chapters_nav_and_metadata() -> None:
    import ebooklib
    from ebooklib import epub

    text = corpus_text("en-shakespeare-hamlet.txt")
    data = samples.text_to_epub(text, title="Hamlet", author="William Shakespeare", language="en")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        assert "OEBPS/nav.xhtml" in archive.namelist()
    book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    assert book.get_metadata("DC", "title")[0][0] == "Hamlet"
    assert book.get_metadata("DC", "creator")[0][0] == "William Shakespeare"
    assert book.get_metadata("DC", "language")[0][0] == "en"
    documents = list(book.get_items_of_type(ebooklib.ITEM_DOCUMENT))
    assert len(documents) > 5  # split at ACT/SCENE headings
    assert samples.text_to_epub(text, title="Hamlet", author="William Shakespeare") == data


def test_chapters_fall_back_to_every_n_paragraphs() -> None:
    text = "\n\n".join(f"Paragraph number {i} of a text without headings, long enough to be prose." for i in range(95))
    parts = samples.chapters(text, every=40)
    assert [len(blocks) for _, blocks in parts] == [40, 40, 15]


def test_docx_and_odt_hold_text_and_core_metadata() -> None:
    import docx
    from odf import opendocument, teletype
    from odf.text import P

    text = corpus_text("uz-navoiy-hikmatli-sozlar.txt")
    document = docx.Document(io.BytesIO(samples.text_to_docx(text, title="Hikmatli soʻzlar", author="Alisher Navoiy")))
    assert document.core_properties.title == "Hikmatli soʻzlar"
    assert document.core_properties.author == "Alisher Navoiy"
    assert "Befoyda ish natija bermas." in [p.text for p in document.paragraphs]

    odt = opendocument.load(io.BytesIO(samples.text_to_odt(text, title="Hikmatli soʻzlar", author="Alisher Navoiy")))
    paragraphs = [teletype.extractText(p) for p in odt.getElementsByType(P)]
    assert "Befoyda ish natija bermas." in paragraphs
