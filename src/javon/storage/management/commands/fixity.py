from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from javon.storage.models import Blob
from javon.storage.services import verify_blob


class Command(BaseCommand):
    help = "Check every stored object against its sha256; exit 1 if any is damaged or missing."

    def handle(self, *args: Any, **opts: Any) -> None:
        bad = 0
        total = 0
        for blob in Blob.objects.iterator():
            total += 1
            if not verify_blob(blob):
                bad += 1
                self.stdout.write(f"DAMAGED {blob.sha256} ({blob.storage_name})")
        self.stdout.write(f"{total} objects checked, {bad} damaged or missing")
        if bad:
            sys.exit(1)
