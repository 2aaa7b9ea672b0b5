"""What search does: log changes, keep the local index following the log, answer queries.

The database is the truth; the index is derived. Every change to something searchable
writes an IndexChange row in the same transaction (work_changed); each machine's index
applies the log in order (apply_changes) and remembers its position, so several web
machines each keep a replica that converges, and a stopped one catches up.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from javon.access import policy
from javon.access import services as access
from javon.search.backend import Filters, IndexDocument, IndexPage, SearchBackend, get_backend, lang_hint
from javon.search.models import IndexChange
from javon.search.query import ParsedQuery, parse
from javon.text import fold
from javon.text.analyzer import analyze_tuples

log = logging.getLogger(__name__)

APPLY_BATCH = 500
GAP_PATIENCE = 300.0  # seconds a missing log id may still be an open transaction
SNIPPET_WORDS = 30
MAX_GAPS = 10_000
RELAX_FROM_WORDS = 3


def work_changed(work_id: int) -> None:
    """Log that a work's searchable content changed. Call inside the changing transaction."""
    IndexChange.objects.create(work_id=work_id)
    if settings.SEARCH_SYNC:
        transaction.on_commit(apply_changes)


def works_changed(work_ids: list[int]) -> None:
    """work_changed for many works in one insert (bulk imports)."""
    IndexChange.objects.bulk_create([IndexChange(work_id=work_id) for work_id in work_ids])
    if settings.SEARCH_SYNC and work_ids:
        transaction.on_commit(apply_changes)


# ------------------------------------------------------------------ building documents
def build_documents(work_ids: list[int]) -> list[IndexDocument]:
    """Index documents for the works that are ready; missing or unready works get none.

    Plain value queries, one per relation, rather than model instances: reindexing a
    million records spends its time here.
    """
    from javon.catalog.models import AlternativeTitle, Contribution, Work
    from javon.storage.models import FileRole, PageText

    def grouped(rows: Any) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        for work_id, value in rows:
            out.setdefault(work_id, []).append(value)
        return out

    works = list(
        Work.objects.filter(pk__in=work_ids, status=Work.Status.READY)
        .order_by("pk")
        .values_list(
            "pk", "title", "abstract", "type", "languages", "year", "created", "keywords", "access", "lending_copies"
        )
    )
    ready = [w[0] for w in works]
    if not ready:
        return []
    creators = grouped(
        Contribution.objects.filter(work_id__in=ready)
        .order_by("work_id", "position", "id")
        .values_list("work_id", "agent__name")
    )
    subjects = grouped(Work.subjects.through.objects.filter(work_id__in=ready).values_list("work_id", "subject__term"))
    collections = grouped(
        Work.collections.through.objects.filter(work_id__in=ready).values_list("work_id", "collection__slug")
    )
    alt_titles = grouped(AlternativeTitle.objects.filter(work_id__in=ready).values_list("work_id", "title"))
    pages_by_work: dict[int, list[IndexPage]] = {}
    for work_id, number, text in (
        PageText.objects.filter(file__work_id__in=ready, file__role=FileRole.ORIGINAL)
        .order_by("file__work_id", "file_id", "number")
        .values_list("file__work_id", "number", "text")
        .iterator(chunk_size=2000)
    ):
        pages_by_work.setdefault(work_id, []).append(IndexPage(number, text))
    return [
        IndexDocument(
            work_id=pk,
            title=title,
            alt_titles=alt_titles.get(pk, []),
            creators=creators.get(pk, []),
            subjects=subjects.get(pk, []),
            keywords=list(keywords or []),
            abstract=abstract,
            type=type_,
            languages=list(languages or []),
            year=year,
            collections=collections.get(pk, []),
            created=created.timestamp(),
            pages=pages_by_work.get(pk, []),
            visibility=access.index_visibility(_Rule(access_rule, copies)),
            audience=access.index_audience(_Rule(access_rule, copies)),
        )
        for pk, title, abstract, type_, languages, year, created, keywords, access_rule, copies in works
    ]


@dataclass
class _Rule:
    """Just the access rule of a work, for the access service's index helpers."""

    access: str
    lending_copies: int = 0


