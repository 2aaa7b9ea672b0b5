"""Pages of a scan as images: PDF (rendered at 300 dpi), multi-page TIFF, JPEG/PNG/…, DjVu
(through djvulibre's ddjvu), and a ZIP of page images (a folder of pages kept as one work,
in natural order). Pure Python, no Django.

Memory stays bounded: an image's declared size is checked before its pixels are decoded,
and a PDF page is rendered at a lower resolution rather than past the pixel limit.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence

from javon.ingest.extractors import ExtractionError
from javon.ingest.extractors.base import reading
from javon.ingest.extractors.image import open_checked
from javon.ingest.extractors.pages_zip import IMAGE_SUFFIXES, natural_key, page_names
from javon.ingest.extractors.pdf import _LOCK, open_pdf, page_text

DPI = 300
MAX_PAGE_PIXELS = 80_000_000  # an A1 sheet at 300 dpi; OCR past this is no better, only slower
PDF = "application/pdf"
ZIP = "application/zip"
DJVU = ("image/vnd.djvu", "image/x-djvu")
IMAGES = ("image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp")
OCR_MIME_TYPES = (PDF, ZIP, *DJVU, *IMAGES)
TEXT_LAYER_CHARS = 40  # a PDF page with at least this much text has a text layer


@dataclass
class SourcePage:
    number: int  # 1-based, as the reader counts the access PDF's pages
    has_text: bool  # born-digital text: no OCR needed


def is_scan_mime(mime: str) -> bool:
    return mime.split(";")[0].strip().lower() in OCR_MIME_TYPES


def list_pages(path: Path, mime: str) -> list[SourcePage]:
    """The pages of a scan; ExtractionError (with a sentence why) when it cannot be read."""
    mime = mime.split(";")[0].strip().lower()
    if path.stat().st_size == 0:
        raise ExtractionError("the file is empty (0 bytes)")
    if mime == PDF:
        with _LOCK:
            pdf = open_pdf(path)
            try:
                pages = []
                for index in range(len(pdf)):
                    page = pdf[index]
                    try:
                        pages.append(SourcePage(index + 1, len(page_text(page)) >= TEXT_LAYER_CHARS))
                    finally:
                        page.close()
                return pages
            finally:
                pdf.close()
    if mime in DJVU:
        return [SourcePage(n, False) for n in range(1, _djvu_pages(path) + 1)]
    if mime == ZIP:
        return [SourcePage(n, False) for n in range(1, len(page_names(path)) + 1)]
    if mime in IMAGES:
        with reading("image"), open_checked(path, "image") as image:
            frames = getattr(image, "n_frames", 1)
            image.verify()  # truncated or corrupt files fail here, before any page is queued
        return [SourcePage(n, False) for n in range(1, frames + 1)]
    raise ExtractionError(f"files of type {mime or 'unknown'} cannot be digitised")


def load_page(path: Path, mime: str, number: int) -> Image.Image:
    """Page `number` (1-based) as a greyscale image at about 300 dpi."""
    mime = mime.split(";")[0].strip().lower()
    try:
        if mime == PDF:
            return _pdf_page(path, number)
        if mime in DJVU:
            return _djvu_page(path, number)
        if mime == ZIP:
            name = page_names(path)[number - 1]
            with zipfile.ZipFile(path) as archive:
                data = archive.read(name)
            return _decode(open_checked(io.BytesIO(data), "page image"), 1)
        return _decode(open_checked(path, "image"), number)
    except ExtractionError:
        raise
    except (OSError, ValueError, SyntaxError, IndexError, AttributeError, zipfile.BadZipFile) as exc:
        raise ExtractionError(f"page {number} cannot be read: {exc}") from exc


def _decode(image: Image.Image, number: int) -> Image.Image:
    with image:
        frame = ImageSequence.Iterator(image)[number - 1] if number > 1 else image
        frame.load()
        return frame.convert("L")


def _pdf_page(path: Path, number: int) -> Image.Image:
    with _LOCK:
        pdf = open_pdf(path)
        try:
            page = pdf[number - 1]
            try:
                w, h = page.get_size()  # points
                scale = DPI / 72
                pixels = w * scale * h * scale
                if pixels > MAX_PAGE_PIXELS:
                    scale *= (MAX_PAGE_PIXELS / pixels) ** 0.5 * 0.999  # rounding up must not pass the limit
                bitmap = page.render(scale=scale, grayscale=True)
                return bitmap.to_pil().convert("L")
            finally:
                page.close()
        finally:
            pdf.close()


def _djvu_pages(path: Path) -> int:
    done = subprocess.run(["djvused", "-e", "n", str(path)], capture_output=True, timeout=60, check=False)
    if done.returncode != 0 or not done.stdout.strip().isdigit():
        raise ExtractionError("not a valid DjVu file: djvulibre cannot read it")
    return int(done.stdout)


def _djvu_page(path: Path, number: int) -> Image.Image:
    with tempfile.TemporaryDirectory(prefix="javon-djvu-") as tmp:
        out = Path(tmp) / "page.tif"
        done = subprocess.run(
            ["ddjvu", "-format=tiff", f"-page={number}", str(path), str(out)],
            capture_output=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not out.exists():
            raise ExtractionError(f"page {number} of this DjVu file cannot be drawn")
        return _decode(open_checked(out, "DjVu page"), 1)


def bundle_folder(folder: Path, out: Path) -> int:
    """Pack a folder of page images into a ZIP (stored, not recompressed: every page's bytes
    stay as scanned), pages in natural order. Returns the number of pages."""
    images = sorted(
        (
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
        ),
        key=lambda p: natural_key(p.name),
    )
    if not images:
        raise ExtractionError(f"{folder} holds no page images")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for image in images:
            archive.write(image, image.name)
    return len(images)


def is_page_folder(folder: Path) -> bool:
    """A folder whose files are all page images (and at least two): one work, not many."""
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return len(files) >= 2 and all(p.suffix.lower() in IMAGE_SUFFIXES for p in files)
