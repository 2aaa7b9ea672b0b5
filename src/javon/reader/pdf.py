"""PDF pages through pypdfium2: sizes, page images and the words of a page with their boxes.

Plain Python, no Django. PDFium is not thread-safe (one library state per process), so every
call into it holds one process-wide lock; documents and pages are closed before the lock is
released. A render is bounded in pixels whatever the page's shape, so a hostile 1:100 page
cannot take the process's memory.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pypdfium2 as pdfium
from PIL import Image, ImageChops

#: Widths a page image may have; any other asked width is snapped to the nearest of these, so
#: caches (ours and the browser's) see few variants.
WIDTHS: Final = (480, 640, 800, 1024, 1280, 1600)
#: 800 px: sharp on a phone held upright (≈400 CSS px at 2×), ≈60 KB WebP for a text page.
DEFAULT_WIDTH: Final = 800
FORMATS: Final = {"webp": "image/webp", "jpg": "image/jpeg"}
#: Bumped when the rendering changes, so old derived images are neither served nor matched.
RENDER_VERSION: Final = "r1"
_MAX_PIXELS: Final = 1600 * 4000
_WEBP_QUALITY, _JPEG_QUALITY = 62, 62
# A page whose colour channels differ by less than this everywhere is stored as greyscale:
# a third of the bytes for the typical printed page, no visible loss.
_GREY_TOLERANCE: Final = 10

_lock = threading.Lock()
_WHITESPACE = re.compile(r"\S+")


class PageNotFound(LookupError):
    """The document has no page of that number."""


def snap_width(asked: object) -> int:
    """The allowed width nearest to what was asked; the default for anything unreadable."""
    try:
        width = int(str(asked))
    except (TypeError, ValueError):
        return DEFAULT_WIDTH
    return min(WIDTHS, key=lambda w: (abs(w - width), w))


@contextmanager
def _document(path: Path) -> Iterator[pdfium.PdfDocument]:
    with _lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            yield pdf
        finally:
            pdf.close()


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, as displayed (rotation applied)."""
    with _document(path) as pdf:
        sizes = []
        for index in range(len(pdf)):
            width, height = pdf.get_page_size(index)
            sizes.append((float(width), float(height)))
        return sizes


def _page(pdf: pdfium.PdfDocument, number: int) -> pdfium.PdfPage:
    if not 1 <= number <= len(pdf):
        raise PageNotFound(number)
    return pdf[number - 1]


def _is_grey(image: Image.Image) -> bool:
    small = image.copy()
    small.thumbnail((200, 200))
    r, g, b = small.split()
    for a, c in ((r, g), (g, b)):
        extrema = ImageChops.difference(a, c).getextrema()  # (low, high) for a one-band image
        if isinstance(extrema, tuple) and isinstance(extrema[1], int | float) and extrema[1] > _GREY_TOLERANCE:
            return False
    return True


def render_page(path: Path, number: int, width: int, fmt: str) -> bytes:
    """The page `number` (1-based) as a WebP or JPEG `width` pixels wide."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    with _document(path) as pdf:
        page = _page(pdf, number)
        try:
            page_w, page_h = page.get_size()
            scale = width / max(page_w, 1.0)
            if page_w * page_h * scale * scale > _MAX_PIXELS:
                scale = (_MAX_PIXELS / max(page_w * page_h, 1.0)) ** 0.5
            bitmap = page.render(scale=scale, may_draw_forms=True)
            try:
                image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    if _is_grey(image):
        image = image.convert("L")
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=_WEBP_QUALITY, method=4)
    else:
        image.save(out, "JPEG", quality=_JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def render_area(path: Path, number: int, scale: float, crop: tuple[float, float, float, float]) -> Image.Image:
    """Part of page `number` as an RGB image, for the IIIF image service: `scale` pixels per
    point, `crop` points cut off the displayed page's (left, bottom, right, top) edges.

    Only that part is rasterised, so a deep-zoom tile costs a tile, not a page. Raises
    ValueError past the same pixel bound as render_page."""
    with _document(path) as pdf:
        page = _page(pdf, number)
        try:
            page_w, page_h = page.get_size()
            pixels = (page_w - crop[0] - crop[2]) * (page_h - crop[1] - crop[3]) * scale * scale
            if pixels > _MAX_PIXELS:
                raise ValueError(f"{pixels:.0f} pixels is more than a render may draw")
            bitmap = page.render(scale=scale, crop=crop, may_draw_forms=True)
            try:
                return bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()


def is_grey(image: Image.Image) -> bool:
    """Do the colour channels of an RGB image hardly differ anywhere (a printed text page)?"""
    return _is_grey(image)


@dataclass(frozen=True)
class Box:
    """A rectangle in page-relative units: 0..1 from the page's left and top edges."""

    x: float
    y: float
    w: float
    h: float

    def as_list(self) -> list[float]:
        return [round(self.x, 4), round(self.y, 4), round(self.w, 4), round(self.h, 4)]


@dataclass(frozen=True)
class PageText:
    """The text PDFium reads on a page, and a box for every character of it."""

    text: str
    boxes: list[tuple[float, float, float, float] | None]  # per character: left, bottom, right, top (points)
    width: float
    height: float
    left: float  # the crop box's origin: character boxes are in page space
    bottom: float

    def box(self, start: int, end: int) -> Box | None:
        """The union of the character boxes of text[start:end], page-relative; None if none has one."""
        found = [b for b in self.boxes[start:end] if b is not None]
        if not found:
            return None
        left = min(b[0] for b in found) - self.left
        bottom = min(b[1] for b in found) - self.bottom
        right = max(b[2] for b in found) - self.left
        top = max(b[3] for b in found) - self.bottom
        x0, x1 = _clamp(left / self.width), _clamp(right / self.width)
        y0, y1 = _clamp(1 - top / self.height), _clamp(1 - bottom / self.height)
        return Box(x0, y0, max(x1 - x0, 0.0), max(y1 - y0, 0.0))

    def chunks(self) -> Iterator[tuple[int, int, Box]]:
        """Runs of non-space characters (words with their punctuation) that have a box."""
        for m in _WHITESPACE.finditer(self.text):
            box = self.box(m.start(), m.end())
            if box is not None:
                yield m.start(), m.end(), box


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def page_text(path: Path, number: int) -> PageText:
    """The text layer of page `number`: OCR'd access copies carry theirs invisibly, so it is here too."""
    with _document(path) as pdf:
        page = _page(pdf, number)
        try:
            if page.get_rotation() % 360:
                # Boxes would need turning with the page; the reader falls back to no text layer.
                width, height = page.get_size()
                return PageText("", [], width, height, 0.0, 0.0)
            left, bottom, right, top = page.get_cropbox()
            textpage = page.get_textpage()
            try:
                count = textpage.count_chars()
                text = textpage.get_text_range(0, count) if count > 0 else ""
                boxes: list[tuple[float, float, float, float] | None] = []
                # PDFium's text has one character per char index (generated spaces and line
                # breaks included, with empty boxes), so offsets into `text` index the boxes.
                for index in range(min(count, len(text))):
                    if text[index].isspace():
                        boxes.append(None)
                        continue
                    box = textpage.get_charbox(index, loose=True)
                    boxes.append(box if box[2] > box[0] and box[3] > box[1] else None)
            finally:
                textpage.close()
        finally:
            page.close()
    if len(text) > len(boxes):  # characters beyond the index (surrogates): no box
        boxes.extend([None] * (len(text) - len(boxes)))
    return PageText(text, boxes, max(right - left, 1.0), max(top - bottom, 1.0), left, bottom)
