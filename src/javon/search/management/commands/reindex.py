from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from javon.search.services import reindex


class Command(BaseCommand):
    help = "Rebuild this machine's search index from the database."

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        n = reindex()
        self.stdout.write(f"indexed {n} works in {time.perf_counter() - started:.1f} s")
