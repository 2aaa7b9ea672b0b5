"""The tantivy backend: one local index per machine, fed our own tokens.

Each work is one "work" document (metadata and the whole text, for matching, ranking and
facets) plus one "page" document per page (to tell which page a hit is on). Text fields
receive javon.text keys as pre-tokenized text, so the same analysis applies at index and
query time; field tokenizers are plain whitespace so query keys pass through unchanged.
Large bodies are not stored: ids come from a fast field, display text from the database.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from javon.search.backend import Filters, Hit, IndexDocument, SearchResult, lang_hint
from javon.search.query import Clause, ParsedQuery, TermKeys
from javon.search.subject_names import SubjectNames
from javon.text.analyzer import index_keys

log = logging.getLogger(__name__)

WORK, PAGE = 0, 1
# Field weights for exact keys; stems count for less, so the exact form ranks first.
# Measured on Cranfield (bench/cranfield.py): higher title
# weights hurt full-text ranking, since bodies repeat their titles.
KEY_FIELDS = {"title": 2.0, "alt_title": 1.5, "creators": 1.5, "subjects": 1.2, "abstract": 1.0, "body": 1.0}
STEM_WEIGHT = 0.8
TIE_BREAKER = 0.1  # a little credit for matching in more than one way
# Loose keys (o for oʻ, к for қ …) find what a reader typed without special letters,
# ranked well below exact and stemmed matches.
LOOSE_WEIGHT = 0.25
# Page documents hold their text in a field of their own, so that a search of works never
# meets a page and needs no kind=WORK filter (which cost a third of a common-word query).
PAGE_FIELD = "page_body"
FIELD_WEIGHTS = {**KEY_FIELDS, PAGE_FIELD: 1.0}
FIELD_GROUPS = {
    None: list(KEY_FIELDS),
    "title": ["title", "alt_title"],
    "creators": ["creators"],
    "subjects": ["subjects"],
    "suggest": ["title", "alt_title", "creators"],
}
PAGE_GAP = 10  # positions left between pages so that a phrase never spans two pages
MAX_PREFIX_TERMS = 200
SCHEMA_VERSION = 6
REBUILD_HEAP = 1_000_000_000
REBUILD_THREADS = 2
FACETS = {"type": 20, "language": 20, "year": 400, "collection": 50, "subject": 30}
WIDE_FACETS = ["subject"]
NARROW_FACETS = [name for name in FACETS if name not in WIDE_FACETS]
FACET_FIELDS = {"subject": "subject_id"}
SUBJECT_NAMES_KEPT = 100_000
BROWSING_KEPT = 256
PAGES_SEEN = 500  # best_pages: matching pages read to find each work's best
WIDE_FACET_MAX_HITS = 10_000


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count 1), giving up past `limit`."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("kind", indexed=True, fast=True)
    sb.add_unsigned_field("work_id", stored=True, indexed=True, fast=True)
    sb.add_unsigned_field("page", stored=True, indexed=True, fast=True)
    sb.add_unsigned_field("pages", fast=True)
    for name in FIELD_WEIGHTS:
        sb.add_text_field(name, tokenizer_name="ws", index_option="position")
        sb.add_text_field(name + "_s", tokenizer_name="ws", index_option="freq")
        sb.add_text_field(name + "_l", tokenizer_name="ws", index_option="freq")
    for name in ("type", "language", "collection", "title_sort", "visibility", "audience"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    # Subjects are counted by a numeric id: tantivy counts a text column with an array as
    # long as the column's distinct values (hundreds of thousands of subjects) per segment
    # and query, a number column with a map as long as the hits (3x faster, measured).
    sb.add_text_field("subject", tokenizer_name="raw", stored=True)
    sb.add_unsigned_field("subject_id", indexed=True, fast=True)
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_float_field("created", indexed=False, fast=True)
    return sb.build()


# ---------------------------------------------------------------- documents
# A document as plain data, (how, field, value) with how = TEXT, UNSIGNED, INTEGER or
# FLOAT: made where the text is analysed (worker processes, in a big rebuild) and turned
# into a tantivy.Document where the index is written.
TEXT, UNSIGNED, INTEGER, FLOAT = range(4)
Prepared = list[tuple[int, str, Any]]


_FACET_THREADS = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="javon-facets")


def _aggregations(names: list[str]) -> dict[str, Any]:
    return {name: {"terms": {"field": FACET_FIELDS.get(name, name), "size": FACETS[name]}} for name in names}


def subject_id(subject: str) -> int:
    """A subject's facet id: 52 bits of its hash (aggregation keys pass through float64)."""
    return int.from_bytes(hashlib.blake2b(subject.encode(), digest_size=8).digest(), "big") >> 12


