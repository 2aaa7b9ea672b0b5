"""Usage counted per work, day and kind: enough for "most read" and usage reports, and
nothing about who read what (a reader's own history belongs to the reader's space)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UseKind(models.TextChoices):
    VIEW = "view", _("page view")
    READ = "read", _("reading")
    DOWNLOAD = "download", _("download")


class UsageDay(models.Model):
    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=UseKind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "day", "kind"], name="usage_one_row_per_day")]
        indexes = [models.Index(fields=["day", "kind"])]

    def __str__(self) -> str:
        return f"{self.work_id} {self.day} {self.kind}: {self.count}"
