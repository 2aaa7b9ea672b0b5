"""Import throughput of real PDFs against the bare extractor on the same files.

    python bench/import_bench.py [--books 12] [--small 1000]

1. Real books: corpus texts made into PDFs. Bare = pypdfium2 opening each file and taking
   every page's text (what any importer must do at least). Ours = `javon import --wait`
   (hash, store, sniff, extract per page, thumbnail, catalogue, index). Ratio ours/bare.
2. 1,000 small PDFs in one command: the counts must be right.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "bench" / "out" / "import"
CORPUS = ROOT.parent / "shared" / "corpus"


def make_books(folder: Path, count: int) -> list[Path]:
    from javon.ingest.samples import text_to_pdf

    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)[-count:]
    made = []
    for src in sources:
        target = folder / (src.stem + ".pdf")
        if not target.exists():
            target.write_bytes(
                text_to_pdf(src.read_text(encoding="utf-8"), title=src.stem, author="Bench", max_pages=400)
            )
        made.append(target)
    return made


def make_small(folder: Path, count: int) -> list[Path]:
    from javon.ingest.samples import text_to_pdf

    folder.mkdir(parents=True, exist_ok=True)
    words = (CORPUS / "en-wells-the-time-machine.txt").read_text(encoding="utf-8").split()
    made = []
    for i in range(count):
        target = folder / f"small-{i:04d}.pdf"
        if not target.exists():
            chunk = " ".join(words[(i * 37) % 20000 : (i * 37) % 20000 + 120])
            target.write_bytes(text_to_pdf(f"Leaflet {i}. {chunk}", title=f"Leaflet {i}", author="Bench"))
        made.append(target)
    return made


def bare_extract(paths: list[Path]) -> tuple[float, int]:
    import pypdfium2 as pdfium

    pages = 0
    started = time.perf_counter()
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return time.perf_counter() - started, pages


def javon_import(folder: Path, data: Path) -> tuple[float, dict]:
    shutil.rmtree(data, ignore_errors=True)
    env = {
        **os.environ,
        "JAVON_DATA_DIR": str(data),
        "JAVON_DATABASE_URL": "sqlite:///bench.sqlite3",
        "JAVON_TASKS": "database",
        "JAVON_LOG_LEVEL": "WARNING",
    }
    javon = [sys.executable, "-m", "javon.cli"]
    subprocess.run([*javon, "migrate", "-v", "0"], env=env, check=True)
    started = time.perf_counter()
    done = subprocess.run([*javon, "import", str(folder), "--json", "--wait"], env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return took, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--books", type=int, default=12)
    parser.add_argument("--small", type=int, default=1000)
    args = parser.parse_args()
    books = make_books(OUT / "books", args.books)
    size = sum(p.stat().st_size for p in books) / 1e6
    bare, pages = bare_extract(books)
    ours, report = javon_import(OUT / "books", OUT / "data-books")
    print(f"real books: {len(books)} PDFs, {pages:,} pages, {size:.1f} MB")
    print(f"  bare pypdfium2 text extraction: {bare:6.2f} s  ({pages / bare:,.0f} pages/s)")
    print(f"  javon import --wait:            {ours:6.2f} s  ({pages / ours:,.0f} pages/s)   ratio {ours / bare:.2f}x")
    print(f"  counts: {report['counts']}")
    if args.small:
        small = make_small(OUT / "small", args.small)
        bare_small, _ = bare_extract(small)
        took, report = javon_import(OUT / "small", OUT / "data-small")
        c = report["counts"]
        ok = c["ok"] == args.small and c["failed"] == 0 and c["total"] == args.small
        print(
            f"{args.small} small PDFs in one command: {took:.1f} s ({args.small / took:.0f} files/s), "
            f"bare extraction {bare_small:.1f} s, ratio {took / bare_small:.1f}x; "
            f"counts {c} -> {'correct' if ok else 'WRONG'}"
        )


if __name__ == "__main__":
    main()
