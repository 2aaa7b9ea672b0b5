"""Import jobs and their items: what was asked, how far it got, what failed and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    source = models.CharField(max_length=20, default="cli", help_text=_("cli, upload or api"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.CharField(max_length=200)
    options = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("import job")

    def __str__(self) -> str:
        return f"import {self.pk} ({self.source})"

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in ImportItem.Status.values}
        for row in self.items.values("status").annotate(n=models.Count("id")):
            counts[row["status"]] = row["n"]
        counts["total"] = sum(counts[s] for s in ImportItem.Status.values)
        return counts


class ImportItem(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        OK = "ok", _("Imported")
        DUPLICATE = "duplicate", _("Duplicate")
        FAILED = "failed", _("Failed")

    FINAL = (Status.OK, Status.DUPLICATE, Status.FAILED)

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    path = models.CharField(max_length=2000, help_text=_("as given: a path or an uploaded file name"))
    name = models.CharField(max_length=500)
    blob = models.ForeignKey("storage.Blob", null=True, blank=True, on_delete=models.PROTECT)
    metadata = models.JSONField(default=dict, blank=True, help_text=_("from the sidecar, manifest, form or options"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    stage = models.CharField(max_length=40, blank=True)
    work = models.ForeignKey("catalog.Work", null=True, blank=True, on_delete=models.SET_NULL)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("import item")

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"
