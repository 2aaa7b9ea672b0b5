"""DjVu: the container is checked (a single-page file says so; bundles need djvulibre).
No text yet (that needs djvulibre or OCR)."""

from __future__ import annotations

from typing import ClassVar

from javon.ingest.extractors.base import Extracted, ExtractionError, PathLike, reading


class DjvuExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("image/vnd.djvu", "image/x-djvu")
    label: ClassVar[str] = "DjVu"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label), open(path, "rb") as fh:
            head = fh.read(64)
            if not head.startswith(b"AT&TFORM") or head[12:16] not in (b"DJVU", b"DJVM", b"DJVI"):
                raise ExtractionError("not a valid DjVu file: the AT&T FORM header is missing")
            return Extracted(pages=[], page_count=1 if head[12:16] == b"DJVU" else None)
