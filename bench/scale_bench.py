"""The search backend at scale, without the database: N generated catalogue records plus
M long full texts indexed per page, against bare tantivy on the same data, in the same run.

    python bench/scale_bench.py [--records 1000000] [--texts 5000] [--words 30000] [--queries 200]

Records come from bench/corpus.py's seeded Generator; each long text is a slice of
~30,000 words of the real corpus (../shared/corpus, the work's language, concatenated and
read from a seeded offset, wrapping round), split into pages of 300 words. Ours is
TantivyBackend.rebuild (one writer, one commit) on a temporary index; the reference is
tantivy with its default tokenizer on the same fields, the same work and page documents.
Page texts stay in a dict in memory: it stands for the database that gives snippets text.

Query kinds (seeded): rare, common, and2, and3, phrase (adjacent words of the real texts),
prefix (3-4 letters + *), suggest (2-5 letters, titles and authors, as /api/v1/suggest asks
the index), facets (empty query), fulltext (a word or adjacent words of a
long text; then for each of the top 10 hits with text, its best page and a snippet).
Both sides count hits and aggregate type, language, year, collection (and subject when at
most 10,000 hits), as the backend does. The reference shares our schema choices (page text
in a field of its own, subjects counted by numeric id, the same writer settings), so the
ratio is what our analysis and query building cost. "facets" is the text-less search as
readers get it (kept per index commit by the backend); "facets-cold" computes it each time.
"""

from __future__ import annotations

import argparse
import gc
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import tantivy  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    # No database is touched: the backend reads only settings, and services (make_snippet)
    # needs its apps loaded because it imports the change-log and access models.
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "javon.access", "javon.search"]
    )
    import django

    django.setup()

from _setup import percentiles  # noqa: E402
from corpus import CORPUS, WORD, Generator, Record  # noqa: E402
from javon.search import tantivy_backend as tb  # noqa: E402
from javon.search.backend import Filters, IndexDocument, IndexPage  # noqa: E402
from javon.search.query import parse  # noqa: E402
from javon.search.services import make_snippet  # noqa: E402

PAGE_WORDS = 300
COLLECTIONS = [f"collection-{i:02d}" for i in range(40)]
BARE_TEXT = ["title", "creators", "subjects", "abstract", "body"]
KINDS = ["rare", "common", "and2", "and3", "phrase", "prefix", "suggest", "facets", "facets-cold", "fulltext"]


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = int(line.split()[1]) / 1024
    return current, peak


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


# ---------------------------------------------------------------- data


class Texts:
    """Long texts: slices of the real corpus per language, split into pages of words."""

    def __init__(self, words: int) -> None:
        self.words = words
        self.tokens: dict[str, list[str]] = {}
        for lang in ("uz", "ru", "en"):
            tokens: list[str] = []
            for path in sorted(CORPUS.glob(f"{lang}-*.txt")):
                tokens += path.read_text(encoding="utf-8").split()
            self.tokens[lang] = tokens

    def pages(self, lang: str, start: int) -> list[str]:
        tokens = self.tokens[lang]
        n = len(tokens)
        out = []
        for first in range(0, self.words, PAGE_WORDS):
            lo, hi = (start + first) % n, (start + min(first + PAGE_WORDS, self.words)) % n
            out.append(" ".join(tokens[lo:hi] if lo < hi else tokens[lo:] + tokens[:hi]))
        return out


def plan(records: list[Record], n_texts: int, texts: Texts, seed: int) -> dict[int, tuple[str, int]]:
    """Which works have a long text: work id -> (language, corpus offset), spread evenly."""
    import random

    rng = random.Random(seed)
    n_texts = min(n_texts, len(records))
    stride = len(records) / n_texts if n_texts else 1
    out = {}
    for i in range(n_texts):
        wid = int(i * stride) + 1
        lang = records[wid - 1].language
        out[wid] = (lang, rng.randrange(len(texts.tokens[lang])))
    return out


def documents(records: list[Record], seed: int) -> list[IndexDocument]:
    import random

    rng = random.Random(seed)
    return [
        IndexDocument(
            work_id=i,
            title=r.title,
            alt_titles=[],
            creators=r.creators,
            subjects=r.subjects,
            keywords=[],
            abstract=r.abstract,
            type=r.type,
            languages=[r.language],
            year=r.year,
            collections=[rng.choice(COLLECTIONS)],
            created=float(i),
        )
        for i, r in enumerate(records, 1)
    ]


