"""`javon harvest URL [--set S] [--prefix P]`, `javon harvest --source NAME`, `javon harvest --due`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from javon.interop import harvest
from javon.interop.models import HarvestSource
from javon.interop.oai_client import HarvestError


class Command(BaseCommand):
    help = "Harvest an OAI-PMH repository into the catalogue (incremental: from the last datestamp)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", nargs="?", help="the repository's OAI-PMH base URL")
        parser.add_argument("--set", default="", dest="set_spec", help="harvest only this set")
        parser.add_argument("--prefix", default="oai_dc", help="metadata prefix (default oai_dc)")
        parser.add_argument("--source", help="harvest the configured source of this name")
        parser.add_argument("--due", action="store_true", help="harvest every enabled source that is due")
        parser.add_argument("--full", action="store_true", help="ignore the last datestamp: harvest everything")
        parser.add_argument("--allow-private", action="store_true", help="allow loopback and private network addresses")
        parser.add_argument("--delay", type=float, help="seconds between two requests to the host")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["due"]:
            results = harvest.run_due()
            self._print(results, options["json"])
            return
        if options["source"]:
            source = HarvestSource.objects.filter(name=options["source"]).first()
            if source is None:
                raise CommandError(f"no harvest source is named {options['source']!r}")
        elif options["url"]:
            source = harvest.source_for(options["url"], set_spec=options["set_spec"], prefix=options["prefix"])
        else:
            raise CommandError("give a URL, --source NAME or --due")
        if options["delay"] is not None:
            HarvestSource.objects.filter(pk=source.pk).update(delay=max(0.0, options["delay"]))
        try:
            counts = harvest.harvest_source(
                source.pk, allow_private=True if options["allow_private"] else None, full=options["full"]
            )
        except HarvestError as error:
            raise CommandError(f"{source.name}: {error}") from error
        self._print({source.name: counts}, options["json"])

    def _print(self, results: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        if not results:
            self.stdout.write("no source is due")
        for name, counts in results.items():
            text = counts if isinstance(counts, str) else ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            self.stdout.write(f"{name}: {text or 'nothing new'}")
