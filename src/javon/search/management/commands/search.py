from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from javon.api.schemas import search_record
from javon.search.backend import Filters
from javon.search.services import search


class Command(BaseCommand):
    help = "Search the library from the command line (the same answer as /api/v1/search)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="+")
        parser.add_argument("--type", action="append", default=[])
        parser.add_argument("--language", action="append", default=[])
        parser.add_argument("--year-from", type=int)
        parser.add_argument("--year-to", type=int)
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        response = search(
            " ".join(opts["query"]),
            Filters(type=opts["type"], language=opts["language"], year_from=opts["year_from"], year_to=opts["year_to"]),
            page=opts["page"],
        )
        record = search_record(response)
        if opts["json"]:
            self.stdout.write(json.dumps(record, ensure_ascii=False))
            return
        self.stdout.write(f"{record['total']} found")
        for hit in record["hits"]:
            page = f" p.{hit['page']}" if hit["page"] else ""
            self.stdout.write(
                f"[{hit['id']}] {hit['title']} — {'; '.join(hit['creators'])} ({hit['year'] or '?'}){page}"
            )
