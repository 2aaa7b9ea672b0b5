"""The change log (outbox) that every search index replica follows."""

from __future__ import annotations

from django.db import models


class IndexChange(models.Model):
    """A work whose searchable content changed. Written in the same transaction as the change;
    each machine's index applies the log in id order and remembers where it stopped."""

    work_id = models.BigIntegerField(db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"change {self.pk}: work {self.work_id}"
