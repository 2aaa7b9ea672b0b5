"""Page weight and page throughput on the demo library, as a browser and as wrk see them.

    python bench/pages_bench.py [--seconds 10] [--connections 16] [--json out.json]

1. Loads the demo library into bench/out/pages (once) and starts `javon serve --no-worker`
   (granian, 2 web workers) on a free port.
2. Weight: Debian's headless chromium (Playwright) opens each page type in a fresh context,
   i.e. an empty cache, and adds up the bytes transferred (headers + compressed bodies, from
   the DevTools network events). Covers are left out of the work page. Then it scrolls
   through a PDF in the reader and counts the bytes each PDF page costs at the default width
   (page image + its text layer).
3. Throughput: wrk against catalogue and search pages, and against a minimal Django page
   (bench/minimal_site.py) served by granian with the same options in the same run; the
   ratio says how close Javon comes to Django's own floor. wrk is installed with
   scripts/system-packages when missing.

Targets (issue 4): first visit ≤ 60 KB for home and search, ≤ 80 KB for a work page,
≤ 150 KB per PDF page; ≥ 500 requests/s for catalogue pages, ≥ 300 for search pages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "out" / "pages"
HOST = "127.0.0.1"
WEB_WORKERS = 2
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KB = 1024
LIMITS = {"home": 60 * KB, "search": 60 * KB, "work": 80 * KB, "pdf page": 150 * KB}
RATE_TARGETS = {"catalogue": 500.0, "search": 300.0}
COVER = re.compile(r"/works/[0-9]+/thumbnail")


# ---------------------------------------------------------------- servers
def env() -> dict[str, str]:
    child = {k: v for k, v in os.environ.items() if not k.startswith("JAVON_")}
    child.update(
        DJANGO_SETTINGS_MODULE="javon.settings",
        JAVON_DATA_DIR=str(DATA),
        JAVON_DATABASE_URL="sqlite:///bench.sqlite3",
        JAVON_LOG_LEVEL="WARNING",
    )
    return child


def javon(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "javon.cli", *args], env=env(), cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            if response.status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def running(command: list[str], url: str, cwd: Path, environ: dict[str, str]) -> Iterator[None]:
    proc = subprocess.Popen(command, cwd=cwd, env=environ, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(url)
        yield
    finally:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def javon_site(port: int) -> Any:
    command = [
        sys.executable,
        "-m",
        "javon.cli",
        "serve",
        "--no-worker",
        "--host",
        HOST,
        "--port",
        str(port),
        "--web-workers",
        str(WEB_WORKERS),
    ]
    return running(command, f"http://{HOST}:{port}/", ROOT, env())


def minimal_site(port: int) -> Any:
    granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
    command = [
        granian,
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(WEB_WORKERS),
        "--no-ws",
        "--working-dir",
        str(ROOT / "bench"),
        "minimal_site:application",
    ]
    return running(command, f"http://{HOST}:{port}/", ROOT / "bench", {**os.environ, "PYTHONPATH": ""})


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return json.load(response)


def pick_pages(base: str) -> dict[str, str]:
    """Page type -> path on the demo library."""
    hits = get_json(f"{base}/api/v1/search?q=botir")["hits"]
    assert hits, "the demo library has no 'botir': is it loaded?"
    pdf_work = next((h["id"] for h in get_json(f"{base}/api/v1/search?q=hikmatli")["hits"]), hits[0]["id"])
    return {
        "home": "/",
        "search": "/search?q=botir",
        "search (Cyrillic query)": "/search?q=%D0%B1%D0%BE%D1%82%D0%B8%D1%80",  # ботир
        "search (no results)": "/search?q=qzxqzx",
        "work": f"/works/{pdf_work}",
        "PDF reader": f"/works/{pdf_work}/read?page=1",
    }


# ---------------------------------------------------------------- weight
class Transfers:
    """Bytes on the wire per request, from DevTools' network events (headers + encoded body)."""

    def __init__(self, context: Any, page: Any) -> None:
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: self.sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def items(self) -> list[tuple[str, int]]:
        return [(self.urls.get(rid, "?"), size) for rid, size in self.sizes.items()]


def first_visit(browser: Any, url: str, exclude: re.Pattern[str] | None = None) -> tuple[int, list[tuple[str, int]]]:
    context = browser.new_context()
    try:
        page = context.new_page()
        transfers = Transfers(context, page)
        page.goto(url, wait_until="networkidle")
        items = [(u, n) for u, n in transfers.items() if not (exclude and exclude.search(u))]
        return sum(n for _, n in items), items
    finally:
        context.close()


