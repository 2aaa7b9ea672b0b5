from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from javon.catalog.models import Work
from javon.ingest import demo, services
from javon.ingest.runner import drain
from javon.search import services as search_services


class Command(BaseCommand):
    help = "Load the demo library (the public-domain works in shared/corpus) when the library is empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", default=str(settings.DEMO_CORPUS_DIR))
        parser.add_argument("--force", action="store_true", help="load even if the library has works")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Work.objects.exists() and not opts["force"]:
            self.stdout.write("the library has works already; demo not loaded")
            return
        from pathlib import Path

        corpus = Path(opts["corpus"])
        if not (corpus / "catalog.csv").is_file():
            raise CommandError(f"no demo corpus at {corpus} (set JAVON_DEMO_CORPUS)")
        started = time.perf_counter()
        job = demo.load(corpus, settings.DATA_DIR / "demo")
        while not services.job_finished(job):
            if not drain(max_tasks=10):
                time.sleep(0.2)
        search_services.apply_changes_if_free()
        c = job.counts()
        self.stdout.write(
            f"demo library: {c['ok']} works imported, {c['duplicate']} duplicates, {c['failed']} failed "
            f"in {time.perf_counter() - started:.0f} s"
        )
