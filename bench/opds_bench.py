"""OPDS response times at a few thousand works: the 1.2 root, new-arrivals and search feeds, and
the 2.0 new-arrivals feed, each requested through Django's full stack (middleware included).

    python bench/opds_bench.py [--records 3000] [--samples 100]

Data: bench/out/opds, metadata-only works from bench/corpus.py's seeded generator (as
search_bench makes them), indexed once; reused while the count matches.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _setup import django_for, fmt, percentiles  # noqa: E402


def timed(client: object, urls: list[str]) -> dict[str, float]:
    samples = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    django_for(f"opds-{args.records}")
    from django.test import Client

    from javon.catalog.models import Work
    from javon.search import services
    from search_bench import load_records

    if Work.objects.count() != args.records:
        Work.objects.all().delete()
        load_records(args.records, args.seed)
        services.reindex(batch=2000)
    client = Client(SERVER_NAME="localhost")
    rng = random.Random(args.seed)
    titles = list(Work.objects.values_list("title", flat=True)[:500])
    words = [w for t in titles for w in t.split() if len(w) > 3]
    pages = max(1, args.records // 50)
    cases = {
        "opds root": ["/opds/"] * args.samples,
        "opds new arrivals (random page)": [f"/opds/new?page={rng.randint(1, pages)}" for _ in range(args.samples)],
        "opds search": [f"/opds/search?q={rng.choice(words)}" for _ in range(args.samples)],
        "opds2 new arrivals": [f"/opds/v2/new?page={rng.randint(1, pages)}" for _ in range(args.samples)],
    }
    timed(client, ["/opds/", "/opds/new", f"/opds/search?q={words[0]}"])  # warm caches and imports
    print(f"OPDS at {args.records:,} works, {args.samples} requests each (ms):")
    for name, urls in cases.items():
        print(f"  {name:34} {fmt(timed(client, urls))}")


if __name__ == "__main__":
    main()
