"""``javon messages``: bring the interface catalogues up to date (``make messages`` runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Extract the interface's messages into the uz and ru catalogues, make uz_Cyrl from uz, "
        "compile all three, and list what is still untranslated."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="exit with status 1 when anything is untranslated")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        from javon.web import catalogues  # tooling: needs polib (a development dependency)

        gaps = catalogues.update_all()
        for locale, missing in gaps.items():
            self.stdout.write(f"{locale}: {len(missing)} to translate")
            for gap in missing:
                self.stdout.write(f"  {gap}")
        if check and any(gaps.values()):
            raise CommandError("untranslated messages remain")