class Phases:
    """Record-only batches first, then the works with text; marks when each phase ended."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}

    def batches(
        self,
        docs: list[IndexDocument],
        text_plan: dict[int, tuple[str, int]],
        texts: Texts,
        page_store: dict[tuple[int, int], str] | None,
        size: int = 2000,
    ) -> Iterator[list[IndexDocument]]:
        self.marks["start"] = time.perf_counter()
        plain = [d for d in docs if d.work_id not in text_plan]
        for i in range(0, len(plain), size):
            yield plain[i : i + size]
            if (i // size) % 100 == 99:
                print(f"  {i + size:,} records at {time.perf_counter() - self.marks['start']:.0f} s", flush=True)
        self.marks["records"] = time.perf_counter()
        batch: list[IndexDocument] = []
        for wid, (lang, start) in text_plan.items():
            d = docs[wid - 1]
            pages = texts.pages(lang, start)
            if page_store is not None:
                for number, text in enumerate(pages, 1):
                    page_store[(wid, number)] = text
            batch.append(IndexDocument(**{**d.__dict__, "pages": [IndexPage(n, t) for n, t in enumerate(pages, 1)]}))
            if len(batch) == 20:
                yield batch
                batch = []
                done = len(page_store or ()) // max(1, len(pages))
                if page_store is not None and done % 500 == 0:
                    print(f"  {done:,} texts at {time.perf_counter() - self.marks['start']:.0f} s", flush=True)
        if batch:
            yield batch
        self.marks["texts"] = time.perf_counter()


# ---------------------------------------------------------------- bare tantivy


def bare_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("kind", indexed=True, fast=True)
    sb.add_unsigned_field("work_id", stored=True, indexed=True, fast=True)
    sb.add_unsigned_field("page", stored=True, indexed=True, fast=True)
    for name in [*BARE_TEXT, tb.PAGE_FIELD]:
        sb.add_text_field(name)  # the "default" tokenizer, positions
    for name in ("type", "language", "collection"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    sb.add_unsigned_field("subject_id", fast=True)  # as ours: subjects counted by a numeric id
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_float_field("created", indexed=False, fast=True)
    return sb.build()


def bare_documents(d: IndexDocument) -> Iterator[tantivy.Document]:
    work = tantivy.Document()
    work.add_unsigned("kind", 0)
    work.add_unsigned("work_id", d.work_id)
    work.add_unsigned("page", 0)
    work.add_text("title", d.title)
    for creator in d.creators:
        work.add_text("creators", creator)
    for subject in d.subjects:
        work.add_text("subjects", subject)
        work.add_unsigned("subject_id", tb.subject_id(subject))
    work.add_text("abstract", d.abstract)
    work.add_text("type", d.type)
    for code in d.languages:
        work.add_text("language", code)
    for collection in d.collections:
        work.add_text("collection", collection)
    if d.year is not None:
        work.add_integer("year", d.year)
    work.add_float("created", d.created)
    pages = []
    for page in d.pages:
        work.add_text("body", page.text)
        doc = tantivy.Document()
        doc.add_unsigned("kind", 1)
        doc.add_unsigned("work_id", d.work_id)
        doc.add_unsigned("page", page.number)
        doc.add_text(tb.PAGE_FIELD, page.text)  # as ours: searches of works never meet pages
        pages.append(doc)
    yield work
    yield from pages


def bare_rebuild(path: Path, batches: Iterator[list[IndexDocument]]) -> tantivy.Index:
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(bare_schema(), path=str(path))
    # The same writer as ours gets for a rebuild.
    writer = index.writer(heap_size=tb.REBUILD_HEAP, num_threads=tb.REBUILD_THREADS)
    for batch in batches:
        for d in batch:
            for doc in bare_documents(d):
                writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


class Bare:
    def __init__(self, index: tantivy.Index) -> None:
        self.index = index
        self.schema = bare_schema()
        self.searcher = index.searcher()
        self.kind_work = tantivy.Query.term_query(self.schema, "kind", 0)
        self.threads = ThreadPoolExecutor(max_workers=2)

    def text_query(self, q: str, fields: list[str]) -> tantivy.Query:
        if q.endswith("*"):
            prefix = re.escape(q[:-1].lower())
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.regex_query(self.schema, f, prefix + ".*")) for f in fields]
            )
        try:
            return self.index.parse_query(q, fields, conjunction_by_default=True)
        except ValueError:
            return self.index.parse_query_lenient(q, fields)[0]

    def search(self, q: str) -> tuple[int, list[tuple[int, int]]]:
        searcher = self.searcher
        # As ours: only a search without words needs the kind filter.
        parts = [(tantivy.Occur.Must, self.text_query(q, BARE_TEXT) if q else self.kind_work)]
        query = tantivy.Query.boolean_query(parts)
        kwargs = {"order_by_field": "created"} if not q else {}
        # As ours: facets counted on another thread while this one ranks, subjects after.
        counting = self.threads.submit(searcher.aggregate, query, tb._aggregations(tb.NARROW_FACETS))
        result = searcher.search(query, limit=10, count=True, **kwargs)
        counting.result()
        if result.count <= tb.WIDE_FACET_MAX_HITS:
            searcher.aggregate(query, tb._aggregations(tb.WIDE_FACETS))
        addresses = [addr for _score, addr in result.hits]
        ids = searcher.fast_field_values("work_id", addresses) if addresses else []
        return result.count, [(int(w), 0) for w in ids]

    def suggest(self, q: str) -> int:
        query = self.text_query(q, ["title", "creators"])
        result = self.searcher.search(query, limit=8, count=True)
        addresses = [addr for _score, addr in result.hits]
        if addresses:
            self.searcher.fast_field_values("work_id", addresses)
        return int(result.count)

    def best_page(self, q: str, work_id: int) -> int | None:
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "work_id", work_id)),
                (tantivy.Occur.Must, self.index.parse_query(q, [tb.PAGE_FIELD])),
            ]
        )
        result = self.searcher.search(query, limit=1, count=False)
        addresses = [addr for _score, addr in result.hits]
        pages = self.searcher.fast_field_values("page", addresses) if addresses else []
        return int(pages[0]) if pages else None


# ---------------------------------------------------------------- queries


def query_set(
    gen: Generator, seed: int, n: int, text_plan: dict[int, tuple[str, int]], texts: Texts
) -> dict[str, list[str]]:
    import random

    rng = random.Random(seed)
    pool = {lang: words for lang, (words, _) in gen.vocab.items()}
    langs = ["uz", "ru", "en"]

    def adjacent(lang: str, k: int) -> list[str]:
        """k adjacent words of the real corpus text (so that the phrase exists)."""
        tokens = texts.tokens[lang]
        while True:
            i = rng.randrange(len(tokens) - k)
            run = WORD.findall(" ".join(tokens[i : i + k]))
            if len(run) == k and all(len(w) > 2 for w in run):
                return [w.lower() for w in run]

    sets: dict[str, list[str]] = {}
    sets["rare"] = [rng.choice(pool[rng.choice(langs)][5000:15000]) for _ in range(n)]
    sets["common"] = [rng.choice(pool[rng.choice(langs)][:30]) for _ in range(n)]
    sets["and2"] = [" ".join(rng.sample(pool[lang][:300], 2)) for lang in rng.choices(langs, k=n)]
    sets["and3"] = [" ".join(rng.sample(pool[lang][:200], 3)) for lang in rng.choices(langs, k=n)]
    sets["phrase"] = [f'"{" ".join(adjacent(lang, 2))}"' for lang in rng.choices(langs, k=n)]
    sets["prefix"] = [rng.choice(pool[rng.choice(langs)][:3000])[: rng.choice([3, 4])] + "*" for _ in range(n)]
    # What a reader has typed so far of a title word or a name: 2-5 letters.
    sets["suggest"] = [rng.choice(pool[rng.choice(langs)][:5000])[: rng.choice([2, 3, 4, 5])] + "*" for _ in range(n)]
    sets["facets"] = [""] * n
    sets["facets-cold"] = [""] * n
    # Full text: from the page of a work with text, a word (odd) or 2-3 adjacent words (even).
    works = list(text_plan.items())
    fulltext = []
    for i in range(n):
        _wid, (lang, start) = rng.choice(works)
        page = rng.choice(texts.pages(lang, start))
        tokens = page.split()
        while True:
            j = rng.randrange(max(1, len(tokens) - 3))
            run = WORD.findall(" ".join(tokens[j : j + (1 if i % 2 else rng.choice([2, 3]))]))
            run = [w.lower() for w in run]
            if run and all(len(w) > 3 for w in run) and len(run) <= 3:
                break
        fulltext.append(run[0] if len(run) == 1 else f'"{" ".join(run)}"')
    sets["fulltext"] = fulltext
    return sets


def time_ours(
    backend: tb.TantivyBackend, queries: dict[str, list[str]], pages: dict[tuple[int, int], str]
) -> dict[str, dict[str, float]]:
    out = {}
    for kind, qs in queries.items():
        samples = []
        for q in qs:
            if kind == "facets-cold":
                backend._browsing.clear()  # noqa: SLF001 - the cost of computing what is kept
            started = time.perf_counter()
            if kind == "suggest":
                suggest_ours(backend, q)
                samples.append((time.perf_counter() - started) * 1000)
                continue
            parsed = parse(q)
            result = backend.search(parsed, Filters(), limit=10)
            if kind == "fulltext":
                # As services.search: the best page of each hit with text, then its snippet.
                keys = parsed.highlight_keys()
                best = backend.best_pages(parsed, [hit.work_id for hit in result.hits if hit.pages])
                for work_id, number in best.items():
                    make_snippet(pages[(work_id, number)], keys)
            samples.append((time.perf_counter() - started) * 1000)
        out[kind] = percentiles(samples)
    return out


def suggest_ours(backend: tb.TantivyBackend, q: str) -> int:
    """The index's part of /api/v1/suggest (services.suggest): titles and authors by prefix."""
    parsed = parse(q)
    for group in parsed.groups:
        for clause in group:
            clause.field = "suggest"
    return backend.search(parsed, Filters(), limit=8, facets=False).total