def _add_keys(fields: Prepared, name: str, keys: tuple[str, str, str]) -> None:
    """Our keys, joined by spaces, into fields whose tokenizer splits on whitespace only.

    Tantivy then sees exactly our keys in order (positions for phrases), and we avoid
    building a Python Token object per word (the pre-tokenized path was 3x slower).
    Offsets are not needed: snippets are made from our own analysis. Stems and loose keys
    equal to the key are not there (javon.text.index_keys): `_term` looks for them in the
    key field.
    """
    exact, stems, looses = keys
    if exact:
        fields.append((TEXT, name, exact))
        if stems and not stems.isspace():
            fields.append((TEXT, name + "_s", stems))
        if looses and not looses.isspace():
            fields.append((TEXT, name + "_l", looses))


def prepare(d: IndexDocument) -> list[Prepared]:
    """The work document, then one document per page with text."""
    lang = lang_hint(d.languages)
    work: Prepared = [(UNSIGNED, "kind", WORK), (UNSIGNED, "work_id", d.work_id), (UNSIGNED, "page", 0)]
    title = index_keys(d.title, lang)
    _add_keys(work, "title", title)
    for alt in d.alt_titles:
        _add_keys(work, "alt_title", index_keys(alt, lang))
    for creator in d.creators:
        _add_keys(work, "creators", index_keys(creator, lang))
    for subject in [*d.subjects, *d.keywords]:
        _add_keys(work, "subjects", index_keys(subject, lang))
    for subject in d.subjects:
        work += [(TEXT, "subject", subject), (UNSIGNED, "subject_id", subject_id(subject))]
    if d.abstract:
        _add_keys(work, "abstract", index_keys(d.abstract, lang))
    work += [(TEXT, "type", d.type), (TEXT, "visibility", d.visibility), (TEXT, "audience", d.audience)]
    work += [(TEXT, "language", code) for code in d.languages or ["und"]]
    work += [(TEXT, "collection", collection) for collection in d.collections]
    work.append((TEXT, "title_sort", title[0][:200]))
    if d.year is not None:
        work.append((INTEGER, "year", d.year))
    work.append((FLOAT, "created", d.created))

    pages: list[Prepared] = []
    for page in d.pages:
        keys = index_keys(page.text, lang)
        if not keys[0]:
            continue
        page_doc: Prepared = [
            (UNSIGNED, "kind", PAGE),
            (UNSIGNED, "work_id", d.work_id),
            (UNSIGNED, "page", page.number),
            (TEXT, "audience", d.audience),
        ]
        _add_keys(page_doc, PAGE_FIELD, keys)
        pages.append(page_doc)
        # The work's body holds every page in turn, one value per page.
        _add_keys(work, "body", keys)
    work.append((UNSIGNED, "pages", len(pages)))
    return [work, *pages]


def prepare_batch(batch: list[IndexDocument]) -> list[Prepared]:
    return [doc for d in batch for doc in prepare(d)]


def subject_pairs(prepared: list[Prepared]) -> Iterator[tuple[int, str]]:
    """(facet id, subject) of every subject in these documents, for SubjectNames."""
    for fields in prepared:
        for _how, name, value in fields:
            if name == "subject":
                yield subject_id(value), value


def to_tantivy(fields: Prepared) -> tantivy.Document:
    doc = tantivy.Document()
    adders = (doc.add_text, doc.add_unsigned, doc.add_integer, doc.add_float)
    for how, name, value in fields:
        adders[how](name, value)
    return doc


