"""What access rules cost: search and page latency with and without them, in one run.

A catalogue of N generated records (default 20,000) is indexed twice over: once all open,
then with a third of the works under rules (registered, a group, metadata-only, staff).
The same queries run through the search service as an anonymous reader, a group member
and staff (whose searches carry no access filter), and the work and search pages are
fetched through Django's test client.

    python bench/access_bench.py [--records 20000] [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for, fmt, percentiles  # noqa: E402
from corpus import Generator  # noqa: E402
from search_bench import load_records, query_set  # noqa: E402

RULES = ["registered", "group:talabalar", "metadata-only", "staff"]


def compare(variants: dict, items: list, rounds: int = 3) -> dict[str, dict[str, float]]:  # type: ignore[type-arg]
    """Time each variant on each item, interleaved (so that the noise of a busy machine
    falls on all alike), `rounds` times over."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for item in items:
            for name, (fn, arg) in variants.items():
                started = time.perf_counter()
                fn(arg(item))
                samples[name].append((time.perf_counter() - started) * 1000)
    return {name: percentiles(values) for name, values in samples.items()}


def same(item):  # type: ignore[no-untyped-def]
    return item


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    shutil.rmtree(Path(__file__).resolve().parent / "out" / "access", ignore_errors=True)  # a fresh library
    django_for("access")

    from django.contrib.auth.models import Group, User
    from django.test import Client

    from javon.catalog.models import Work
    from javon.search import services
    from javon.search.backend import Filters, get_backend

    load_records(args.records, seed=7)
    services.reindex()
    queries = query_set(Generator(11), args.queries)
    mixed = [q for kind in ("rare", "common", "and2", "prefix") for q in queries[kind][: args.queries // 4]]
    group, _ = Group.objects.get_or_create(name="talabalar")
    member, _ = User.objects.get_or_create(username="bench-member")
    member.groups.add(group)
    staff, _ = User.objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    results: dict[str, object] = {"records": args.records, "queries": len(mixed)}

    def search_as(who: object) -> object:
        return lambda q: services.search(q, Filters(), per_page=10, who=who)

    def bare_backend(q: str) -> object:
        from javon.search.query import parse

        return get_backend().search(parse(q), Filters(), limit=10)

    search_as(None)(mixed[0])  # warm up
    results["all open"] = compare(
        {
            "backend, no filter": (bare_backend, same),
            "service as anonymous": (search_as(None), same),
            "service as staff": (search_as(staff), same),
        },
        mixed,
    )
    ids = list(Work.objects.order_by("pk").values_list("pk", flat=True))
    for i, rule in enumerate(RULES):
        Work.objects.filter(pk__in=ids[i::12]).update(access=rule)
    services.reindex()
    results["a third under rules"] = compare(
        {
            "backend, no filter": (bare_backend, same),
            "service as anonymous": (search_as(None), same),
            "service as group member": (search_as(member), same),
            "service as staff": (search_as(staff), same),
        },
        mixed,
    )
    anonymous, staff_client = Client(), Client()
    staff_client.force_login(staff)
    open_ids = list(Work.objects.filter(access="open").values_list("pk", flat=True)[:100])
    ruled_ids = list(Work.objects.filter(access="registered").values_list("pk", flat=True)[:100])
    pairs = list(zip(open_ids, ruled_ids, mixed, strict=False))
    results["pages"] = compare(
        {
            "work page, open work, anonymous": (lambda pk: anonymous.get(f"/works/{pk}"), lambda t: t[0]),
            "work page, registered-only work, anonymous": (lambda pk: anonymous.get(f"/works/{pk}"), lambda t: t[1]),
            "work page, open work, staff": (lambda pk: staff_client.get(f"/works/{pk}"), lambda t: t[0]),
            "search page, anonymous": (lambda q: anonymous.get("/search", {"q": q}), lambda t: t[2]),
            "search page, staff": (lambda q: staff_client.get("/search", {"q": q}), lambda t: t[2]),
        },
        pairs,
    )
    for section, rows in results.items():
        if not isinstance(rows, dict):
            print(f"{section}: {rows}")
            continue
        print(section)
        for name, stats in rows.items():
            print(f"  {name:45s} {fmt(stats)}")
    gated = results["a third under rules"]["service as anonymous"]["p95"]  # type: ignore[index]
    ungated = results["a third under rules"]["service as staff"]["p95"]  # type: ignore[index]
    print(f"access filter cost on search p95: {gated / ungated:.2f}x")
    out = Path(__file__).resolve().parent / "out" / "access_bench.json"
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
