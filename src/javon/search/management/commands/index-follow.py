from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from javon.search.services import follow


class Command(BaseCommand):
    help = "Keep this machine's search index applying the change log (run by `javon serve`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=0.5)

    def handle(self, *args: Any, **opts: Any) -> None:
        follow(interval=opts["interval"])
