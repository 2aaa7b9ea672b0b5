"""Run a benchmark against its own Django data directory (database, files, index)."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def django_for(name: str, *, database_url: str | None = None) -> Path:
    data = OUT / name
    data.mkdir(parents=True, exist_ok=True)
    os.environ["JAVON_DATA_DIR"] = str(data)
    os.environ.setdefault("JAVON_DATABASE_URL", database_url or "sqlite:///bench.sqlite3")
    os.environ.setdefault("JAVON_TASKS", "immediate")
    os.environ["JAVON_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "javon.settings"
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return data


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "mean": statistics.fmean(ordered)}


def fmt(stats: dict[str, float]) -> str:
    return f"p50 {stats['p50']:7.2f} ms  p95 {stats['p95']:7.2f} ms  p99 {stats['p99']:7.2f} ms"
