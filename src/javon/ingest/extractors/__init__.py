"""Sniff a file's type from its bytes, extract its text and embedded metadata, draw a thumbnail.

Pure Python, no Django. One module per family of formats, each an :class:`Extractor`; the
:data:`registry` maps MIME types to them. Everything a hostile or broken file can do ends in
an :class:`ExtractionError` with a sentence naming the problem, for that one file.
"""

from __future__ import annotations

import os

from javon.ingest.extractors.base import (
    Extracted,
    ExtractionError,
    Extractor,
    PathLike,
    Registry,
    Thumbnailer,
    normalise_mime,
    reading,
)
from javon.ingest.extractors.djvu import DjvuExtractor
from javon.ingest.extractors.epub import EpubExtractor
from javon.ingest.extractors.html import HtmlExtractor
from javon.ingest.extractors.image import ImageExtractor
from javon.ingest.extractors.media import EbmlExtractor, MediaExtractor
from javon.ingest.extractors.office import DocxExtractor, OdtExtractor
from javon.ingest.extractors.pages_zip import PagesZipExtractor
from javon.ingest.extractors.pdf import PdfExtractor
from javon.ingest.extractors.sniff import sniff_mime
from javon.ingest.extractors.text import TextExtractor

__all__ = [
    "Extracted",
    "ExtractionError",
    "Extractor",
    "Registry",
    "Thumbnailer",
    "extract",
    "make_thumbnail",
    "registry",
    "sniff_mime",
]

registry = Registry(
    [
        PdfExtractor,
        EpubExtractor,
        DocxExtractor,
        OdtExtractor,
        HtmlExtractor,
        TextExtractor,
        MediaExtractor,
        EbmlExtractor,
        ImageExtractor,
        DjvuExtractor,
        PagesZipExtractor,
    ]
)


def _check_file(path: PathLike) -> None:
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ExtractionError(f"the file cannot be opened: {exc.strerror or exc}") from exc
    if size == 0:
        raise ExtractionError("the file is empty (0 bytes)")


def extract(path: PathLike, mime: str) -> Extracted:
    """Text and metadata of the file at ``path`` (whose type ``sniff_mime`` gave as ``mime``)."""
    extractor = registry.for_mime(mime)
    if extractor is None:
        raise ExtractionError(f"files of type {normalise_mime(mime) or 'unknown'} are not supported")
    _check_file(path)
    with reading(extractor.label):
        return extractor.extract(path)


def make_thumbnail(path: PathLike, mime: str, width: int = 300) -> bytes | None:
    """WebP bytes of the first page, cover or picture, ``width`` pixels wide (never enlarged);
    None when the format has no picture to show."""
    extractor = registry.for_mime(mime)
    if extractor is None or not isinstance(extractor, Thumbnailer):
        return None
    _check_file(path)
    with reading(extractor.label):
        return extractor.thumbnail(path, width)
