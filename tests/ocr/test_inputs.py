"""Every kind of scan yields its pages; every bad one fails alone with a clear message."""

from __future__ import annotations

import struct
import subprocess
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from javon.ingest import services as ingest
from javon.ingest.extractors import ExtractionError
from javon.ingest.models import ImportItem
from javon.ocr import pages
from javon.ocr.models import OcrRun
from javon.ocr.testpages import render
from tests.ocr.helpers import image_pdf


def _page(text: str) -> Image.Image:
    return render(text, width_in=3.0)


def _png_declaring(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header declares a huge picture: decoding it would need gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_multipage_tiff_pages_in_order(tmp_path: Path) -> None:
    frames = [_page("Birinchi sahifa"), _page("Ikkinchi sahifa matni bu yerda")]
    path = tmp_path / "book.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    found = pages.list_pages(path, "image/tiff")
    assert [p.number for p in found] == [1, 2]
    assert pages.load_page(path, "image/tiff", 2).size == frames[1].size


def test_djvu_pages_through_djvulibre(tmp_path: Path) -> None:
    image = _page("DjVu sahifasi")
    pgm = tmp_path / "page.pgm"
    image.save(pgm)
    djvu = tmp_path / "page.djvu"
    subprocess.run(["c44", "-dpi", "300", str(pgm), str(djvu)], check=True, capture_output=True)
    assert [p.number for p in pages.list_pages(djvu, "image/vnd.djvu")] == [1]
    assert pages.load_page(djvu, "image/vnd.djvu", 1).size == image.size


def test_folder_bundle_keeps_natural_order_and_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("10.png", "2.png", "1.png"):
        _page(name).save(folder / name)
    bundle = tmp_path / "pages.zip"
    assert pages.bundle_folder(folder, bundle) == 3
    assert pages.page_names(bundle) == ["1.png", "2.png", "10.png"]
    assert pages.load_page(bundle, "application/zip", 3).size == Image.open(folder / "10.png").size


def test_huge_pdf_page_is_drawn_smaller_not_refused(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=7200, height=7200)  # 100 × 100 inches: 30,000 × 30,000 px at 300 dpi
    path = tmp_path / "poster.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    tracemalloc.start()
    image = pages.load_page(path, "application/pdf", 1)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert image.width * image.height <= pages.MAX_PAGE_PIXELS
    assert peak < 400 * 2**20  # bounded: far below the 900 MB a full-size page would take


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("empty.png", lambda p: _write(p, b""), "empty"),
        ("broken.png", lambda p: _write(p, b"\x89PNG\r\n\x1a\n" + b"garbage" * 50), "not a valid image|could not read"),
        ("bomb.png", lambda p: _png_declaring(p, 200_000, 200_000), "too large to draw"),
        ("huge.png", lambda p: _png_declaring(p, 30_000, 30_000), "too large to draw"),
        ("big.png", lambda p: _png_declaring(p, 12_000, 12_000), "144,000,000|12,000×12,000"),
    ],
)
def test_bad_images_are_refused_with_a_reason(tmp_path: Path, name: str, make: object, message: str) -> None:
    path = make(tmp_path / name)  # type: ignore[operator]
    started = time.monotonic()
    with pytest.raises(ExtractionError, match=message):
        pages.list_pages(path, "image/png")
    assert time.monotonic() - started < 2  # refused from the header, nothing decoded


@pytest.mark.django_db(transaction=True)
def test_bad_scans_fail_alone_in_an_import(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.tif").write_bytes(b"")
    (folder / "broken.tif").write_bytes(b"II*\x00" + b"\xff" * 300)
    _png_declaring(folder / "huge.png", 30_000, 30_000)
    locked = PdfWriter()
    locked.add_blank_page(width=300, height=300)
    locked.encrypt("secret")
    with open(folder / "locked.pdf", "wb") as out:
        locked.write(out)
    image_pdf(folder / "good.pdf", [render("Yaxshi sahifa: Buxoro, Xiva, Samarqand.", width_in=4.0)])

    job = ingest.import_paths([folder], actor="test", ocr="auto")

    by_name = {item.name: item for item in job.items.all()}
    assert by_name["empty.tif"].status == ImportItem.Status.FAILED and "empty" in by_name["empty.tif"].error
    assert by_name["broken.tif"].status == ImportItem.Status.FAILED
    assert "image" in by_name["broken.tif"].error
    assert "too large to draw" in by_name["huge.png"].error
    assert "encrypted" in by_name["locked.pdf"].error
    good = by_name["good.pdf"]
    assert good.status == ImportItem.Status.OK
    assert OcrRun.objects.get(work_id=good.work_id).status == OcrRun.Status.DONE
    assert "Samarqand" in good.work.files.get(role="original").pages.get(number=1).text


@pytest.mark.django_db(transaction=True)
def test_a_page_that_breaks_later_fails_alone(tmp_path: Path) -> None:
    """A scan that lists fine but whose page cannot be drawn: that page fails, the run ends."""
    from javon.ocr import services as ocr
    from javon.storage.models import File
    from tests.factories import make_work

    work = make_work(title="Buzuq")
    bundle = tmp_path / "pages.zip"
    folder = tmp_path / "p"
    folder.mkdir()
    render("Bir", width_in=2.0).save(folder / "1.png")
    (folder / "2.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    pages.bundle_folder(folder, bundle)
    from javon.storage import services as storage

    blob, _ = storage.store_path(bundle, "application/zip")
    File.objects.create(work=work, blob=blob, role="original", name="pages.zip", mime="application/zip", size=blob.size)
    run = ocr.start_run(work, actor="test")
    run.refresh_from_db()
    statuses = dict(run.pages.values_list("number", "status"))
    assert statuses == {1: "done", 2: "failed"}
    assert "page 2" in run.pages.get(number=2).error or "image" in run.pages.get(number=2).error
    assert run.status == OcrRun.Status.DONE and "1 page" in run.error
    assert [p.number for p in ocr.low_confidence_pages(run)] == [2]
