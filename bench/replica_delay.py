"""Delay from a committed edit to its visibility in following index replicas.

    python bench/replica_delay.py [--edits 50] [--replicas 2]

Starts `javon index-follow` processes, each with its own index directory (as on separate
web machines), commits edits in this process, and polls every replica until each edit is
found. Uses JAVON_DATABASE_URL when set (PostgreSQL for the real multi-machine case),
otherwise SQLite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for, percentiles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--replicas", type=int, default=2)
    args = parser.parse_args()
    os.environ["JAVON_TASKS"] = "database"  # no in-process index sync: only the followers write
    data = django_for("replica")
    from javon.catalog.services import WorkInput, create_work
    from javon.search.backend import Filters
    from javon.search.query import parse
    from javon.search.tantivy_backend import TantivyBackend

    followers = []
    replicas = []
    for n in range(args.replicas):
        index_dir = data / f"replica-{n}"
        shutil.rmtree(index_dir, ignore_errors=True)
        env = {**os.environ, "JAVON_INDEX_DIR": str(index_dir)}
        followers.append(
            subprocess.Popen([sys.executable, "-m", "javon.cli", "index-follow", "--interval", "0.1"], env=env)
        )
        time.sleep(1.0)
        replicas.append(TantivyBackend(str(index_dir)))
    delays: list[list[float]] = [[] for _ in replicas]
    try:
        for _ in range(args.edits):
            word = "r" + uuid.uuid4().hex[:12]
            create_work(WorkInput(title=f"Tahrir {word}", languages=["uz"]), actor="bench")
            committed = time.perf_counter()
            pending = set(range(len(replicas)))
            deadline = committed + 30
            while pending and time.perf_counter() < deadline:
                for n in list(pending):
                    replicas[n]._last_reload = 0.0  # force a reader reload on every poll
                    if replicas[n].search(parse(word), Filters(), limit=1, facets=False).total:
                        delays[n].append((time.perf_counter() - committed) * 1000)
                        pending.discard(n)
                time.sleep(0.01)
            if pending:
                print(f"edit {word} not visible in replicas {sorted(pending)} after 30 s")
    finally:
        for p in followers:
            p.terminate()
            p.wait(timeout=10)
    database = os.environ.get("JAVON_DATABASE_URL", "sqlite").split(":")[0]
    for n, samples in enumerate(delays):
        if samples:
            s = percentiles(samples)
            print(
                f"replica {n} ({database}): {len(samples)} edits visible after p50 {s['p50']:.0f} ms, "
                f"p95 {s['p95']:.0f} ms, max {max(samples):.0f} ms"
            )


if __name__ == "__main__":
    main()