def time_bare(bare: Bare, queries: dict[str, list[str]], with_text: set[int]) -> dict[str, dict[str, float]]:
    out = {}
    for kind, qs in queries.items():
        samples = []
        for q in qs:
            started = time.perf_counter()
            if kind == "suggest":
                bare.suggest(q)
                samples.append((time.perf_counter() - started) * 1000)
                continue
            _count, hits = bare.search(q)
            if kind == "fulltext":
                for wid, _ in hits:
                    if wid in with_text:
                        bare.best_page(q, wid)  # no snippet: bare tantivy stores no body here
            samples.append((time.perf_counter() - started) * 1000)
        out[kind] = percentiles(samples)
    return out


def hit_counts(backend: tb.TantivyBackend, bare: Bare, queries: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """Mean hits per query on each side over the first 20 queries of each kind (a sanity check)."""
    out = {}
    for kind, qs in queries.items():
        if kind == "suggest":
            ours = [suggest_ours(backend, q) for q in qs[:20]]
            theirs = [bare.suggest(q) for q in qs[:20]]
        else:
            ours = [backend.search(parse(q), Filters(), limit=1, facets=False).total for q in qs[:20]]
            theirs = [bare.search(q)[0] for q in qs[:20]]
        out[kind] = (sum(ours) / len(ours), sum(theirs) / len(theirs))
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--texts", type=int, default=5_000)
    parser.add_argument("--words", type=int, default=30_000, help="words per long text")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the two indexes (default: a temp dir)")
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="scale-bench-", dir=args.dir))
    try:
        run(args, work_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def run(args: argparse.Namespace, work_dir: Path) -> None:
    t0 = time.perf_counter()
    gen = Generator(args.seed)
    records = gen.records(args.records)
    texts = Texts(args.words)
    text_plan = plan(records, args.texts, texts, args.seed + 2)
    docs = documents(records, args.seed + 3)
    del records
    gc.collect()
    n_pages = sum(len(range(0, args.words, PAGE_WORDS)) for _ in text_plan)
    total_words = len(text_plan) * args.words
    print(
        f"data: {args.records:,} records, {len(text_plan):,} texts x {args.words:,} words = {total_words:,} words "
        f"in {n_pages:,} pages; generated in {time.perf_counter() - t0:.1f} s; rss {rss_mb()[0]:,.0f} MB",
        flush=True,
    )

    # ours
    page_store: dict[tuple[int, int], str] = {}
    backend = tb.TantivyBackend(str(work_dir / "ours"))
    phases = Phases()
    rss_before = rss_mb()[0]
    started = time.perf_counter()
    count = backend.rebuild(phases.batches(docs, text_plan, texts, page_store))
    took = time.perf_counter() - started
    m = phases.marks
    rec_s, text_s, commit_s = m["records"] - m["start"], m["texts"] - m["records"], took - (m["texts"] - m["start"])
    n_plain = count - len(text_plan)
    current, peak = rss_mb()
    ours_line = (
        f"ours: {count:,} works in {took:.1f} s = {count / took:,.0f} works/s overall; "
        f"records {n_plain:,} in {rec_s:.1f} s = {n_plain / rec_s:,.0f} records/s; "
        f"texts {len(text_plan):,} in {text_s:.1f} s = {total_words / max(text_s, 1e-9):,.0f} words/s "
        f"({n_pages / max(text_s, 1e-9):,.0f} pages/s); commit+merge {commit_s:.1f} s; "
        f"index {dir_mb(work_dir / 'ours'):,.0f} MB; rss {current:,.0f} MB (was {rss_before:,.0f}), "
        f"peak {peak:,.0f} MB"
    )
    print(ours_line, flush=True)

    # bare
    phases_b = Phases()
    rss_before = rss_mb()[0]
    started = time.perf_counter()
    bare_index = bare_rebuild(work_dir / "bare", phases_b.batches(docs, text_plan, texts, None))
    took_b = time.perf_counter() - started
    m = phases_b.marks
    rec_b, text_b, commit_b = m["records"] - m["start"], m["texts"] - m["records"], took_b - (m["texts"] - m["start"])
    current, peak = rss_mb()
    print(
        f"bare: {count:,} works in {took_b:.1f} s = {count / took_b:,.0f} works/s overall; "
        f"records {n_plain:,} in {rec_b:.1f} s = {n_plain / rec_b:,.0f} records/s; "
        f"texts {len(text_plan):,} in {text_b:.1f} s = {total_words / max(text_b, 1e-9):,.0f} words/s "
        f"({n_pages / max(text_b, 1e-9):,.0f} pages/s); commit+merge {commit_b:.1f} s; "
        f"index {dir_mb(work_dir / 'bare'):,.0f} MB; rss {current:,.0f} MB (was {rss_before:,.0f}), "
        f"peak {peak:,.0f} MB (process so far)",
        flush=True,
    )
    print(
        f"indexing ratio ours/bare: overall {took / took_b:.2f}x, records {rec_s / rec_b:.2f}x, "
        f"texts {text_s / max(text_b, 1e-9):.2f}x",
        flush=True,
    )
    del docs
    gc.collect()

    queries = query_set(gen, args.seed + 1, args.queries, text_plan, texts)
    bare = Bare(bare_index)
    counts = hit_counts(backend, bare, queries)
    ours = time_ours(backend, queries, page_store)
    theirs = time_bare(bare, queries, set(text_plan))

    def cell(s: dict[str, float]) -> str:
        return f"{s['p50']:7.2f} {s['p95']:7.2f} {s['p99']:7.2f}"

    print(f"\nqueries: {args.queries} per kind; ms; hits = mean total over the first 20 (ours / bare)")
    print(f"{'kind':<9} {'ours p50     p95     p99':<24}  {'bare p50     p95     p99':<24}  {'p95 ratio':>9}  hits")
    for kind in queries:
        ratio = ours[kind]["p95"] / max(theirs[kind]["p95"], 1e-6)
        print(
            f"{kind:<9} {cell(ours[kind]):<24}  {cell(theirs[kind]):<24}  {ratio:8.2f}x  "
            f"{counts[kind][0]:,.0f} / {counts[kind][1]:,.0f}"
        )
    print(f"\npeak rss {rss_mb()[1]:,.0f} MB; total {time.perf_counter() - t0:.0f} s", flush=True)
    backend.close()


if __name__ == "__main__":
    main()
