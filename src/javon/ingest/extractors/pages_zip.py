"""A ZIP of page images: a folder of scanned pages kept as one work (digitised by OCR).
No text here; the page count and a thumbnail of the first page in natural order."""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from typing import ClassVar

from javon.ingest.extractors.base import Extracted, ExtractionError, PathLike, reading
from javon.ingest.extractors.image import thumbnail_from_bytes
from javon.ingest.extractors.safe import SafeZip

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".webp")


def natural_key(name: str) -> list[object]:
    """Sort key putting "page2" before "page10"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def page_names(path: PathLike) -> list[str]:
    """The page images in the archive in natural order (2 before 10); ExtractionError if it
    holds anything else, or nothing."""
    with SafeZip(path, "ZIP of page images") as archive:
        names = sorted(n for n in archive.names if not n.endswith("/"))
    if not names or any(PurePosixPath(n).suffix.lower() not in IMAGE_SUFFIXES for n in names):
        raise ExtractionError("this ZIP is not a set of page images; only scanned pages can be imported from a ZIP")
    return sorted(names, key=natural_key)


class PagesZipExtractor:
    mime_types: ClassVar[tuple[str, ...]] = ("application/zip",)
    label: ClassVar[str] = "ZIP of page images"

    def extract(self, path: PathLike) -> Extracted:
        with reading(self.label):
            return Extracted(pages=[], page_count=len(page_names(path)))

    def thumbnail(self, path: PathLike, width: int) -> bytes | None:
        with reading(self.label):
            first = page_names(path)[0]
            with zipfile.ZipFile(path) as archive:
                return thumbnail_from_bytes(archive.read(first), width, "page image")
