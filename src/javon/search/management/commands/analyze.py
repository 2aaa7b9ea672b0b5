from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from javon.text.cli import run_analyze


class Command(BaseCommand):
    help = "Show the tokens and search keys of a text, as the index and queries see them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="+")
        parser.add_argument("--lang", choices=["uz", "ru", "en", "auto"], default="auto")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        lang = None if opts["lang"] == "auto" else opts["lang"]
        self.stdout.write(run_analyze(" ".join(opts["text"]), lang, opts["json"]))
