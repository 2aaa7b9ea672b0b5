"""The search backend protocol and its loader (like Django's cache framework).

The backend only indexes and answers; building documents from the catalogue and the
query language live in documents.py and query.py, the same for every backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from javon.search.query import ParsedQuery


def lang_hint(languages: list[str]) -> str | None:
    """The analyser for a work's text: its first language that javon.text knows, else detect."""
    for code in languages:
        base = code.split("-")[0].lower()
        if base in {"uz", "ru", "en"}:
            return base
    return None


@dataclass
class IndexPage:
    number: int
    text: str


@dataclass
class IndexDocument:
    """What is searchable about one work."""

    work_id: int
    title: str
    alt_titles: list[str]
    creators: list[str]
    subjects: list[str]
    keywords: list[str]
    abstract: str
    type: str
    languages: list[str]
    year: int | None
    collections: list[str]
    created: float
    pages: list[IndexPage] = field(default_factory=list)
    visibility: str = "public"  # who may find the work at all: "public" or "staff"
    audience: str = "open"  # who may find it by its full text (javon.access.policy.audience)


@dataclass
class Filters:
    type: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    collection: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    # The reader's reach (javon.access.services.search_scope); None means no limit (staff).
    visibility: list[str] | None = None
    audiences: list[str] | None = None


@dataclass
class Hit:
    work_id: int
    score: float
    pages: int = 0  # how many pages of text the work has in the index
    page: int | None = None
    snippet: str = ""


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]


class SearchBackend(Protocol):
    def replace(self, work_ids: list[int], documents: list[IndexDocument]) -> None:
        """Drop the given works from the index and add the documents, in one commit."""

    def clear(self) -> None: ...

    def close(self) -> None:
        """Release what the backend holds (its index writer)."""

    def rebuild(self, batches: Iterable[list[IndexDocument]]) -> int:
        """Replace the whole index with these documents; returns how many works."""

    def search(
        self,
        query: ParsedQuery,
        filters: Filters,
        *,
        offset: int = 0,
        limit: int = 10,
        sort: str = "relevance",
        facets: bool = True,
    ) -> SearchResult: ...

    def pages_of_work(self, query: ParsedQuery, work_id: int, limit: int = 50) -> list[tuple[int, float]]:
        """Pages of one work that match, best first, as (page number, score)."""

    def best_pages(self, query: ParsedQuery, work_ids: list[int]) -> dict[int, int]:
        """The best matching page of each of these works (work id -> page number)."""

    def correct(self, key: str) -> str | None:
        """A likely intended indexed word for a key that is not in the index (typos)."""

    def count(self) -> int: ...

    def position(self) -> int:
        """The id of the last change-log entry this index applied."""

    def set_position(self, position: int, gaps: list[tuple[int, float]]) -> None: ...

    def gaps(self) -> list[tuple[int, float]]: ...

    def last_checked(self) -> float: ...


_loaded: list[SearchBackend] = []


@lru_cache(maxsize=4)
def _load(path: str, index_dir: str) -> SearchBackend:
    backend: SearchBackend = import_string(path)(index_dir)
    _loaded.append(backend)
    return backend


def get_backend() -> SearchBackend:
    return _load(settings.SEARCH_BACKEND, str(settings.SEARCH_INDEX_DIR))


def reset_backends() -> None:
    """Close and forget loaded backends (tests that switch index directories)."""
    for backend in _loaded:
        backend.close()
    _loaded.clear()
    _load.cache_clear()
