"""OCR runs over a work's scan, and their pages: one task per page, so any number of workers
share a book and a crash redoes only the pages that were not finished."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OcrRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="ocr_runs")
    source = models.ForeignKey("storage.File", on_delete=models.CASCADE, related_name="ocr_runs")
    languages = models.CharField(
        max_length=60, default="auto", help_text=_("auto, or Tesseract models joined by +, e.g. uzb_cyrl+rus")
    )
    guess = models.CharField(max_length=60, default="uzb", help_text=_("the model an auto run tries first"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING, db_index=True)
    pages_total = models.PositiveIntegerField(default=0)
    actor = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True, help_text=_("when the first page began"))
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("OCR run")

    def __str__(self) -> str:
        return f"OCR run {self.pk} of work {self.work_id} ({self.languages})"


class OcrPage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        TEXT = "text", _("Has a text layer")
        FAILED = "failed", _("Failed")

    FINAL = (Status.DONE, Status.TEXT, Status.FAILED)

    run = models.ForeignKey(OcrRun, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    model = models.CharField(max_length=60, blank=True, help_text=_("the Tesseract model the text came from"))
    script = models.CharField(max_length=20, blank=True)
    confidence = models.FloatField(null=True, blank=True, help_text=_("mean word confidence, 0–100"))
    words = models.PositiveIntegerField(default=0)
    rotation = models.PositiveSmallIntegerField(default=0)
    skew = models.FloatField(default=0.0)
    seconds = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    hocr = models.ForeignKey("storage.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pdf = models.ForeignKey("storage.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    image = models.ForeignKey("storage.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run_id", "number"]
        verbose_name = _("OCR page")
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="ocr_page_once_per_run")]

    def __str__(self) -> str:
        return f"page {self.number} of OCR run {self.run_id}: {self.status}"
