"""A reader's own space: shelves (named lists of works), what they opened, where they are in
a work, and their bookmarks. Every row hangs on the user with CASCADE, so deleting the account
deletes it all; and on the work, so a deleted work leaves nothing behind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Shelf(models.Model):
    """A named list of works. The default shelf ("Saved") has an empty name until renamed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shelves")
    name = models.CharField(_("name"), max_length=200, blank=True)
    is_default = models.BooleanField(default=False)
    # Set while the shelf is shared: whoever has the link may see it; cleared to revoke the link.
    share_token = models.CharField(max_length=32, unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        verbose_name = _("shelf")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(is_default=True), name="one_default_shelf")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.name or str(_("Saved"))

    @property
    def is_public(self) -> bool:
        return bool(self.share_token)


class ShelfItem(models.Model):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="items")
    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("work on a shelf")
        constraints = [models.UniqueConstraint(fields=["shelf", "work"], name="work_once_per_shelf")]

    def __str__(self) -> str:
        return f"{self.work_id} on shelf {self.shelf_id}"


class HistoryEntry(models.Model):
    """A work the reader opened in a reader: one row per work, moved up each time it is opened."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_history")
    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey("storage.File", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_opened = models.DateTimeField(auto_now_add=True)
    last_opened = models.DateTimeField(db_index=True)
    times = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_opened", "-id"]
        verbose_name = _("history entry")
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="one_history_entry_per_work")]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.work_id}"


class Unit(models.TextChoices):
    PAGE = "page", _("page")
    CHAPTER = "chapter", _("chapter")


class Progress(models.Model):
    """Where the reader is in a work, on any device: the last write (by `updated`) wins."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress")
    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey("storage.File", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PAGE)
    number = models.PositiveIntegerField(default=1)
    fraction = models.FloatField(null=True, blank=True, help_text=_("how much of the work is read, 0 to 1"))
    updated = models.DateTimeField()

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = _("reading progress")
        verbose_name_plural = _("reading progress")
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="one_progress_per_work")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.unit} {self.number} of {self.work_id}"


class Bookmark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey("storage.File", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PAGE)
    number = models.PositiveIntegerField(default=1)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("bookmark")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.unit} {self.number} of {self.work_id}"


class Preferences(models.Model):
    """What the reader chose about their space; absent means the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_preferences")
    keep_history = models.BooleanField(_("keep a list of the works I open"), default=True)

    class Meta:
        verbose_name = _("reader's preferences")

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