def pdf_page_costs(browser: Any, url: str) -> dict[int, int]:
    """Scroll through the continuous PDF reader: bytes per page (image at the default width + text layer)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    per_page: dict[int, int] = {}
    try:
        page = context.new_page()
        transfers = Transfers(context, page)
        page.goto(url, wait_until="networkidle")
        for _ in range(400):
            at_end = page.evaluate(
                "() => { scrollBy(0, 700); return innerHeight + scrollY >= document.body.scrollHeight - 2; }"
            )
            page.wait_for_timeout(40)
            if at_end:
                break
        page.wait_for_load_state("networkidle")
        for item_url, size in transfers.items():
            found = re.search(r"/pages/([0-9]+)\.(?:webp|jpg|json)", item_url)
            if found:
                per_page[int(found[1])] = per_page.get(int(found[1]), 0) + size
    finally:
        context.close()
    return dict(sorted(per_page.items()))


def measure_weights(base: str, pages: dict[str, str]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path in pages.items():
            total, items = first_visit(browser, base + path, COVER if name == "work" else None)
            results[name] = {"path": path, "bytes": total, "requests": [[u.removeprefix(base), n] for u, n in items]}
        costs = pdf_page_costs(browser, base + pages["PDF reader"])
        browser.close()
    if costs:
        results["pdf page"] = {
            "path": pages["PDF reader"],
            "pages": len(costs),
            "bytes": max(costs.values()),
            "mean": round(sum(costs.values()) / len(costs)),
            "per_page": costs,
        }
    return results


# ---------------------------------------------------------------- throughput
def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        subprocess.run([str(ROOT / "scripts" / "system-packages"), "wrk"], check=True)
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is missing and could not be installed")
    return wrk


def wrk_rate(wrk: str, url: str, seconds: int, connections: int) -> dict[str, float]:
    """Requests per second and the latency median for `url`; non-2xx answers fail the run."""
    # A warm-up fills the workers' caches and imports (a first search opens the index).
    subprocess.run([wrk, "-t1", "-c2", "-d3s", "--timeout", "10s", url], capture_output=True, check=True)
    out = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"{url} answered errors or timed out under load:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out)[1])  # type: ignore[index]
    median = re.search(r"50%\s+([0-9.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p50 = float(median[1]) * scale[median[2]] if median else float("nan")
    return {"rps": rate, "p50_ms": p50}


def measure_rates(pages: dict[str, str], seconds: int, connections: int) -> dict[str, Any]:
    wrk = ensure_wrk()
    groups = {
        "catalogue": ["home", "work"],
        "search": ["search", "search (Cyrillic query)", "search (no results)"],
    }
    results: dict[str, Any] = {}
    port = free_port()
    with minimal_site(port):
        results["minimal Django page"] = wrk_rate(wrk, f"http://{HOST}:{port}/", seconds, connections)
    floor = results["minimal Django page"]["rps"]
    port = free_port()
    with javon_site(port):
        for group, names in groups.items():
            for name in names:
                rate = wrk_rate(wrk, f"http://{HOST}:{port}{pages[name]}", seconds, connections)
                rate["ratio_to_minimal"] = rate["rps"] / floor
                rate["group"] = group  # type: ignore[assignment]
                results[name] = rate
    return results


# ---------------------------------------------------------------- report
def report(weights: dict[str, Any], rates: dict[str, Any]) -> bool:
    ok = True
    print(f"\nFirst visit, empty cache (bytes transferred, headers included; covers excluded) — {CHROMIUM}")
    for name, row in weights.items():
        limit = LIMITS.get(name.split(" (")[0])
        verdict = "" if limit is None else ("  ok" if row["bytes"] <= limit else f"  OVER {limit // KB} KB")
        ok &= limit is None or row["bytes"] <= limit
        extra = f" (max of {row['pages']} pages, mean {row['mean'] / KB:.1f} KB)" if name == "pdf page" else ""
        print(f"  {name:26} {row['bytes'] / KB:7.1f} KB{extra}{verdict}")
        for path, size in row.get("requests", []):
            print(f"      {size / KB:7.1f} KB  {path[:90]}")
    print(f"\nThroughput (wrk, granian --workers {WEB_WORKERS}, same run; ratio to the minimal Django page)")
    for name, row in rates.items():
        target = RATE_TARGETS.get(row.get("group", ""))
        verdict = "" if target is None else ("  ok" if row["rps"] >= target else f"  UNDER {target:.0f}")
        ok &= target is None or row["rps"] >= target
        ratio = f"  {row['ratio_to_minimal']:.2f}× minimal" if "ratio_to_minimal" in row else ""
        print(f"  {name:26} {row['rps']:8.0f} req/s  p50 {row['p50_ms']:6.1f} ms{ratio}{verdict}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--skip-rates", action="store_true", help="page weights only")
    args = parser.parse_args()

    DATA.mkdir(parents=True, exist_ok=True)
    javon("migrate", "--no-input", "-v", "0")
    javon("demo")  # once: it does nothing when the library has works
    port = free_port()
    with javon_site(port):
        base = f"http://{HOST}:{port}"
        pages = pick_pages(base)
        weights = measure_weights(base, pages)
    rates = {} if args.skip_rates else measure_rates(pages, args.seconds, args.connections)
    ok = report(weights, rates)
    if args.json:
        args.json.write_text(json.dumps({"weights": weights, "rates": rates}, indent=1), encoding="utf-8")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