# ------------------------------------------------------------------ following the log
def apply_changes(backend: SearchBackend | None = None, batch: int = APPLY_BATCH) -> int:
    """Apply the change log to the local index from where it stopped. Returns changes applied.

    Ids are assigned at insert, but transactions commit in any order: an id below one we
    have seen may still appear. Missing ids are kept as gaps and looked at again until
    they show up or GAP_PATIENCE has passed (the transaction rolled back).
    """
    backend = backend or get_backend()
    applied = 0
    while True:
        position = backend.position()
        now = time.time()
        gaps = [(i, t) for i, t in backend.gaps() if now - t < GAP_PATIENCE]
        gap_ids = [i for i, _ in gaps]
        rows = list(IndexChange.objects.filter(id__gt=position).order_by("id").values_list("id", "work_id")[:batch])
        if gap_ids:
            rows += list(IndexChange.objects.filter(id__in=gap_ids).values_list("id", "work_id"))
        if not rows:
            backend.set_position(position, gaps)
            return applied
        work_ids = sorted({w for _, w in rows})
        backend.replace(work_ids, build_documents(work_ids))
        seen = {i for i, _ in rows}
        new_max = max([position, *seen])
        # A fresh index starts at the oldest entry there is: ids below it were pruned.
        first = position + 1 if position else min(seen)
        fresh_gaps = [(i, now) for i in range(first, new_max) if i not in seen]
        remaining = ([(i, t) for i, t in gaps if i not in seen] + fresh_gaps)[-MAX_GAPS:]
        backend.set_position(new_max, remaining)
        applied += len(rows)
        if len(rows) < batch:
            return applied


def apply_changes_if_free() -> bool:
    """Apply the log here unless another process on this machine holds the index writer."""
    try:
        apply_changes()
    except ValueError as exc:  # tantivy: "Failed to acquire Lockfile: LockBusy"
        if "lock" not in str(exc).lower():
            raise
        return False
    return True


def follow(interval: float = 0.5, stop: Callable[[], bool] = lambda: False) -> None:
    """`javon index-follow`: keep this machine's index applying the change log."""
    from django.db import close_old_connections

    backend = get_backend()
    while not stop():
        close_old_connections()
        try:
            applied = apply_changes(backend)
        except Exception as exc:
            if isinstance(exc, ValueError) and "lock" in str(exc).lower():
                # Another process here (a `javon import --wait`) is writing the index for now.
                log.info("the index is being written by another process; waiting")
            else:
                # The follower must outlive a bad document or a lost connection.
                log.exception("applying the index change log failed; retrying")
            applied = 0
            time.sleep(min(interval * 10, 5))
        if not applied:
            time.sleep(interval)


def log_head() -> int:
    return int(IndexChange.objects.aggregate(m=Max("id"))["m"] or 0)


def wait_until_applied(position: int, timeout: float = 600.0, apply_here: bool = True) -> bool:
    """Block until this machine's index has applied the log up to `position`.

    Entries up to `position` are committed when we are called. Once the index has passed
    `position` and has read the log again since we started waiting, every one of them is
    applied: a reading applies new entries and the gaps that have since committed.
    """
    backend = get_backend()
    started = time.time()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if apply_here:
            # Without a follower on this machine we are the one to apply the log.
            apply_changes_if_free()
        if backend.position() >= position and backend.last_checked() > started:
            return True
        time.sleep(0.1)
    return False


def reindex(batch: int = 500) -> int:
    """Rebuild the whole index from the database."""
    from javon.catalog.models import Work

    backend = get_backend()
    head = log_head()
    ids = list(Work.objects.order_by("pk").values_list("pk", flat=True))
    count = backend.rebuild(build_documents(ids[start : start + batch]) for start in range(0, len(ids), batch))
    backend.set_position(head, [])
    # Changes logged while we rebuilt are applied on top.
    apply_changes(backend)
    return count


# ------------------------------------------------------------------ searching
@dataclass
class SearchHit:
    work_id: int
    score: float
    page: int | None
    snippet: str


@dataclass
class SearchResponse:
    query: ParsedQuery
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    did_you_mean: str | None = None  # the corrected query whose results are shown
    relaxed: bool = False  # no work had every word; works with some of them are shown


