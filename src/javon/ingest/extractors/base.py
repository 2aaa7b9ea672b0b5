"""What every extractor shares: the result type, the error, the Protocol and the registry.

An extractor is a small stateless class naming the MIME types it reads. The registry maps a
sniffed type to one of them; ``extract`` and ``make_thumbnail`` in the package go through it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


class ExtractionError(Exception):
    """One file could not be read. The message is a sentence a librarian can act on."""


@dataclass
class Extracted:
    """Text and embedded metadata of one file.

    ``pages`` holds one entry per PDF page (empty pages included), one per EPUB spine item,
    pages of about 3,000 characters cut at paragraph boundaries for plain text, HTML and
    office documents, and nothing for audio, video and images.
    """

    pages: list[str]
    title: str | None = None
    creators: list[str] = field(default_factory=list)
    language: str | None = None
    year: int | None = None
    subjects: list[str] = field(default_factory=list)
    description: str | None = None
    page_count: int | None = None
    duration: float | None = None
    encoding: str | None = None


class Extractor(Protocol):
    """Reads text and metadata from one family of formats."""

    mime_types: ClassVar[tuple[str, ...]]
    label: ClassVar[str]  # the format's name in error messages: "PDF", "EPUB", ...

    def extract(self, path: PathLike) -> Extracted: ...


@runtime_checkable
class Thumbnailer(Protocol):
    """An extractor that can also draw a small picture of the first page, cover or image."""

    def thumbnail(self, path: PathLike, width: int) -> bytes | None: ...


class Registry:
    """MIME type -> extractor. Later registrations win, so a deployment can replace one."""

    def __init__(self, extractors: Iterable[type[Extractor]] = ()) -> None:
        self._by_mime: dict[str, Extractor] = {}
        for cls in extractors:
            self.register(cls)

    def register(self, cls: type[Extractor]) -> type[Extractor]:
        instance = cls()
        for mime in cls.mime_types:
            self._by_mime[mime] = instance
        return cls

    def for_mime(self, mime: str) -> Extractor | None:
        return self._by_mime.get(normalise_mime(mime))

    def mime_types(self) -> list[str]:
        return sorted(self._by_mime)


def normalise_mime(mime: str) -> str:
    return mime.split(";", 1)[0].strip().lower()


@contextmanager
def reading(label: str) -> Iterator[None]:
    """Turn any failure inside an extractor into an ExtractionError that names the format.

    KeyboardInterrupt and SystemExit pass through. MemoryError becomes an ExtractionError too
    (the stack has unwound, so the memory is back), but it is logged loudly, not swallowed.
    """
    try:
        yield
    except ExtractionError:
        raise
    except MemoryError as exc:
        log.error("ran out of memory reading a %s file", label)
        raise ExtractionError(f"ran out of memory reading this {label} file") from exc
    except RecursionError as exc:
        raise ExtractionError(f"this {label} file is nested too deeply to read") from exc
    except Exception as exc:
        detail = str(exc).strip() or type(exc).__name__
        raise ExtractionError(f"could not read this {label} file: {detail}") from exc
