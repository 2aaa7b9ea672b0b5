from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from javon.ingest.runner import run_worker


class Command(BaseCommand):
    help = "Run queued tasks (extraction, thumbnails, imports) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        run_worker(interval=opts["interval"], max_tasks=opts["max_tasks"])
