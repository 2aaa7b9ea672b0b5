"""Stored objects: immutable, content-addressed blobs, and the files of works that use them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from javon.access.policy import validate_rule


class Blob(models.Model):
    """One stored object, named by the sha256 of its bytes. Never overwritten."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    mime = models.CharField(max_length=200)
    storage_name = models.CharField(max_length=300, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    verified = models.DateTimeField(null=True, blank=True, help_text=_("last fixity check"))
    fixity_ok = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("stored object")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.size} bytes)"


class FileRole(models.TextChoices):
    ORIGINAL = "original", _("Original")
    ACCESS = "access", _("Access copy")
    TEXT = "text", _("Extracted text")
    THUMBNAIL = "thumbnail", _("Thumbnail")
    OCR = "ocr", _("OCR layer")
    PAGE_IMAGE = "page_image", _("Page image")


class File(models.Model):
    """A file of a work: its role, what it is, and which stored object holds its bytes."""

    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="files")
    role = models.CharField(max_length=20, choices=FileRole.choices, default=FileRole.ORIGINAL)
    name = models.CharField(_("file name"), max_length=500)
    mime = models.CharField(max_length=200)
    size = models.BigIntegerField()
    page_count = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text=_("seconds"))
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="derivatives"
    )
    access = models.CharField(
        _("access"),
        max_length=160,
        blank=True,
        validators=[validate_rule],
        help_text=_("Blank: as the work. Else a rule for this file alone, e.g. registered or metadata-only."),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("file")
        indexes = [models.Index(fields=["blob", "role"])]

    def __str__(self) -> str:
        return self.name

    @property
    def sha256(self) -> str:
        return self.blob_id


class PageText(models.Model):
    """Text of one page (or chapter, or section) of a file; derived, rebuilt by extraction."""

    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["file_id", "number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="page_once_per_file")]

    def __str__(self) -> str:
        return f"page {self.number} of file {self.file_id}"
