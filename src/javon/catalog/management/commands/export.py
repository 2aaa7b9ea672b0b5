"""javon export --format marc|marcxml [--encoding utf-8|marc-8] [--collection C] OUT"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pymarc import Record

from javon.catalog.crosswalk.marc import work_to_record
from javon.catalog.crosswalk.marc_files import write_marc, write_marcxml
from javon.catalog.models import Collection, Work


class Command(BaseCommand):
    help = "Export the catalogue (or one collection) as MARC 21: ISO 2709 (UTF-8 or MARC-8) or MARCXML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="the file to write, or - for standard output")
        parser.add_argument("--format", choices=["marc", "marcxml"], default="marc")
        parser.add_argument("--encoding", choices=["utf-8", "marc-8"], default="utf-8", help="for --format marc")
        parser.add_argument("--collection", help="only the works of this collection (its slug, name or Parent/Child)")

    def _works(self, collection: str | None) -> Any:
        works = Work.objects.filter(status=Work.Status.READY).order_by("pk")
        if collection:
            found = _collection(collection)
            if found is None:
                raise CommandError(f"no collection {collection!r}")
            works = works.filter(collections=found)
        return works.prefetch_related("alternative_titles", "subjects", "identifiers", "collections")

    def handle(self, *args: Any, **opts: Any) -> None:
        works = self._works(opts["collection"])

        def records() -> Iterator[Record]:
            for work in works.iterator(chunk_size=500):
                yield work_to_record(work)

        out = sys.stdout.buffer if opts["out"] == "-" else open(opts["out"], "wb")  # noqa: SIM115
        try:
            if opts["format"] == "marcxml":
                count = write_marcxml(records(), out)
            else:
                count = write_marc(records(), out, encoding=opts["encoding"])
        finally:
            if out is not sys.stdout.buffer:
                out.close()
        self.stderr.write(f"{count} record(s) written")


def _collection(given: str) -> Collection | None:
    found = Collection.objects.filter(slug=given).first()
    if found is not None:
        return found
    parent: Collection | None = None
    for name in [p.strip() for p in given.split("/") if p.strip()]:
        parent = Collection.objects.filter(parent=parent, name=name).first()
        if parent is None:
            return None
    return parent
