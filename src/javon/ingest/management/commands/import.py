"""javon import PATH... [--collection C] [--type T] [--language L] [--access RULE] [--json] [--wait]"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from javon.access.policy import RuleError, parse_rule
from javon.catalog.models import WorkType
from javon.ingest import services
from javon.ingest.models import ImportItem
from javon.ingest.runner import drain, uses_database_backend
from javon.ocr.engine import normalise_languages
from javon.ocr.services import ocr_pending
from javon.search import services as search_services


def _access_rule(text: str) -> str:
    try:
        return str(parse_rule(text))
    except RuleError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _ocr_choice(text: str) -> str:
    if text.strip().lower() == "off":
        return "off"
    try:
        return normalise_languages(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


class Command(BaseCommand):
    help = "Import files and folders (recursively) as works, with sidecar NAME.json or CSV manifest metadata."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument("--collection", help="put the works in this collection (Parent/Child)")
        parser.add_argument("--type", choices=WorkType.values, help="type of the works")
        parser.add_argument("--language", help="language of the works (uz, ru, en, …); detected if omitted")
        parser.add_argument(
            "--access",
            type=_access_rule,
            help="who may read the works: open, registered, group:NAME, onsite, staff, metadata-only, "
            "embargo:YYYY-MM-DD (a sidecar's \"access\" wins)",
        )
        parser.add_argument(
            "--digitise",
            nargs="?",
            const="auto",
            type=_ocr_choice,
            metavar="LANGUAGES",
            help="OCR the scans (PDF, TIFF, JPEG, PNG, DjVu; a folder of page images is one work) with these "
            "Tesseract models: auto (default), or e.g. uzb_cyrl+rus. PDFs without a text layer, TIFF and DjVu "
            "are digitised anyway; --digitise off never does",
        )
        parser.add_argument("--json", action="store_true", help="print a JSON report")
        parser.add_argument("--wait", action="store_true", help="return only when the works are searchable")
        parser.add_argument("--timeout", type=float, default=3600.0, help="seconds --wait waits at most")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="with --wait: task workers to start for this import (0: run tasks in this process)",
        )

    def _start_workers(self, opts: dict[str, Any]) -> list[subprocess.Popen[bytes]]:
        """Worker processes for --wait, started before admission so that they begin at once."""
        if not opts["wait"] or opts["workers"] <= 0 or not uses_database_backend():
            return []
        command = [sys.executable, "-m", "javon.cli", "worker", "--interval", "0.2"]
        return [subprocess.Popen(command) for _ in range(opts["workers"])]

    def _wait(self, job: Any, opts: dict[str, Any], workers: list[subprocess.Popen[bytes]]) -> None:
        """Run the import's tasks and keep the index following until every work is searchable.

        Worker processes extract while this process indexes, so both cores are busy; with
        or without a separate `javon worker` or `javon serve` running.
        """
        deadline = time.monotonic() + opts["timeout"]
        last = ""
        try:
            while (not services.job_finished(job) or ocr_pending(job)) and time.monotonic() < deadline:
                ran = 0 if workers else drain(max_tasks=5)
                search_services.apply_changes_if_free()
                counts = job.counts()
                done = counts["ok"] + counts["duplicate"] + counts["failed"]
                line = f"  {done}/{counts['total']} done, {counts['failed']} failed"
                if line != last and not opts["json"]:
                    self.stderr.write(line)
                    last = line
                if not ran:
                    time.sleep(0.2)
        finally:
            self._stop(workers)
        head = search_services.log_head()
        if not search_services.wait_until_applied(head, timeout=max(deadline - time.monotonic(), 1.0)):
            self.stderr.write("the search index did not catch up in time; is `javon index-follow` running?")

    @staticmethod
    def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    def handle(self, *args: Any, **opts: Any) -> None:
        defaults: dict[str, Any] = {}
        if opts["collection"]:
            defaults["collections"] = [opts["collection"]]
        if opts["type"]:
            defaults["type"] = opts["type"]
        if opts["language"]:
            defaults["languages"] = [opts["language"]]
        if opts["access"]:
            defaults["access"] = opts["access"]
        workers = self._start_workers(opts)
        try:
            job = services.import_paths(opts["paths"], defaults=defaults, actor="cli", ocr=opts["digitise"])
        except BaseException:
            self._stop(workers)
            raise
        total = job.items.count()
        if not opts["json"]:
            self.stderr.write(f"import {job.pk}: {total} file(s) admitted")
        if opts["wait"]:
            self._wait(job, opts, workers)
        else:
            self._stop(workers)
        report = services.job_report(job)
        if opts["json"]:
            self.stdout.write(
                json.dumps({"items": report["items"], "counts": report["counts"], "job": job.pk}, ensure_ascii=False)
            )
        else:
            for item in report["items"]:
                mark = {"ok": "ok  ", "duplicate": "dup ", "failed": "FAIL"}.get(item["status"], item["status"][:4])
                tail = f" → work {item['work_id']}" if item["work_id"] else ""
                err = f": {item['error']}" if item["error"] and item["status"] == ImportItem.Status.FAILED else ""
                self.stdout.write(f"{mark} {item['path']}{tail}{err}")
            c = report["counts"]
            self.stdout.write(
                f"{c['ok']} imported, {c['duplicate']} duplicate, {c['failed']} failed, "
                f"{c['queued'] + c['processing']} waiting"
            )
        if report["counts"]["failed"]:
            # Scripts see that something failed; the report says what, item by item.
            sys.exit(1)
