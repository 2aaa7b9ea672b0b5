"""OCR: character error rate per language and script, and pipeline throughput against bare
tesseract on the same pages and cores, with one worker and with two.

    python bench/ocr_bench.py [--pages 16] [--cer-pages 4]

Pages are real paragraphs of ../shared/corpus (Uzbek Latin; the same Uzbek transliterated
to Cyrillic; Russian; English) rendered with DejaVu Serif at 300 dpi, then degraded.

1. CER: each page through javon.ocr.engine.recognise as a run does it ("auto": the first
   guess comes from the work's language and follows what earlier pages were read with;
   low confidence asks OSD for rotation and script).
2. Throughput: two books of --pages pages (Uzbek Latin, Uzbek Cyrillic), as folders of page
   images. Bare = `tesseract page.png out -l MODEL` with the right model per page, two at a
   time (OMP_THREAD_LIMIT=1 each). Ours = `javon import FOLDER --digitise --language uz --wait
   --workers N` (store, bundle, catalogue, per-page tasks: straighten, OCR with hOCR + PDF +
   text, page image, PageText, index; merged access PDF), N = 1 and 2. Ratio ours/bare.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "ocr"

from tests.ocr.helpers import cer  # noqa: E402

from javon.ocr import engine  # noqa: E402
from javon.ocr.testpages import Degrade, page  # noqa: E402

LANGS = {"uz-Latn": ("uz", "uzb"), "uz-Cyrl": ("uz", "uzb_cyrl"), "ru": ("ru", "rus"), "en": ("en", "eng")}
# Degradations cycled over the pages: what scanners and phones do to a page.
DEGRADE = [
    Degrade(skew=1.5, noise=0.005),
    Degrade(blur=0.8),
    Degrade(skew=-2.5, blur=0.6, noise=0.01),
    Degrade(rotate=180, skew=1.0),
]


def make_pages(key: str, count: int, degrade: bool, words: int = 220) -> list[tuple[object, str]]:
    made = []
    for i in range(count):
        how = DEGRADE[i % len(DEGRADE)] if degrade else Degrade(skew=(i % 3 - 1) * 1.0, noise=0.003)
        made.append(page(key, how, words=words, seed=i, skip_chars=1_000 + i * 1_400))
    return made


def measure_cer(pages_per_lang: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for key, (lang, _model) in LANGS.items():
        guess = engine.model_for([lang])
        rates, passes, started = [], 0, time.perf_counter()
        for image, text in make_pages(key, pages_per_lang, degrade=True):
            result = engine.recognise(image, guess=guess)  # type: ignore[arg-type]
            if result.confidence >= engine.LOW_CONFIDENCE:
                guess = result.model  # as a run does: later pages start with what worked
            rates.append(cer(text, result.text))
            passes += result.passes
        results[key] = {
            "cer_mean": round(sum(rates) / len(rates), 4),
            "cer_max": round(max(rates), 4),
            "pages": len(rates),
            "passes_per_page": round(passes / len(rates), 2),
            "seconds_per_page": round((time.perf_counter() - started) / len(rates), 2),
        }
        print(f"  {key:8} CER mean {results[key]['cer_mean']:.2%} max {results[key]['cer_max']:.2%}", flush=True)
    return results


def write_books(root: Path, count: int) -> list[tuple[Path, str]]:
    """Folders of page images; returns (page path, right model) for the bare run."""
    shutil.rmtree(root, ignore_errors=True)
    listed = []
    for key in ("uz-Latn", "uz-Cyrl"):
        folder = root / key
        folder.mkdir(parents=True)
        for i, (image, _text) in enumerate(make_pages(key, count, degrade=False), start=1):
            path = folder / f"{i}.png"
            image.save(path, dpi=(300, 300))  # type: ignore[attr-defined]
            listed.append((path, LANGS[key][1]))
    return listed


def bare(pages: list[tuple[Path, str]]) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(item: tuple[Path, str]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["tesseract", str(item[0]), f"{tmp}/out", "-l", item[1], "--dpi", "300"],
                env=env,
                check=True,
                capture_output=True,
            )

    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started


def ours(books: Path, workers: int) -> tuple[float, dict[str, object]]:
    data = OUT / f"data-{workers}"
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
    command = [*javon, "import", str(books), "--digitise", "--language", "uz", "--json", "--wait"]
    started = time.perf_counter()
    done = subprocess.run([*command, "--workers", str(workers)], env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    script = (
        "import json; from django.db.models import Count; from javon.ocr.models import OcrPage as P; "
        "print(json.dumps({'pages': dict(P.objects.values_list('status').annotate(n=Count('id'))), "
        "'models': dict(P.objects.values_list('model').annotate(n=Count('id')))}))"
    )
    check = subprocess.run([*javon, "shell", "-c", script], env=env, capture_output=True, text=True, check=True)
    return took, json.loads(check.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=16, help="pages per book (two books)")
    parser.add_argument("--cer-pages", type=int, default=4, help="degraded pages per language for the CER")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print("character error rate on rendered and degraded pages (300 dpi):", flush=True)
    cer_results = measure_cer(args.cer_pages)

    books = OUT / "books"
    listed = write_books(books, args.pages)
    total = len(listed)
    bare_s = bare(listed)
    one_s, one_check = ours(books, 1)
    two_s, two_check = ours(books, 2)
    rate = {name: round(total / s * 60, 1) for name, s in (("bare", bare_s), ("ours_1", one_s), ("ours_2", two_s))}
    result = {
        "cer": cer_results,
        "throughput": {
            "pages": total,
            "seconds": {
                "bare_2_at_a_time": round(bare_s, 1),
                "ours_1_worker": round(one_s, 1),
                "ours_2_workers": round(two_s, 1),
            },
            "pages_per_minute": rate,
            "ratio_ours_2_to_bare": round(rate["ours_2"] / rate["bare"], 2),
            "scaling_1_to_2_workers": round(rate["ours_2"] / rate["ours_1"], 2),
            "pages_done": {"1 worker": one_check, "2 workers": two_check},
        },
        "cores": os.cpu_count(),
    }
    print(
        f"throughput, {total} pages: bare tesseract {rate['bare']} pages/min (2 at a time); "
        f"javon 1 worker {rate['ours_1']}, 2 workers {rate['ours_2']} pages/min; "
        f"ratio {rate['ours_2'] / rate['bare']:.2f}, scaling {rate['ours_2'] / rate['ours_1']:.2f}"
    )
    (ROOT / "bench" / "out" / "ocr_bench.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
