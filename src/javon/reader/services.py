"""What the readers do: choose a file to read, page images and text layers of PDFs, page text
with the query's words marked, and the "text only" version of a work.

Page images and text layers are derived: rendered on demand from the stored PDF and kept in a
per-machine cache directory (``settings.READER_CACHE_DIR``, default ``DATA_DIR/cache/reader``)
named by the PDF's sha256, page, width and renderer version. Deleting the directory loses
nothing; stored originals are never touched.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from javon.access import services as access
from javon.reader import pdf
from javon.search.backend import lang_hint
from javon.search.query import parse
from javon.storage import services as storage
from javon.storage.models import File, FileRole, PageText
from javon.text import analyze_tuples

PDF = "application/pdf"
EPUB = "application/epub+zip"
# Best first: a searchable access copy beats its scan, page images beat reflowed text.
_ROLE_ORDER = {FileRole.ACCESS: 0, FileRole.ORIGINAL: 1}


def reader_kind(f: File) -> str | None:
    """Which reader shows `f`: "pdf", "epub", "text", "audio", "video", or None."""
    mime = (f.mime or "").split(";")[0].strip().lower()
    if f.role not in _ROLE_ORDER:
        return None
    if mime == PDF:
        return "pdf"
    if mime == EPUB:
        return "epub"
    if mime.startswith("audio/"):
        return "audio"
    if mime.startswith("video/"):
        return "video"
    if f.page_count or PageText.objects.filter(file=f).exists():
        return "text"
    return None


_KIND_ORDER = {"pdf": 0, "epub": 1, "text": 2, "audio": 3, "video": 3}


def best_file(who: Any, work: Any) -> File | None:
    """The file `who` should read `work` in: access-copy PDF, PDF, EPUB, text, audio/video."""
    candidates = []
    for f in File.objects.filter(work=work, role__in=list(_ROLE_ORDER)).select_related("blob", "work"):
        kind = reader_kind(f)
        if kind is not None and access.can_read(who, work, f, online=True):
            candidates.append((_KIND_ORDER[kind], _ROLE_ORDER[FileRole(f.role)], f.pk, f))
    return min(candidates, key=lambda c: c[:3])[3] if candidates else None


def is_public(work: Any, f: File | None = None) -> bool:
    """Anyone, signed in or not, may read it: shared caches may keep its pages."""
    return access.can_read(AnonymousUser(), work, f)


def cache_control(work: Any, f: File | None = None) -> str:
    if is_public(work, f):
        return "public, max-age=31536000, immutable"
    return "private, max-age=3600"


# --- PDF pages -------------------------------------------------------------------------------


def _cache_dir() -> Path:
    configured = getattr(settings, "READER_CACHE_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "cache" / "reader"


def page_image_etag(f: File, number: int, width: int, fmt: str) -> str:
    return f"{f.blob_id}-p{number}-w{width}-{pdf.RENDER_VERSION}.{fmt}"


@lru_cache(maxsize=256)
def _sizes_of(sha256: str) -> tuple[tuple[float, float], ...]:
    from javon.storage.models import Blob

    blob = Blob.objects.get(pk=sha256)
    with storage.local_copy(blob, ".pdf") as local:
        return tuple(pdf.page_sizes(local))


def page_sizes(f: File) -> tuple[tuple[float, float], ...]:
    """(width, height) in points of every page of a PDF file; cached per process."""
    return _sizes_of(f.blob_id)


def page_image(f: File, number: int, width: int, fmt: str) -> Path:
    """A local file holding the page image, rendered now if the cache does not have it.

    Raises pdf.PageNotFound for a page the PDF does not have.
    """
    sizes = page_sizes(f)
    if not 1 <= number <= len(sizes):
        raise pdf.PageNotFound(number)
    target = _cache_dir() / f.blob_id[:2] / f.blob_id / f"{number}-{width}-{pdf.RENDER_VERSION}.{fmt}"
    if target.is_file():
        return target
    with storage.local_copy(f.blob, ".pdf") as local:
        data = pdf.render_page(local, number, width, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and renamed, so a reader never gets half an image.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def work_lang(work: Any) -> str | None:
    return lang_hint(list(work.languages or []))


def query_keys(q: str) -> set[str]:
    """The keys and stems search matches the query by, in every spelling it expands to."""
    q = (q or "").strip()[:300]
    return parse(q).highlight_keys() if q else set()


def word_spans(text: str, keys: set[str], lang: str | None) -> list[tuple[int, int]]:
    """Spans of the original words in `text` that search would match to `keys`."""
    if not keys or not text:
        return []
    return [(t[4], t[5]) for t in analyze_tuples(text, lang) if t[1] in keys or t[2] in keys]


def text_layer(f: File, number: int, q: str = "") -> dict[str, Any]:
    """The words of a PDF page with page-relative boxes, and the boxes of the query's words.

    ``{"page", "width", "height", "words": [[text, x, y, w, h], ...], "hits": [[x, y, w, h], ...]}``
    with x, y from the top left, all in 0..1 of the page. Raises pdf.PageNotFound.
    """
    with storage.local_copy(f.blob, ".pdf") as local:
        layer = pdf.page_text(local, number)
    words = [[layer.text[start:end], *box.as_list()] for start, end, box in layer.chunks()]
    hits = []
    for start, end in word_spans(layer.text, query_keys(q), work_lang(f.work)):
        box = layer.box(start, end)
        if box is not None:
            hits.append(box.as_list())
    return {
        "page": number,
        "width": round(layer.width, 2),
        "height": round(layer.height, 2),
        "words": words,
        "hits": hits,
    }


# --- text of pages ---------------------------------------------------------------------------


def text_source(f: File) -> File:
    """The file whose PageText rows hold `f`'s text: itself, or what it was derived from."""
    if f.derived_from_id and not PageText.objects.filter(file=f).exists():
        return f.derived_from  # type: ignore[return-value]
    return f


