"""The tantivy backend: one local index per machine, fed our own tokens.

Each work is one "work" document (metadata and the whole text, for matching, ranking and
facets) plus one "page" document per page (to tell which page a hit is on). Text fields
receive javon.text keys as pre-tokenized text, so the same analysis applies at index and
query time; field tokenizers are plain whitespace so query keys pass through unchanged.
Large bodies are not stored: ids come from a fast field, display text from the database.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import tantivy

from javon.search.backend import Filters, Hit, IndexDocument, SearchResult, lang_hint
from javon.search.query import Clause, ParsedQuery, TermKeys
from javon.text.analyzer import TokenTuple, analyze_tuples

log = logging.getLogger(__name__)

WORK, PAGE = 0, 1
# Indexes into javon.text's token tuples (text, key, stem, loose, start, end, position).
KEY: Final = 1
STEM: Final = 2
LOOSE: Final = 3
# Field weights for exact keys; stems count for less, so the exact form ranks first.
# Field weights for exact keys. Measured on Cranfield (bench/cranfield.py): higher title
# weights hurt full-text ranking, since bodies repeat their titles.
KEY_FIELDS = {"title": 2.0, "alt_title": 1.5, "creators": 1.5, "subjects": 1.2, "abstract": 1.0, "body": 1.0}
STEM_WEIGHT = 0.8
TIE_BREAKER = 0.1  # a little credit for matching in more than one way
# Loose keys (o for oʻ, к for қ …) find what a reader typed without special letters,
# ranked well below exact and stemmed matches.
LOOSE_WEIGHT = 0.25
FIELD_GROUPS = {
    None: list(KEY_FIELDS),
    "title": ["title", "alt_title"],
    "creators": ["creators"],
    "subjects": ["subjects"],
    "suggest": ["title", "alt_title", "creators"],
}
PAGE_GAP = 10  # positions left between pages so that a phrase never spans two pages
MAX_PREFIX_TERMS = 200
SCHEMA_VERSION = 5
FACETS = {"type": 20, "language": 20, "year": 400, "collection": 50, "subject": 30}
WIDE_FACETS = {"subject"}
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
    for name in KEY_FIELDS:
        sb.add_text_field(name, tokenizer_name="ws", index_option="position")
        sb.add_text_field(name + "_s", tokenizer_name="ws", index_option="freq")
        sb.add_text_field(name + "_l", tokenizer_name="ws", index_option="freq")
    for name in ("type", "language", "collection", "subject", "title_sort", "visibility", "audience"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_float_field("created", indexed=False, fast=True)
    return sb.build()


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

    # ---------------------------------------------------------------- writing
    @staticmethod
    def _add_text(doc: tantivy.Document, name: str, tokens: list[TokenTuple]) -> None:
        """Our keys, joined by spaces, into fields whose tokenizer splits on whitespace only.

        Tantivy then sees exactly our keys in order (positions for phrases), and we avoid
        building a Python Token object per word (the pre-tokenized path was 3x slower).
        Offsets are not needed: snippets are made from our own analysis.
        """
        if tokens:
            doc.add_text(name, " ".join([t[KEY] for t in tokens if t[KEY]]))
            doc.add_text(name + "_s", " ".join([t[STEM] for t in tokens if t[STEM]]))
            doc.add_text(name + "_l", " ".join([t[LOOSE] for t in tokens if t[LOOSE]]))

    def _documents(self, d: IndexDocument) -> Iterable[tantivy.Document]:
        lang = lang_hint(d.languages)
        work = tantivy.Document()
        work.add_unsigned("kind", WORK)
        work.add_unsigned("work_id", d.work_id)
        work.add_unsigned("page", 0)
        title = analyze_tuples(d.title, lang)
        self._add_text(work, "title", title)
        for alt in d.alt_titles:
            self._add_text(work, "alt_title", analyze_tuples(alt, lang))
        for creator in d.creators:
            self._add_text(work, "creators", analyze_tuples(creator, lang))
        for subject in [*d.subjects, *d.keywords]:
            self._add_text(work, "subjects", analyze_tuples(subject, lang))
        for subject in d.subjects:
            work.add_text("subject", subject)
        self._add_text(work, "abstract", analyze_tuples(d.abstract, lang))
        work.add_text("type", d.type)
        work.add_text("visibility", d.visibility)
        work.add_text("audience", d.audience)
        for code in d.languages or ["und"]:
            work.add_text("language", code)
        for collection in d.collections:
            work.add_text("collection", collection)
        work.add_text("title_sort", " ".join(t[KEY] for t in title)[:200])
        if d.year is not None:
            work.add_integer("year", d.year)
        work.add_float("created", d.created)

        pages: list[tantivy.Document] = []
        for page in d.pages:
            tokens = analyze_tuples(page.text, lang)
            if not tokens:
                continue
            page_doc = tantivy.Document()
            page_doc.add_unsigned("kind", PAGE)
            page_doc.add_unsigned("work_id", d.work_id)
            page_doc.add_unsigned("page", page.number)
            page_doc.add_text("audience", d.audience)
            self._add_text(page_doc, "body", tokens)
            pages.append(page_doc)
            # The work's body holds every page in turn, one value per page.
            self._add_text(work, "body", tokens)
        work.add_unsigned("pages", len(pages))
        yield work
        yield from pages

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
                for d in documents:
                    for doc in self._documents(d):
                        writer.add_document(doc)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            self.index.reload()

    def rebuild(self, batches: Iterable[list[IndexDocument]]) -> int:
        """Empty the index and fill it with every batch, with one commit at the end."""
        count = 0
        with self._lock:
            writer = self._get_writer()
            try:
                writer.delete_all_documents()
                for batch in batches:
                    for d in batch:
                        for doc in self._documents(d):
                            writer.add_document(doc)
                    count += len(batch)
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            finally:
                self._writer = None  # wait_merging_threads consumed it
            self.index.reload()
        return count

    def clear(self) -> None:
        with self._lock:
            writer = self._get_writer()
            writer.delete_all_documents()
            writer.commit()
            self.index.reload()

    # ---------------------------------------------------------------- reading
    def _searcher(self) -> tantivy.Searcher:
        now = time.monotonic()
        if now - self._last_reload > 0.2:
            # Another process (the index follower) may have committed since.
            self.index.reload()
            self._last_reload = now
        return self.index.searcher()

    def _term(self, field: str, term: TermKeys, weight: float) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """One word in one field: the best of its exact, stemmed and loose matches.

        The best, not the sum: a word whose three keys coincide (most English words) must
        not score three times what a stem-only match does.
        """

        def query(name: str, value: str, w: float, option: str) -> tantivy.Query:
            return tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, name, value, index_option=option), w)

        kinds = [
            query(field, term.key, weight, "position"),
            query(field + "_s", term.stem or term.key, weight * STEM_WEIGHT, "freq"),
        ]
        if term.loose:
            kinds.append(query(field + "_l", term.loose, weight * LOOSE_WEIGHT, "freq"))
        return [(tantivy.Occur.Should, tantivy.Query.disjunction_max_query(kinds, TIE_BREAKER))]

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

    def _clause(
        self, searcher: tantivy.Searcher, clause: Clause, fields: list[str], body_gate: tantivy.Query | None = None
    ) -> tantivy.Query:
        """A word or phrase as read by each plausible analyser; the best reading scores.

        Readings (Uzbek, English, unstemmed, …) of one word are alternatives, so their scores
        must not add up: a disjunction-max keeps the best one.
        """
        readings: list[tantivy.Query] = []
        for variant in clause.variants:
            if clause.phrase and len(variant) > 1:
                phrases = [
                    (
                        tantivy.Occur.Should,
                        self._gated(
                            f,
                            tantivy.Query.boost_query(
                                tantivy.Query.phrase_query(self.schema, f, [t.key for t in variant]), KEY_FIELDS[f]
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
                    found = (
                        self._prefix(searcher, f, term.key, KEY_FIELDS[f])
                        if is_prefix
                        else self._term(f, term, KEY_FIELDS[f])
                    )
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
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = [
            (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "kind", WORK))
        ]
        if filters.visibility is not None:
            parts.append(
                (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "visibility", list(filters.visibility)))
            )
        for name, values in (
            ("type", filters.type),
            ("language", filters.language),
            ("collection", filters.collection),
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
        parts = self._filters(query, filters) + self._text_query(
            searcher, query, body_gate=self._body_gate(filters)
        )
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
        if facets:
            # Subjects are many and varied: counting them over 100,000 hits took 17 ms of a
            # 20 ms query, so that facet appears once a search is narrow enough to use it.
            names = [n for n in FACETS if n not in WIDE_FACETS or total <= WIDE_FACET_MAX_HITS]
            aggs = {name: {"terms": {"field": name, "size": FACETS[name]}} for name in names}
            raw = searcher.aggregate(q, aggs)
            for name in names:
                buckets = raw.get(name, {}).get("buckets", [])
                facet_counts[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
        return SearchResult(total=total, hits=hits, facets=facet_counts)

    def pages_of_work(self, query: ParsedQuery, work_id: int, limit: int = 50) -> list[tuple[int, float]]:
        if query.is_empty:
            return []
        searcher = self._searcher()
        text_parts = self._text_query(searcher, query, fields_override=["body"])
        # On a page, every word need not be present: rank pages by how much of the query they hold.
        shoulds = [(tantivy.Occur.Should, q) for occur, q in text_parts if occur == tantivy.Occur.Must]
        if not shoulds:
            return []
        q = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "kind", PAGE)),
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "work_id", work_id)),
                (tantivy.Occur.Must, tantivy.Query.boolean_query(shoulds)),
            ]
        )
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