def make_snippet(text: str, keys: set[str], lang: str | None = None, words: int = SNIPPET_WORDS) -> str:
    """HTML: the window of `text` with the most query words, matches in <mark>, all escaped.

    Highlighting follows our analysis offsets on the original text, so it marks what the
    reader sees, whatever spelling or script matched. `lang` must be the one the text was
    indexed with (lang_hint of the work), so that the keys are the same.
    """
    tokens = analyze_tuples(text, lang)  # (text, key, stem, loose, start, end, position)
    if not tokens:
        return ""
    matched = [i for i, t in enumerate(tokens) if t[1] in keys or t[2] in keys]
    if matched:
        best, best_count = matched[0], 0
        for i in matched:
            count = sum(1 for j in matched if i <= j < i + words)
            if count > best_count:
                best, best_count = i, count
        first = max(0, best - words // 4)
    else:
        first = 0
    last = min(len(tokens), first + words) - 1
    marks = set(matched)
    out: list[str] = ["… " if first > 0 else ""]
    # At the very start or end of the text, keep what stands outside the words ("<", ".").
    cursor = 0 if first == 0 else tokens[first][4]
    for i in range(first, last + 1):
        start, end = tokens[i][4], tokens[i][5]
        out.append(html.escape(text[cursor:start]))
        piece = html.escape(text[start:end])
        out.append(f"<mark>{piece}</mark>" if i in marks else piece)
        cursor = end
    if last < len(tokens) - 1:
        out.append(" …")
    else:
        out.append(html.escape(text[cursor : cursor + 40]))
    return "".join(out).strip()


def search(
    q: str,
    filters: Filters | None = None,
    *,
    page: int = 1,
    per_page: int = 10,
    sort: str = "relevance",
    snippets: bool = True,
    who: Any = None,
) -> SearchResponse:
    """Search as `who` (a request or a user; None: an anonymous reader) may: works hidden
    from them are not found, and text they may not read neither matches nor shows."""
    from javon.catalog.models import Work
    from javon.storage.models import FileRole, PageText

    query = parse(q)
    backend = get_backend()
    filters = replace(filters or Filters())
    filters.visibility, filters.audiences = access.search_scope(who)
    viewer = access.viewer_for(who)
    today = timezone.localdate()
    offset = max(page - 1, 0) * per_page
    result = backend.search(query, filters, offset=offset, limit=per_page, sort=sort)
    corrected = None
    relaxed = False
    if result.total == 0 and len(query.groups) >= RELAX_FROM_WORDS:
        # A long question in plain words: no work has them all, so rank works by how many
        # they have (measured on Cranfield: AND alone answered 9 of 225 such queries).
        query = ParsedQuery(
            text=query.text,
            groups=[[c for g in query.groups for c in g]],
            excluded=query.excluded,
            year_from=query.year_from,
            year_to=query.year_to,
        )
        relaxed = True
        result = backend.search(query, filters, offset=offset, limit=per_page, sort=sort)
    if result.total == 0 and not query.is_empty:
        corrected = correct_query(q, backend)
        if corrected:
            query = parse(corrected)
            result = backend.search(query, filters, offset=offset, limit=per_page, sort=sort)
    keys = query.highlight_keys()
    ids = [h.work_id for h in result.hits]
    abstracts: dict[int, str] = {}
    langs: dict[int, str | None] = {}
    readable: set[int] = set()
    for pk, abstract, languages, rule, copies in Work.objects.filter(pk__in=ids).values_list(
        "pk", "abstract", "languages", "access", "lending_copies"
    ):
        abstracts[pk] = abstract
        langs[pk] = lang_hint(list(languages or []))
        # Lent works show no text in results, even to their borrowers (who search inside).
        if viewer.staff or (not copies and policy.may_read(viewer, access.work_rule(_Rule(rule)), today)):
            readable.add(pk)
    best_page: dict[int, int] = {}
    if snippets and not query.is_empty:
        # Works without text (catalogue records), or whose text is closed to this reader,
        # need no search among pages.
        best_page = backend.best_pages(query, [h.work_id for h in result.hits if h.pages and h.work_id in readable])
    texts: dict[tuple[int, int], str] = {}
    if best_page:
        wanted = Q()
        for work_id, number in best_page.items():
            wanted |= Q(file__work_id=work_id, number=number)
        texts = {
            (work_id, number): text
            for work_id, number, text in PageText.objects.filter(wanted, file__role=FileRole.ORIGINAL).values_list(
                "file__work_id", "number", "text"
            )
        }
    hits: list[SearchHit] = []
    for h in result.hits:
        page_no = best_page.get(h.work_id)
        snippet = ""
        if snippets and not query.is_empty:
            if page_no is not None:
                snippet = make_snippet(texts.get((h.work_id, page_no), ""), keys, langs.get(h.work_id))
            if not snippet and abstracts.get(h.work_id):
                snippet = make_snippet(abstracts[h.work_id], keys, langs.get(h.work_id))
        hits.append(SearchHit(h.work_id, h.score, page_no, snippet))
    facets = dict(result.facets)
    if "year" in facets:
        facets["year_range"] = year_ranges(facets["year"])
    return SearchResponse(
        query=query, total=result.total, hits=hits, facets=facets, did_you_mean=corrected, relaxed=relaxed
    )


def year_ranges(years: dict[str, int], width: int = 10) -> dict[str, int]:
    """Year facet counts gathered into ranges ("1990-1999": n), newest first."""
    ranges: dict[int, int] = {}
    for year, count in years.items():
        try:
            start = int(year) // width * width
        except ValueError:
            continue
        ranges[start] = ranges.get(start, 0) + count
    return {f"{start}-{start + width - 1}": ranges[start] for start in sorted(ranges, reverse=True)}


def correct_query(q: str, backend: SearchBackend) -> str | None:
    """The query with misspelt longer words replaced by the indexed words they most likely meant."""
    from javon.text import analyze as analyse_words

    changed = False
    pieces: list[str] = []
    cursor = 0
    for token in analyse_words(q):
        pieces.append(q[cursor : token.start])
        is_field_name = q[token.end : token.end + 1] == ":"
        fix = None if is_field_name else backend.correct(token.key)
        pieces.append(fix if fix else token.text)
        changed = changed or bool(fix)
        cursor = token.end
    pieces.append(q[cursor:])
    return "".join(pieces) if changed else None


def search_in_work(work_id: int, q: str, limit: int = 50, who: Any = None) -> list[tuple[int, str]]:
    """Pages of one work that match, with snippets — none if `who` may not read the work."""
    from javon.catalog.models import Work
    from javon.storage.models import FileRole, PageText

    work = Work.objects.filter(pk=work_id).first()
    if work is None or not access.can_read(who, work, online=True):
        return []
    query = parse(q)
    pages = get_backend().pages_of_work(query, work_id, limit=limit)
    texts = dict(
        PageText.objects.filter(
            file__work_id=work_id, file__role=FileRole.ORIGINAL, number__in=[p for p, _ in pages]
        ).values_list("number", "text")
    )
    keys = query.highlight_keys()
    lang = lang_hint(list(work.languages or []))
    return [(p, make_snippet(texts.get(p, ""), keys, lang)) for p, _ in pages]


def suggest(prefix: str, limit: int = 8, who: Any = None) -> dict[str, list[dict[str, object]]]:
    """Titles and authors for what the reader has typed so far (the last word a prefix)."""
    from django.db.models import Q
    from django.urls import reverse

    from javon.catalog.models import Agent, Work

    text = prefix.strip()[:200]
    if len(text) < 2:
        return {"works": [], "authors": []}
    query = parse(text if prefix.endswith(" ") else text + "*")
    for group in query.groups:
        for clause in group:
            clause.field = "suggest"
    visibility, _audiences = access.search_scope(who)
    result = get_backend().search(query, Filters(visibility=visibility), limit=limit, facets=False)
    ids = [h.work_id for h in result.hits]
    works = {w.pk: w for w in Work.objects.filter(pk__in=ids).prefetch_related("contributions__agent")}
    key = fold(text, "uz")  # the reading of catalog.services.name_key
    authors = (
        Agent.objects.filter(Q(name_key__startswith=key) | Q(name_key__contains=" " + key))
        .filter(Q(works__status=Work.Status.READY) & ~Q(works__access="staff"))
        .distinct()
        .order_by("name")[:5]
    )
    return {
        "works": [
            {"id": w.pk, "title": w.title, "creators": w.creator_names(), "url": w.get_absolute_url()}
            for w in (works.get(i) for i in ids)
            if w is not None
        ],
        "authors": [
            {"id": a.pk, "name": a.name, "dates": a.dates, "url": reverse("web:author", args=[a.pk])} for a in authors
        ],
    }