def page_count(f: File) -> int:
    if reader_kind(f) == "pdf":
        return len(page_sizes(f))
    source = text_source(f)
    return PageText.objects.filter(file=source).count() or (source.page_count or 0)


def page_text(f: File, number: int) -> str:
    row = PageText.objects.filter(file=text_source(f), number=number).values_list("text", flat=True).first()
    return row or ""


def highlight(text: str, q: str, lang: str | None) -> tuple[str, int]:
    """HTML of `text` (escaped) with the query's words in <mark>, and how many were marked."""
    spans = word_spans(text, query_keys(q), lang)
    out: list[str] = []
    cursor = 0
    for start, end in spans:
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out), len(spans)


_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def paragraphs_html(text: str, q: str, lang: str | None) -> tuple[list[str], int]:
    """The page as escaped paragraphs (line breaks kept inside) with marks; and the mark count."""
    marked, count = highlight(text.replace("\r\n", "\n"), q, lang)
    return [p.strip("\n").replace("\n", "<br>") for p in _PARAGRAPHS.split(marked) if p.strip()], count


# --- text only ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextOnly:
    """Where the plain-text version of a work comes from: a stored text file, or page rows."""

    stored: File | None
    source: File | None  # the file the text was extracted from
    size: int


def text_only(who: Any, work: Any) -> TextOnly | None:
    """The work's extracted text if `who` may read it (and the file it came from), else None."""
    stored = (
        File.objects.filter(work=work, role=FileRole.TEXT).select_related("blob", "derived_from").order_by("id").first()
    )
    if stored is not None:
        source = stored.derived_from
        allowed = access.can_read(who, work, stored) and (source is None or access.can_read(who, work, source))
        return TextOnly(stored, source, stored.size) if allowed else None
    for f in File.objects.filter(work=work, role__in=list(_ROLE_ORDER)).order_by("id"):
        rows = PageText.objects.filter(file=f)
        if rows.exists() and access.can_read(who, work, f):
            size = sum(len(t.encode("utf-8")) for t in rows.values_list("text", flat=True)) + rows.count() - 1
            return TextOnly(None, f, size)
    return None


def joined_text(f: File) -> bytes:
    """Pages of `f` separated by form feeds, UTF-8: the same bytes ingest stores as text."""
    return "\f".join(PageText.objects.filter(file=f).order_by("number").values_list("text", flat=True)).encode()


def note_use(request: Any, work: Any, kind: str) -> None:
    """A reader opened or downloaded a work: count it, and log it when the work is restricted."""
    from javon.stats import services as stats

    stats.record_use(request, work, kind)
    if stats.counts_as_use(request):
        access.audit_read(request, work, kind)
