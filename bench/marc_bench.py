"""MARC 21 bulk import: `javon import FILE.mrc --wait` against bare pymarc parsing of the same file.

    python bench/marc_bench.py [--records 100000] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

1. A seeded .mrc of N records (bench/corpus.py words: Uzbek, Russian, English; 001/003, ISBN
   on a third, 1-3 creators, subjects, an abstract) is written once under bench/out/marc/.
2. Bare: pymarc.MARCReader (to_unicode, permissive) reading every record of it.
3. Ours, into a fresh database (SQLite, and PostgreSQL when reachable): `javon import FILE
   --json --wait`, as a librarian runs it (task workers started by the command). Reported:
   catalogued (the file's task finished: works, history, search log and per-record items
   written) and searchable (the command returned: the local index has every record).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "marc"
PYTHON = sys.executable


def make_file(count: int, seed: int = 7) -> Path:
    path = OUT / f"records-{count}-seed{seed}.mrc"
    if path.exists():
        return path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "javon.settings")
    os.environ.setdefault("JAVON_DATA_DIR", str(OUT / "gen"))
    import django

    django.setup()
    from bench.corpus import Generator
    from pymarc import Field

    from javon.catalog.crosswalk.marc import input_to_record
    from javon.catalog.services import WorkInput, parse_creator

    OUT.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as out:
        for i in range(count):
            rec = generator.record()
            data = WorkInput(
                title=rec.title,
                type=rec.type,
                creators=[parse_creator(c) for c in rec.creators],
                languages=[rec.language],
                year=rec.year,
                date=str(rec.year),
                publisher="Fan" if rec.language == "uz" else "Nauka" if rec.language == "ru" else "Penguin",
                place="Toshkent",
                subjects=rec.subjects,
                abstract=rec.abstract,
                identifiers=[("isbn", f"978994{i:07d}")] if i % 3 == 0 else [],
            )
            record = input_to_record(data)
            record.add_ordered_field(Field(tag="001", data=f"b{i:07d}"), Field(tag="003", data="Bench"))
            out.write(record.as_marc())
    tmp.rename(path)
    return path


def bare_pymarc(path: Path) -> tuple[float, int]:
    from pymarc import MARCReader

    started = time.perf_counter()
    count = 0
    with path.open("rb") as stream:
        for record in MARCReader(stream, to_unicode=True, force_utf8=False, permissive=True):
            if record is not None:
                count += 1
    return time.perf_counter() - started, count


def our_parse(path: Path) -> float:
    """Our reader alone (decode, crosswalk, validate), no database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "javon.settings")
    import django

    django.setup()
    from javon.catalog.crosswalk.marc_files import read_marc_file

    started = time.perf_counter()
    bad = sum(1 for result in read_marc_file(path) if result.error)
    assert bad == 0, f"{bad} records failed to parse"
    return time.perf_counter() - started


def fresh_postgres(url: str, name: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - no server: say so, run SQLite only
        print(f"PostgreSQL not reachable ({exc}); skipped")
        return None
    return url.rsplit("/", 1)[0] + "/" + name


def javon_import(path: Path, database_url: str, data: Path) -> dict[str, Any]:
    import shutil

    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {
        **os.environ,
        "JAVON_DATA_DIR": str(data),
        "JAVON_DATABASE_URL": database_url,
        "JAVON_TASKS": "database",
        "JAVON_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    javon = [PYTHON, "-m", "javon.cli"]
    subprocess.run([*javon, "migrate", "-v", "0"], env=env, check=True)
    started = time.perf_counter()
    done = subprocess.run([*javon, "import", str(path), "--json", "--wait"], env=env, capture_output=True, text=True)
    searchable = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr[-3000:])
    report = json.loads(done.stdout)
    probe = (
        "import json; from javon.ingest.models import ImportJob; from javon.catalog.models import Work;"
        f"j = ImportJob.objects.get(pk={report['job']}); f = j.items.get(path={str(path)!r});"
        "print(json.dumps({'catalogued': (f.updated - j.created).total_seconds(), 'works': Work.objects.count(),"
        "'records': f.metadata.get('records')}))"
    )
    checked = subprocess.run([*javon, "shell", "-c", probe], env=env, capture_output=True, text=True, check=True)
    facts = json.loads(checked.stdout.strip().splitlines()[-1])
    return {"searchable_s": searchable, **facts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    n = args.records
    path = make_file(n)
    size = path.stat().st_size / 1e6
    bare, counted = bare_pymarc(path)
    assert counted == n, counted
    parse = our_parse(path)
    results: dict[str, Any] = {
        "records": n,
        "file_mb": round(size, 1),
        "bare_pymarc_s": round(bare, 2),
        "our_parse_s": round(parse, 2),
        "at": datetime.now().isoformat(timespec="seconds"),
    }
    print(f"{n:,} records, {size:.1f} MB")
    print(f"  bare pymarc MARCReader:  {bare:7.1f} s  ({n / bare:8,.0f} records/s)")
    print(f"  our reader + crosswalk:  {parse:7.1f} s  ({n / parse:8,.0f} records/s)   {parse / bare:.2f}x bare")
    targets = [("sqlite", "sqlite:///bench.sqlite3")]
    pg = fresh_postgres(args.postgres, "javon_marc_bench")
    if pg:
        targets.append(("postgresql", pg))
    for name, url in targets:
        got = javon_import(path, url, OUT / f"data-{name}")
        catalogued, searchable = got["catalogued"], got["searchable_s"]
        print(
            f"  javon import ({name}): catalogued {catalogued:7.1f} s ({n / catalogued:6,.0f} records/s, "
            f"{catalogued / bare:.1f}x bare pymarc); searchable {searchable:7.1f} s ({n / searchable:6,.0f} records/s)"
            f"; works {got['works']:,}, items {got['records']}"
        )
        assert got["works"] == n, got
        results[name] = {
            **got,
            "catalogued_records_per_s": round(n / catalogued),
            "searchable_records_per_s": round(n / searchable),
            "ratio_to_bare": round(catalogued / bare, 1),
        }
    (OUT.parent / "marc_bench.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
