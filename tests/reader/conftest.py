"""Fixtures for the readers: real files imported through the normal ingest path."""

from __future__ import annotations

import io
import wave
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from javon.catalog.models import Work
from javon.ingest import services as ingest
from javon.ingest.models import ImportItem
from tests.factories import sidecar, write_pdf


@pytest.fixture(autouse=True)
def reader_cache(settings: Any, tmp_path: Path) -> Path:
    """Every test renders into its own cache of derived page images."""
    settings.READER_CACHE_DIR = tmp_path / "reader-cache"
    return settings.READER_CACHE_DIR


def import_one(path: Path) -> Work:
    job = ingest.import_paths([path], actor="test")
    item = job.items.get()
    assert item.status == ImportItem.Status.OK, item.error
    assert item.work is not None
    return item.work


# Latin Uzbek with inflected forms of "kitob" (book) and "maktab" (school), one a page apart.
UZ_TEXT = "\n\n".join(
    [
        "Birinchi bob",
        "Biz kutubxonaga bordik va kitoblarimizni oʻqidik. " * 3
        + "Oʻqituvchi bizga maktabdagi yangi darsliklar haqida gapirib berdi. " * 30,
        "Ikkinchi bob",
        "Ertalab bolalar maktabga yugurishdi, chunki bugun bayram edi. " * 40,
    ]
)


@pytest.fixture
def uz_pdf(tmp_path: Path) -> Work:
    folder = tmp_path / "in-pdf"
    folder.mkdir()
    path = write_pdf(folder, "kitoblar.pdf", UZ_TEXT, title="Kitoblar haqida", author="Test, Muallif", language="uz")
    sidecar(path, {"title": "Kitoblar haqida", "languages": ["uz"]})
    return import_one(path)


@pytest.fixture
def corpus_pdf(tmp_path: Path, corpus: Path) -> Work:
    folder = tmp_path / "in-corpus"
    folder.mkdir()
    text = (corpus / "en-carroll-alices-adventures-in-wonderland.txt").read_text(encoding="utf-8")[:15000]
    return import_one(write_pdf(folder, "alice.pdf", text, title="Alice", author="Carroll, Lewis"))


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


HOSTILE_CHAPTER = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Bir</title><style>body{background:url(http://evil.example/bg.png)}</style>
<script>alert('head')</script></head>
<body onload="alert('body')">
<h1 id="top">Birinchi bob</h1>
<p style="color:red" onclick="alert('p')">Kitoblarimizni oʻqidik.<script>alert('inline')</script></p>
<p><a href="javascript:alert('link')">bosing</a> <a href="two.xhtml#s2">keyingi</a>
 <a href="https://example.org/ok">tashqi</a> <a href="#top">yuqoriga</a></p>
<p><img src="images/pic.png" alt="rasm" onerror="alert('img')"/>
<img src="http://evil.example/track.gif" alt="iz"/>
<img src="data:image/png;base64,iVBORw0KGgo=" alt="data"/></p>
<iframe src="http://evil.example/"></iframe>
<form action="http://evil.example/"><input name="x"/></form>
<svg xmlns="http://www.w3.org/2000/svg"><script>alert('svg')</script></svg>
</body></html>"""

SECOND_CHAPTER = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Ikki</title></head>
<body><h1 id="s2">Ikkinchi bob</h1><p>Maktabga bordik.</p></body></html>"""


def write_hostile_epub(path: Path) -> Path:
    opf = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:x:hostile</dc:identifier>
<dc:title>Xavfli kitob</dc:title><dc:language>uz</dc:language><dc:creator>Test, Muallif</dc:creator></metadata>
<manifest><item id="one" href="one.xhtml" media-type="application/xhtml+xml"/>
<item id="two" href="two.xhtml" media-type="application/xhtml+xml"/>
<item id="pic" href="images/pic.png" media-type="image/png"/>
<item id="evil" href="images/evil.svg" media-type="image/svg+xml"/></manifest>
<spine><itemref idref="one"/><itemref idref="two"/></spine></package>"""
    container = """<?xml version="1.0"?><container version="1.0"
xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>
<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", opf)
        archive.writestr("OEBPS/one.xhtml", HOSTILE_CHAPTER)
        archive.writestr("OEBPS/two.xhtml", SECOND_CHAPTER)
        archive.writestr("OEBPS/images/pic.png", _png())
        archive.writestr("OEBPS/images/evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>')
    return path


@pytest.fixture
def hostile_epub(tmp_path: Path) -> Work:
    folder = tmp_path / "in-epub"
    folder.mkdir()
    return import_one(write_hostile_epub(folder / "xavfli.epub"))


@pytest.fixture
def text_work(tmp_path: Path) -> Work:
    folder = tmp_path / "in-txt"
    folder.mkdir()
    path = folder / "ertak.txt"
    paragraphs = [f"{i}-xatboshi. Bir bor ekan, bir yoʻq ekan, kichkina kitobxon bola bor ekan." * 4 for i in range(60)]
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    sidecar(path, {"title": "Ertak", "languages": ["uz"]})
    return import_one(path)


@pytest.fixture
def audio_work(tmp_path: Path) -> Work:
    folder = tmp_path / "in-audio"
    folder.mkdir()
    path = folder / "hikoya.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000 * 3)
    sidecar(path, {"title": "Hikoya", "languages": ["uz"]})
    return import_one(path)
