"""OAI-PMH at N records (default 100,000): a full harvest by Javon's harvester of Javon's
provider on this machine (records/s), then the provider's response times.

    python bench/oai_bench.py [--records 100000] [--page-size 200] [--samples 300] [--harvest-set type:abstract]

The provider gets its own data folder and database (bench/out/oai-provider), filled in bulk
with metadata-only works from bench/corpus.py's seeded generator, and is served by granian
(one WSGI worker). The harvester runs in this process on another database
(bench/out/oai-harvester), so every record is new to it: it goes through the catalogue's
create_work and is indexed as it arrives (the search log is applied after every page), as in
a real first harvest. Then GetRecord, ListRecords and ListIdentifiers pages are timed over HTTP.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _setup import OUT, ROOT, fmt, percentiles  # noqa: E402

PROVIDER = OUT / "oai-provider"
HARVESTER = OUT / "oai-harvester"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def provider_env(page_size: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAVON_")}
    env.update(
        JAVON_DATA_DIR=str(PROVIDER),
        JAVON_DATABASE_URL="sqlite:///provider.sqlite3",
        JAVON_TASKS="immediate",
        JAVON_SEARCH_SYNC="false",
        JAVON_LOG_LEVEL="WARNING",
        JAVON_OAI_PAGE_SIZE=str(page_size),
        DJANGO_SETTINGS_MODULE="javon.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(HERE)]),
    )
    return env


def populate(records: int, seed: int) -> None:
    """(In a child process on the provider's database.) N works in bulk, as search_bench makes them."""
    from _setup import django_for

    django_for("oai-provider")
    from search_bench import load_records

    started = time.perf_counter()
    load_records(records, seed)
    print(f"  provider: {records:,} works in {time.perf_counter() - started:.1f} s", flush=True)


def serve(port: int, page_size: int) -> subprocess.Popen[bytes]:
    granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
    proc = subprocess.Popen(
        [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-ws"]
        + ["javon.wsgi:application"],
        env=provider_env(page_size),
        cwd=ROOT,
        process_group=0,
    )
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/oai?verb=Identify", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the provider did not start")


def harvest_all(url: str, set_spec: str = "") -> dict[str, float]:
    from javon.interop import harvest
    from javon.interop.models import HarvestSource

    source = HarvestSource.objects.create(name="bench", url=url, set_spec=set_spec, allow_private=True, delay=0.0)
    started = time.perf_counter()
    counts = harvest.harvest_source(source.pk)
    took = time.perf_counter() - started
    from javon.search.services import search

    total = sum(counts.values())
    print(f"  harvest: {counts} in {took:.1f} s = {total / took:,.0f} records/s", flush=True)
    found = search("").total
    print(f"  searchable in the harvester's index: {found:,} works", flush=True)
    return {"records": total, "seconds": took, "records_per_s": total / took, "searchable": found}


def walk_all(url: str) -> dict[str, float]:
    """The whole list fetched and parsed by our client, nothing stored: what the provider and
    the protocol give, apart from cataloguing."""
    from javon.interop.oai_client import OAI, OaiClient

    started = time.perf_counter()
    records = pages = 0
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    with OaiClient(allow_private=True, delay=0.0) as client:
        while True:
            root = client.request(url, params)
            pages += 1
            records += sum(1 for _ in root.iter(f"{{{OAI}}}record"))
            token = root.find(f".//{{{OAI}}}resumptionToken")
            if token is None or not (token.text or "").strip():
                break
            params = {"verb": "ListRecords", "resumptionToken": token.text.strip()}
    took = time.perf_counter() - started
    print(
        f"  full walk: {records:,} records in {pages} pages, {took:.1f} s = {records / took:,.0f} records/s", flush=True
    )
    return {"records": records, "pages": pages, "seconds": took, "records_per_s": records / took}


def timed(client: object, params: dict[str, str]) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.get("/oai", params=params)  # type: ignore[attr-defined]
    took = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return took, response.content


def latencies(base: str, records: int, samples: int, seed: int) -> dict[str, dict[str, float]]:
    import httpx
    from lxml import etree

    ns = {"oai": "http://www.openarchives.org/OAI/2.0/"}
    rng = random.Random(seed)
    out: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base, timeout=60, trust_env=False) as client:
        get = [
            timed(client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"oai:javon.local:work/{i}"})[
                0
            ]
            for i in (rng.randint(1, records) for _ in range(samples))
        ]
        out["GetRecord"] = percentiles(get)
        for verb in ("ListRecords", "ListIdentifiers"):
            pages: list[float] = []
            params = {"verb": verb, "metadataPrefix": "oai_dc"}
            for _ in range(min(50, samples)):
                took, body = timed(client, params)
                pages.append(took)
                token = etree.fromstring(body).find(".//oai:resumptionToken", ns)
                if token is None or not token.text:
                    break
                params = {"verb": verb, "resumptionToken": token.text}
            out[f"{verb} page"] = percentiles(pages)
        first = [timed(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "type:article"})[0]]
        first += [timed(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "type:article"})[0]]
        for _ in range(18):
            first.append(timed(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "type:article"})[0])
        out["ListRecords set, first page"] = percentiles(first)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=200)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--harvest-set", default="", help="harvest only this set (e.g. type:abstract, 1/14 of all)")
    parser.add_argument("--reuse", action="store_true", help="keep the provider's database of the last run")
    parser.add_argument("--no-harvest", action="store_true", help="only the full walk and the response times")
    parser.add_argument("--populate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        populate(args.records, args.seed)
        return

    for folder in (HARVESTER,) if args.reuse else (PROVIDER, HARVESTER):
        shutil.rmtree(folder, ignore_errors=True)
    print(f"OAI-PMH bench: {args.records:,} records, pages of {args.page_size}", flush=True)
    if not args.reuse:
        subprocess.run(
            [sys.executable, __file__, "--populate", "--records", str(args.records), "--seed", str(args.seed)],
            env=provider_env(args.page_size),
            check=True,
        )
    port = free_port()
    proc = serve(port, args.page_size)
    try:
        os.environ["JAVON_DATABASE_URL"] = "sqlite:///harvester.sqlite3"
        os.environ["JAVON_TASKS"] = "immediate"  # the search log is applied after every page
        from _setup import django_for

        django_for("oai-harvester")
        base = f"http://127.0.0.1:{port}"
        result: dict[str, object] = {"records": args.records, "page_size": args.page_size}
        result["walk"] = walk_all(base + "/oai")
        if not args.no_harvest:
            result["harvest"] = harvest_all(base + "/oai", args.harvest_set)
        result["latency_ms"] = timings = latencies(base, args.records, args.samples, args.seed)
        for name, stats in timings.items():
            print(f"  {name:32s} {fmt(stats)}", flush=True)
        (OUT / "oai_bench.json").write_text(json.dumps(result, indent=2))
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=15)


if __name__ == "__main__":
    main()