def _prepared(batches: Iterable[list[IndexDocument]], workers: int) -> Iterator[tuple[int, list[Prepared]]]:
    """(works, documents) of each batch, in order.

    The first batches are analysed here; from the third on, a big rebuild is analysed in
    `workers` processes (analysis is pure Python and holds the GIL), so that a small one
    starts no process. Spawned processes import the caller's main module: a script that
    rebuilds with workers needs an `if __name__ == "__main__":` guard (`javon` has one).
    """
    it = iter(batches)
    for batch in itertools.islice(it, 2):
        yield len(batch), prepare_batch(batch)
    if workers <= 1:
        for batch in it:
            yield len(batch), prepare_batch(batch)
        return
    # spawn, not fork: the writer's threads are running by now.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[tuple[int, Future[list[Prepared]]]] = deque()
        for batch in it:
            pending.append((len(batch), pool.submit(prepare_batch, batch)))
            if len(pending) > 2 * workers:
                n, future = pending.popleft()
                yield n, future.result()
        while pending:
            n, future = pending.popleft()
            yield n, future.result()


class TantivyBackend:
    def __init__(self, index_dir: str) -> None:
        self.path = Path(index_dir)
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.schema = _build_schema()
        version_file = self.path / "schema-version"
        if version_file.exists() and version_file.read_text().strip() != str(SCHEMA_VERSION):
            # A new schema: start afresh; `javon reindex` (or following the log from 0) refills it.
            for child in self.path.iterdir():
                if child.is_file():
                    child.unlink()
        self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        self.index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        version_file.write_text(str(SCHEMA_VERSION))
        self._last_reload = 0.0
        self._writer: tantivy.IndexWriter | None = None
        self._names: dict[int, str] = {}  # subject facet id -> subject, as met
        self._subjects = SubjectNames(self.path / "subjects.sqlite3")
        self._generation: tuple[int, ...] = ()
        self._browsing: dict[tuple[Any, ...], SearchResult] = {}
        self._browsing_generation: tuple[int, ...] = ()

    # ---------------------------------------------------------------- writing
    def _get_writer(self) -> tantivy.IndexWriter:
        """This process's one writer, kept open so that merges run in the background.

        Opening it takes the index's lock: only one process per machine writes (the
        follower, or a one-process setup); others get tantivy's LockBusy ValueError.
        """
        if self._writer is None:
            self._writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        return self._writer

    def close(self) -> None:
        """Finish merges and let go of the writer (and its lock)."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    def replace(self, work_ids: list[int], documents: list[IndexDocument]) -> None:
        with self._lock:
            writer = self._get_writer()
            try:
                if work_ids:
                    # delete_documents_by_term takes a Python int as i64 and misses u64 terms.
                    writer.delete_documents_by_query(
                        tantivy.Query.term_set_query(self.schema, "work_id", list(work_ids))
                    )
                prepared = prepare_batch(documents)
                for fields in prepared:
                    writer.add_document(to_tantivy(fields))
                self._subjects.add(subject_pairs(prepared))
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            self._reload()

    def rebuild(self, batches: Iterable[list[IndexDocument]], workers: int | None = None) -> int:
        """Empty the index and fill it with every batch, with one commit at the end.

        A rebuild has the machine to itself: its writer indexes on two threads with a large
        heap (fewer, bigger segments to merge) while this thread analyses the next works.
        """
        count = 0
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
            self._writer = self.index.writer(heap_size=REBUILD_HEAP, num_threads=REBUILD_THREADS)
            writer = self._writer
            try:
                writer.delete_all_documents()
                if workers is None:
                    # By default, a process per core beyond the writer's two threads: on two
                    # cores a pool measured no faster than analysing here.
                    workers = getattr(settings, "SEARCH_REBUILD_WORKERS", 0) or max(1, (os.cpu_count() or 1) - 2)
                for works, prepared in _prepared(batches, workers):
                    for fields in prepared:
                        writer.add_document(to_tantivy(fields))
                    self._subjects.add(subject_pairs(prepared))
                    count += works
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            finally:
                self._writer = None  # wait_merging_threads consumed it
            self._reload()
        return count

    def clear(self) -> None:
        with self._lock:
            writer = self._get_writer()
            writer.delete_all_documents()
            writer.commit()
            self._reload()

    # ---------------------------------------------------------------- reading
    def _reload(self) -> None:
        """See the newest commit, and note which one it is (for results kept per commit).

        Each commit replaces meta.json (a new file, renamed into place); it is looked at
        before reloading, so a commit landing in between is seen again next time.
        """
        try:
            meta = (self.path / "meta.json").stat()
            self._generation = (meta.st_ino, meta.st_mtime_ns, meta.st_size)
        except FileNotFoundError:
            self._generation = ()
        self.index.reload()

    def _searcher(self) -> tantivy.Searcher:
        now = time.monotonic()
        if now - self._last_reload > 0.2:
            # Another process (the index follower) may have committed since.
            self._reload()
            self._last_reload = now
        return self.index.searcher()

    def _subject_names(self, searcher: tantivy.Searcher, ids: list[int]) -> dict[int, str]:
        """Subjects of facet ids: kept in memory once met, else read from the names file."""
        if len(self._names) >= SUBJECT_NAMES_KEPT:
            self._names = {}
        names = self._names
        missing = [i for i in ids if i not in names]
        if missing:
            names.update(self._subjects.get(missing))
        for wanted in [i for i in missing if i not in names]:
            # Not in the file (deleted, or its last commits lost in a crash): read a work.
            result = searcher.search(tantivy.Query.term_query(self.schema, "subject_id", wanted), limit=1)
            for _score, address in result.hits:
                for subject in searcher.doc(address).get_all("subject"):
                    names[subject_id(subject)] = subject
        return {i: name for i in ids if (name := names.get(i)) is not None}

    @staticmethod
    def _term_keys(field: str, term: TermKeys, weight: float, into: dict[tuple[str, str], float]) -> None:
        """The term lookups that find one word in one field, each with its weight.

        The stem and loose fields hold only keys that differ from the word's exact key
        (javon.text.index_keys), so a stem or loose key is looked for in the key field too.
        A lookup already there (another reading of the same word) keeps its best weight.
        """
        stem = term.stem or term.key
        wanted = [(field, term.key, weight), (field + "_s", stem, weight * STEM_WEIGHT)]
        if stem != term.key:
            wanted.append((field, stem, weight * STEM_WEIGHT))
        if term.loose:
            wanted.append((field + "_l", term.loose, weight * LOOSE_WEIGHT))
            if term.loose not in (term.key, stem):
                wanted.append((field, term.loose, weight * LOOSE_WEIGHT))
        for name, value, w in wanted:
            if into.get((name, value), -1.0) < w:
                into[(name, value)] = w

    def _lookups(self, lookups: dict[tuple[str, str], float]) -> tantivy.Query:
        """The best of a word's lookups in one field, plus a little for matching more ways.

        The best, not the sum: a word whose keys coincide (most English words) must not
        score three times what a stem-only match does.
        """
        # Term lookups score by frequency; positions are for phrases only.
        queries = [
            tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, name, value, index_option="freq"), w)
            for (name, value), w in lookups.items()
        ]
        return queries[0] if len(queries) == 1 else tantivy.Query.disjunction_max_query(queries, TIE_BREAKER)

    def _prefix(
        self, searcher: tantivy.Searcher, field: str, prefix: str, weight: float
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        # tantivy's parser has no exact prefix query; expand through the term dictionary.
        terms = searcher.terms_with_prefix(field, prefix, limit=MAX_PREFIX_TERMS)
        values = [t for t, _count in terms] if terms else []
        if not values:
            return []
        return [
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(tantivy.Query.term_set_query(self.schema, field, values), weight),
            )
        ]

    @staticmethod
    def _gated(field: str, q: tantivy.Query, body_gate: tantivy.Query | None) -> tantivy.Query:
        """A match in the full text counts only in works whose text the reader may read."""
        if field != "body" or body_gate is None:
            return q
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q), (tantivy.Occur.Must, body_gate)])

    def _word(self, clause: Clause, fields: list[str], body_gate: tantivy.Query | None) -> tantivy.Query:
        """A one-word clause: per field, every reading's lookups in one disjunction-max.

        Readings of a word (Uzbek, English, unstemmed …) mostly share their exact and loose
        keys; merged per field, each posting list is read once, not once per reading.
        """
        shoulds: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for f in fields:
            lookups: dict[tuple[str, str], float] = {}
            for variant in clause.variants:
                self._term_keys(f, variant[0], FIELD_WEIGHTS[f], lookups)
            shoulds.append((tantivy.Occur.Should, self._gated(f, self._lookups(lookups), body_gate)))
        return shoulds[0][1] if len(shoulds) == 1 else tantivy.Query.boolean_query(shoulds)

    def _clause(
        self, searcher: tantivy.Searcher, clause: Clause, fields: list[str], body_gate: tantivy.Query | None = None
    ) -> tantivy.Query:
        """A word or phrase as read by each plausible analyser; the best reading scores.

        Readings (Uzbek, English, unstemmed, …) of one word are alternatives, so their scores
        must not add up: a disjunction-max keeps the best one.
        """
        if not clause.prefix and clause.variants and all(len(v) == 1 for v in clause.variants):
            return self._word(clause, fields, body_gate)
        readings: list[tantivy.Query] = []
        phrased: set[tuple[str, ...]] = set()
        for variant in clause.variants:
            if clause.phrase and len(variant) > 1:
                # A phrase matches keys only, which most readings share: search each once.
                keys = tuple(t.key for t in variant)
                if keys in phrased:
                    continue
                phrased.add(keys)
                phrases = [
                    (
                        tantivy.Occur.Should,
                        self._gated(
                            f,
                            tantivy.Query.boost_query(
                                tantivy.Query.phrase_query(self.schema, f, list(keys)), FIELD_WEIGHTS[f]
                            ),
                            body_gate,
                        ),
                    )
                    for f in fields
                ]
                readings.append(tantivy.Query.boolean_query(phrases))
                continue
            musts: list[tuple[tantivy.Occur, tantivy.Query]] = []
            for i, term in enumerate(variant):
                shoulds: list[tuple[tantivy.Occur, tantivy.Query]] = []
                is_prefix = clause.prefix and i == len(variant) - 1
                for f in fields:
                    if is_prefix:
                        found = self._prefix(searcher, f, term.key, FIELD_WEIGHTS[f])
                    else:
                        lookups: dict[tuple[str, str], float] = {}
                        self._term_keys(f, term, FIELD_WEIGHTS[f], lookups)
                        found = [(tantivy.Occur.Should, self._lookups(lookups))]
                    shoulds += [(occur, self._gated(f, q, body_gate)) for occur, q in found]
                if not shoulds:
                    musts = []
                    break
                musts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(shoulds)))
            if musts:
                readings.append(tantivy.Query.boolean_query(musts))
        if not readings:
            return tantivy.Query.empty_query()
        return readings[0] if len(readings) == 1 else tantivy.Query.disjunction_max_query(readings, 0.0)

    def _text_query(
        self,
        searcher: tantivy.Searcher,
        query: ParsedQuery,
        fields_override: list[str] | None = None,
        body_gate: tantivy.Query | None = None,
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for group in query.groups:
            ors = [
                (tantivy.Occur.Should, self._clause(searcher, c, fields_override or FIELD_GROUPS[c.field], body_gate))
                for c in group
            ]
            parts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(ors)))
        for clause in query.excluded:
            # Exclusion is not gated: a closed text may hide a work the reader excluded by a
            # word in it, but showing it would tell that the word is not there.
            parts.append(
                (tantivy.Occur.MustNot, self._clause(searcher, clause, fields_override or FIELD_GROUPS[clause.field]))
            )
        return parts

    def _body_gate(self, filters: Filters) -> tantivy.Query | None:
        if filters.audiences is None:
            return None
        return tantivy.Query.term_set_query(self.schema, "audience", list(filters.audiences))

    def _filters(self, query: ParsedQuery, filters: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if query.is_empty:
            # Words are looked for only in fields that page documents lack (PAGE_FIELD).
            parts.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "kind", WORK)))
        if filters.visibility is not None:
            parts.append(
                (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "visibility", list(filters.visibility)))
            )
        for name, values in (
            ("type", filters.type),
            ("language", filters.language),
            ("collection", filters.collection),
            ("subject", filters.subject),
        ):
            if values:
                parts.append((tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, name, values)))
        lo = max(v for v in (filters.year_from, query.year_from, -10_000) if v is not None)
        hi = min(v for v in (filters.year_to, query.year_to, 10_000) if v is not None)
        if lo > -10_000 or hi < 10_000:
            parts.append(
                (tantivy.Occur.Must, tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, lo, hi))
            )
        return parts

    def search(
        self,
        query: ParsedQuery,
        filters: Filters,
        *,
        offset: int = 0,
        limit: int = 10,
        sort: str = "relevance",
        facets: bool = True,
    ) -> SearchResult:
        searcher = self._searcher()
        # Without words, a search is browsing (the home page, facets of the whole library):
        # the same answer until the next commit, and the costliest one (every work counted).
        browsing = query.is_empty and not query.excluded and bool(self._generation)
        if browsing:
            key = (self._generation, repr(filters), query.year_from, query.year_to, offset, limit, sort, facets)
            if key in self._browsing:
                return self._browsing[key]
        parts = self._filters(query, filters) + self._text_query(searcher, query, body_gate=self._body_gate(filters))
        q = tantivy.Query.boolean_query(parts)
        kwargs: dict[str, Any] = {"limit": max(limit, 1), "offset": offset, "count": True}
        if sort in {"year", "-year", "title", "-title", "new"}:
            field_name = {
                "year": "year",
                "-year": "year",
                "title": "title_sort",
                "-title": "title_sort",
                "new": "created",
            }[sort]
            kwargs["order_by_field"] = field_name
            kwargs["order"] = tantivy.Order.Asc if sort in {"year", "title"} else tantivy.Order.Desc
        elif query.is_empty:
            kwargs["order_by_field"] = "created"
        # tantivy lets go of the GIL while it searches: the facets are counted on another
        # core while this thread ranks (at a million works, common words p95 46 -> 16 ms).
        counting = _FACET_THREADS.submit(searcher.aggregate, q, _aggregations(NARROW_FACETS)) if facets else None
        result = searcher.search(q, **kwargs)
        addresses = [addr for _score, addr in result.hits]
        ids = searcher.fast_field_values("work_id", addresses) if addresses else []
        page_counts = searcher.fast_field_values("pages", addresses) if addresses else []
        hits = [
            Hit(
                work_id=int(work_id or 0),
                score=float(score) if isinstance(score, float) else 0.0,
                pages=int(pages or 0),
            )
            for (score, _addr), work_id, pages in zip(result.hits, ids, page_counts, strict=True)
        ][:limit]
        facet_counts: dict[str, dict[str, int]] = {}
        total = int(getattr(result, "count", 0) or 0)
        if counting is not None:
            raw = counting.result()
            names = list(NARROW_FACETS)
            if total <= WIDE_FACET_MAX_HITS:
                # Subjects are many and varied: counting them over 100,000 hits took 17 ms of
                # a 20 ms query, so that facet appears once a search is narrow enough to use.
                raw.update(searcher.aggregate(q, _aggregations(WIDE_FACETS)))
                names += WIDE_FACETS
            for name in names:
                buckets = raw.get(name, {}).get("buckets", [])
                facet_counts[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
            if "subject" in facet_counts:
                by_id = {int(float(key)): count for key, count in facet_counts["subject"].items()}
                found = self._subject_names(searcher, list(by_id))
                facet_counts["subject"] = {found[i]: n for i, n in by_id.items() if i in found}
        answer = SearchResult(total=total, hits=hits, facets=facet_counts)
        if browsing:
            if self._browsing_generation != key[0] or len(self._browsing) >= BROWSING_KEPT:
                # A new commit, or too many kept: a new dict (threads may be reading the old).
                self._browsing = {}
                self._browsing_generation = key[0]
            self._browsing[key] = answer
        return answer

    def _pages_query(self, searcher: tantivy.Searcher, query: ParsedQuery, work_ids: list[int]) -> tantivy.Query | None:
        text_parts = self._text_query(searcher, query, fields_override=[PAGE_FIELD])
        # On a page, every word need not be present: rank pages by how much of the query they hold.
        shoulds = [(tantivy.Occur.Should, q) for occur, q in text_parts if occur == tantivy.Occur.Must]
        if not shoulds:
            return None
        # Only page documents have PAGE_FIELD: no kind filter (a posting list of every page).
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "work_id", work_ids)),
                (tantivy.Occur.Must, tantivy.Query.boolean_query(shoulds)),
            ]
        )

    def best_pages(self, query: ParsedQuery, work_ids: list[int]) -> dict[int, int]:
        """One search for the pages of all these works; the best page of each wins.

        A work whose pages all rank below the best PAGES_SEEN of the others is asked alone.
        """
        if query.is_empty or not work_ids:
            return {}
        searcher = self._searcher()
        q = self._pages_query(searcher, query, work_ids)
        if q is None:
            return {}
        result = searcher.search(q, limit=PAGES_SEEN, count=False)
        addresses = [addr for _score, addr in result.hits]
        best: dict[int, int] = {}
        if addresses:
            owners = searcher.fast_field_values("work_id", addresses)
            numbers = searcher.fast_field_values("page", addresses)
            for owner, number in zip(owners, numbers, strict=True):
                best.setdefault(int(owner or 0), int(number or 0))
        for work_id in work_ids:
            if work_id not in best and len(result.hits) == PAGES_SEEN:
                pages = self.pages_of_work(query, work_id, limit=1)
                if pages:
                    best[work_id] = pages[0][0]
        return {w: best[w] for w in work_ids if w in best}

    def pages_of_work(self, query: ParsedQuery, work_id: int, limit: int = 50) -> list[tuple[int, float]]:
        if query.is_empty:
            return []
        searcher = self._searcher()
        q = self._pages_query(searcher, query, [work_id])
        if q is None:
            return []
        result = searcher.search(q, limit=limit, count=False)
        addresses = [addr for _score, addr in result.hits]
        pages = searcher.fast_field_values("page", addresses) if addresses else []
        return [(int(p or 0), float(s)) for (s, _a), p in zip(result.hits, pages, strict=True)]

    def correct(self, key: str) -> str | None:
        """The most frequent indexed word within a small edit distance of `key`, if `key` is absent."""
        if len(key) < 5:
            return None
        searcher = self._searcher()
        fields = ("title", "creators", "subjects", "body")
        if any(searcher.doc_freq(f, key) for f in fields):
            return None
        limit = 1 if len(key) < 9 else 2
        best: tuple[int, int, str] | None = None
        for f in fields:
            # Typos rarely touch the first letter; walk the words sharing it, most frequent first.
            for term, freq in searcher.terms_with_prefix(f, key[:1], limit=5000) or []:
                if abs(len(term) - len(key)) > limit:
                    continue
                distance = edit_distance(key, term, limit)
                if distance <= limit:
                    candidate = (distance, -int(freq), term)
                    if best is None or candidate < best:
                        best = candidate
        return best[2] if best else None

    def count(self) -> int:
        searcher = self._searcher()
        result = searcher.search(tantivy.Query.term_query(self.schema, "kind", WORK), limit=1)
        return int(getattr(result, "count", 0) or 0)

    # ---------------------------------------------------------------- replica position
    def _position_file(self) -> Path:
        return self.path / "position.json"

    def _read_position(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self._position_file().read_text()))
        except (FileNotFoundError, ValueError):
            return {"position": 0, "gaps": []}

    def position(self) -> int:
        return int(self._read_position()["position"])

    def gaps(self) -> list[tuple[int, float]]:
        return [(int(i), float(t)) for i, t in self._read_position().get("gaps", [])]

    def last_checked(self) -> float:
        """When the log was last read (time.time()), whether or not it had news."""
        return float(self._read_position().get("checked", 0.0))

    def set_position(self, position: int, gaps: list[tuple[int, float]]) -> None:
        tmp = self._position_file().with_suffix(".tmp")
        tmp.write_text(json.dumps({"position": position, "gaps": gaps, "checked": time.time()}))
        os.replace(tmp, self._position_file())
