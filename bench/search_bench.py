"""Search at N catalogue records (default 100,000): indexing rate, and query latency
through the backend and over HTTP, against bare tantivy on the same records.

    python bench/search_bench.py [--records 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for, fmt, percentiles  # noqa: E402
from corpus import Generator  # noqa: E402


def load_records(n: int, seed: int) -> list:
    from django.db import transaction

    from javon.catalog.models import Agent, Contribution, Subject, Work
    from javon.text import fold

    gen = Generator(seed)
    records = gen.records(n)
    agents: dict[str, Agent] = {}
    subjects: dict[str, Subject] = {}
    with transaction.atomic():
        for r in records:
            for name in r.creators:
                key = fold(name, "en")
                if key not in agents:
                    agents[key] = Agent(name=name, name_key=key)
            for term in r.subjects:
                key = fold(term, "en")
                if key not in subjects:
                    subjects[key] = Subject(term=term, term_key=key)
        Agent.objects.bulk_create(agents.values(), batch_size=2000)
        Subject.objects.bulk_create(subjects.values(), batch_size=2000)
        works = Work.objects.bulk_create(
            [
                Work(
                    title=r.title,
                    abstract=r.abstract,
                    type=r.type,
                    languages=[r.language],
                    year=r.year,
                    status=Work.Status.READY,
                )
                for r in records
            ],
            batch_size=2000,
        )
        Contribution.objects.bulk_create(
            [
                Contribution(work=w, agent=agents[fold(name, "en")], position=i)
                for w, r in zip(works, records, strict=True)
                for i, name in enumerate(r.creators)
            ],
            batch_size=5000,
        )
        through = Work.subjects.through
        through.objects.bulk_create(
            [
                through(work_id=w.pk, subject_id=subjects[fold(t, "en")].pk)
                for w, r in zip(works, records, strict=True)
                for t in dict.fromkeys(r.subjects)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
    return records


def query_set(gen: Generator, n: int) -> dict[str, list[str]]:
    rng = gen.rng
    sets: dict[str, list[str]] = {}
    uz, _ = gen.vocab["uz"]
    ru, _ = gen.vocab["ru"]
    en, _ = gen.vocab["en"]
    pool = {"uz": uz, "ru": ru, "en": en}
    langs = ["uz", "ru", "en"]
    sets["rare"] = [rng.choice(pool[rng.choice(langs)][5000:15000]) for _ in range(n)]
    sets["common"] = [rng.choice(pool[rng.choice(langs)][:30]) for _ in range(n)]
    sets["and2"] = [" ".join(rng.sample(pool[lang][:300], 2)) for lang in rng.choices(langs, k=n)]
    sets["and3"] = [" ".join(rng.sample(pool[lang][:200], 3)) for lang in rng.choices(langs, k=n)]
    sets["phrase"] = [f'"{" ".join(rng.sample(pool[lang][:100], 2))}"' for lang in rng.choices(langs, k=n)]
    sets["prefix"] = [rng.choice(pool[rng.choice(langs)][:3000])[:3] + "*" for _ in range(n)]
    sets["facets-all"] = [""] * n
    return sets


def bare_tantivy(records: list, path: Path) -> tuple[float, object]:
    """The reference: tantivy with its default analyser on the same fields."""
    import tantivy

    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    sb = tantivy.SchemaBuilder()
    for name in ("title", "creators", "subjects", "abstract"):
        sb.add_text_field(name)
    sb.add_text_field("type", tokenizer_name="raw", fast=True)
    sb.add_text_field("language", tokenizer_name="raw", fast=True)
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_unsigned_field("id", stored=True, fast=True)
    schema = sb.build()
    index = tantivy.Index(schema, path=str(path))
    started = time.perf_counter()
    writer = index.writer(heap_size=400_000_000, num_threads=1)
    for i, r in enumerate(records):
        doc = tantivy.Document(
            title=r.title,
            creators=" ; ".join(r.creators),
            subjects=" ; ".join(r.subjects),
            abstract=r.abstract,
            type=r.type,
            language=r.language,
        )
        doc.add_integer("year", r.year)
        doc.add_unsigned("id", i)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return time.perf_counter() - started, index


def time_bare(index: object, queries: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    import tantivy

    out = {}
    searcher = index.searcher()  # type: ignore[attr-defined]
    aggs = {n: {"terms": {"field": n, "size": 20}} for n in ("type", "language")}
    for kind, qs in queries.items():
        samples = []
        for q in qs:
            started = time.perf_counter()
            if not q:
                query = tantivy.Query.all_query()
            else:
                query = index.parse_query_lenient(q.replace("*", ""), ["title", "creators", "subjects", "abstract"])[0]  # type: ignore[attr-defined]
                if " " in q and not q.startswith('"'):
                    query = index.parse_query(
                        " ".join(f"+{w}" for w in q.split()), ["title", "creators", "subjects", "abstract"]
                    )  # type: ignore[attr-defined]
            searcher.search(query, limit=10, count=True)
            searcher.aggregate(query, aggs)
            samples.append((time.perf_counter() - started) * 1000)
        out[kind] = percentiles(samples)
    return out


def time_backend(queries: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """The search backend alone: query parsing and analysis, tantivy search, facets."""
    from javon.search.backend import Filters, get_backend
    from javon.search.query import parse

    backend = get_backend()
    out = {}
    for kind, qs in queries.items():
        samples = []
        for q in qs:
            started = time.perf_counter()
            backend.search(parse(q), Filters(), limit=10)
            samples.append((time.perf_counter() - started) * 1000)
        out[kind] = percentiles(samples)
    return out


def time_ours(queries: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """The whole search service: backend, then snippets and best pages from the database."""
    from javon.search import services

    out = {}
    for kind, qs in queries.items():
        samples = []
        for q in qs:
            started = time.perf_counter()
            services.search(q)
            samples.append((time.perf_counter() - started) * 1000)
        out[kind] = percentiles(samples)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_http(queries: dict[str, list[str]], data: Path) -> dict[str, dict[str, float]]:
    port = free_port()
    granian = Path(sys.executable).with_name("granian")
    server = subprocess.Popen(
        [
            str(granian),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-ws",
            "javon.wsgi:application",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1/search?"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "q=warm", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        out = {}
        for kind, qs in queries.items():
            samples = []
            for q in qs:
                started = time.perf_counter()
                with urllib.request.urlopen(base + urllib.parse.urlencode({"q": q}), timeout=30) as r:
                    json.loads(r.read())
                samples.append((time.perf_counter() - started) * 1000)
            out[kind] = percentiles(samples)
        return out
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    data = django_for(f"search-{args.records}")
    from javon.catalog.models import Work
    from javon.search import services
    from javon.search.backend import get_backend

    if Work.objects.count() != args.records:
        Work.objects.all().delete()
        started = time.perf_counter()
        records = load_records(args.records, args.seed)
        print(f"database: {args.records:,} records inserted in {time.perf_counter() - started:.1f} s")
    else:
        records = [None] * args.records
        print(f"database: reusing {args.records:,} records")
    started = time.perf_counter()
    services.reindex(batch=2000)
    took = time.perf_counter() - started
    size = sum(f.stat().st_size for f in Path(get_backend().path).glob("*") if f.is_file()) / 1e6  # type: ignore[attr-defined]
    print(
        f"ours: indexed {args.records:,} records in {took:.1f} s = {args.records / took:,.0f} records/s "
        f"(from the database), index {size:.0f} MB"
    )
    gen = Generator(args.seed + 1)
    queries = query_set(gen, args.queries)
    backend_only = time_backend(queries)
    ours = time_ours(queries)
    if records[0] is None:
        records = Generator(args.seed).records(args.records)
    bare_took, bare_index = bare_tantivy(records, data / "bare-index")
    print(f"bare tantivy: indexed in {bare_took:.1f} s = {args.records / bare_took:,.0f} records/s")
    bare = time_bare(bare_index, queries)
    http = time_http(queries, data)
    print(
        f"\n{'query kind':<12} {'backend (parse+tantivy+facets)':<46} {'service (+snippets, pages)':<46} "
        f"{'HTTP /api/v1/search':<46} {'bare tantivy':<46} p95 backend/bare"
    )
    for kind in queries:
        ratio = backend_only[kind]["p95"] / max(bare[kind]["p95"], 1e-6)
        print(
            f"{kind:<12} {fmt(backend_only[kind]):<46} {fmt(ours[kind]):<46} {fmt(http[kind]):<46} "
            f"{fmt(bare[kind]):<46} {ratio:5.1f}"
        )


if __name__ == "__main__":
    main()
