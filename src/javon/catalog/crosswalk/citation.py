"""Cite a work: GOST R 7.0.100-2018 and APA text, BibTeX, RIS, CSL-JSON and CSV exports.

APA is rendered by citeproc-py with the official APA 7 CSL style vendored in data/ (CC BY-SA,
see data/LICENCE.md); GOST by javon.catalog.crosswalk.gost.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc.string import String

from javon.catalog.crosswalk import bibtex, csl, gost, ris, tabular
from javon.catalog.models import Work
from javon.catalog.services import WorkInput, to_input

STYLES = ("gost", "apa")


@dataclass(frozen=True)
class Export:
    extension: str
    media_type: str


EXPORTS = {
    "bibtex": Export("bib", bibtex.MEDIA_TYPE),
    "ris": Export("ris", ris.MEDIA_TYPE),
    "csl-json": Export("json", csl.MEDIA_TYPE),
    "csv": Export("csv", tabular.MEDIA_TYPE),
}
FORMATS = (*STYLES, *EXPORTS)

# CSL-JSON keys citeproc-py does not know as names or variables: left out of its input.
_CITEPROC_SKIP = {"custom", "compiler", "narrator", "contributor"}
_render_lock = threading.Lock()


class UnknownFormat(ValueError):
    pass


def as_input(work: Work | WorkInput) -> WorkInput:
    return to_input(work) if isinstance(work, Work) else work


def item_id(work: Work | WorkInput, fallback: str = "item") -> str:
    return f"javon{work.pk}" if isinstance(work, Work) and work.pk else fallback


@lru_cache(maxsize=1)
def _apa_style() -> CitationStylesStyle:
    path = resources.files("javon.catalog.crosswalk").joinpath("data/apa.csl")
    with resources.as_file(path) as local:
        return CitationStylesStyle(str(local), validate=False)


class _PlainSource(CiteProcJSON):
    """citeproc-py reads <span class="nocase"> in strings as markup; catalogue text stays text."""

    def parse_string(self, string: Any) -> String:
        return String(str(string))


def apa(data: WorkInput, *, url: str = "") -> str:
    item: dict[str, Any] = {k: v for k, v in csl.to_csl(data, url=url).items() if k not in _CITEPROC_SKIP}
    item["id"] = "item"
    return _apa_text(json.dumps(item, ensure_ascii=False, sort_keys=True))


@lru_cache(maxsize=2048)
def _apa_text(item_json: str) -> str:
    """citeproc-py takes ~10 ms a record: a work page shown again reuses its text (keyed by all its input)."""
    item = json.loads(item_json)
    with _render_lock:  # citeproc-py keeps rendering state on the shared style object
        bibliography = CitationStylesBibliography(_apa_style(), _PlainSource([item]), formatter.plain)
        bibliography.register(Citation([CitationItem("item")]))
        text = " ".join(str(entry) for entry in bibliography.bibliography()).strip()
    if item["type"] == "thesis" and "number" not in item:
        # citeproc-py does not suppress APA's "Publication No." group when the number is missing.
        text = text.replace(" (Publication)", "", 1)
    return text


def format_citation(
    work: Work | WorkInput,
    style: str,
    *,
    url: str = "",
    pages: int | None = None,
    accessed: dt.date | None = None,
) -> str:
    """The work cited in `style` ('gost' or 'apa') or exported as 'bibtex', 'ris', 'csl-json' or 'csv'.

    `url` is the work's page, `pages` its length when known; the result is plain text."""
    data = as_input(work)
    if style == "gost":
        return gost.format_record(data, pages=pages, url=url, accessed=accessed)
    if style == "apa":
        return apa(data, url=url)
    if style == "bibtex":
        return bibtex.entry(data, key=item_id(work), url=url, pages=pages)
    if style == "ris":
        return ris.record(data, url=url, pages=pages)
    if style == "csl-json":
        return csl.dumps([csl.to_csl(data, item_id=item_id(work), url=url, pages=pages)])
    if style == "csv":
        return tabular.dumps([data])
    raise UnknownFormat(f"unknown citation format {style!r}: use one of {', '.join(FORMATS)}")


@dataclass(frozen=True)
class Rendered:
    text: str
    media_type: str
    extension: str


def render(work: Work | WorkInput, fmt: str, *, url: str = "", pages: int | None = None) -> Rendered:
    """format_citation with the media type and file extension to serve it under."""
    text = format_citation(work, fmt, url=url, pages=pages)
    if fmt in EXPORTS:
        return Rendered(text, EXPORTS[fmt].media_type, EXPORTS[fmt].extension)
    return Rendered(text, "text/plain", "txt")
