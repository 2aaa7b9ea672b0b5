"""OAI-PMH state: tombstones of deleted works, harvest sources and the records harvested from them."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeletedRecord(models.Model):
    """A work that was deleted, remembered so harvesters learn of it (deletedRecord "persistent").

    `sets` holds the set specs the work belonged to, each between bars ("|type|type:book|"),
    so that a set-limited harvest finds the deletion with a plain substring filter on any database.
    """

    work_id = models.BigIntegerField(unique=True)
    deleted_at = models.DateTimeField(db_index=True)
    sets = models.TextField(blank=True, default="|")

    class Meta:
        verbose_name = _("deleted record")
        indexes = [models.Index(fields=["deleted_at", "work_id"], name="oai_tombstone_keyset")]

    def __str__(self) -> str:
        return f"work {self.work_id} deleted {self.deleted_at:%Y-%m-%d %H:%M:%S}"


class HarvestSource(models.Model):
    """A repository that staff harvest from, now and then (`javon harvest --due`, the worker)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("base URL"), max_length=1000, help_text=_("The repository's OAI-PMH base URL"))
    set_spec = models.CharField(_("set"), max_length=300, blank=True, help_text=_("Harvest only this set"))
    prefix = models.CharField(_("metadata prefix"), max_length=50, default="oai_dc")
    collection = models.CharField(
        _("collection"), max_length=300, blank=True, help_text=_("Put new works in this collection (path A/B)")
    )
    interval = models.DurationField(_("interval"), default=dt.timedelta(days=1), help_text=_("Harvest this often"))
    delay = models.FloatField(_("delay"), default=1.0, help_text=_("Seconds between two requests to the host"))
    enabled = models.BooleanField(_("enabled"), default=True)
    allow_private = models.BooleanField(
        _("allow private addresses"),
        default=False,
        help_text=_("Allow loopback and private network addresses (a repository inside the library's network)"),
    )
    # Progress: saved after every page, in the transaction that stores the page's records.
    last_datestamp = models.CharField(max_length=30, blank=True, help_text=_("Next harvest asks from this datestamp"))
    resumption_token = models.TextField(blank=True)
    run_from = models.CharField(max_length=30, blank=True, help_text=_("The `from` of the harvest in progress"))
    run_max_datestamp = models.CharField(max_length=30, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, help_text=_("A harvest runs until then"))
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, blank=True)
    last_message = models.TextField(blank=True)
    last_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("harvest source")

    def __str__(self) -> str:
        return self.name

    def is_due(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.enabled or (self.lease_until is not None and self.lease_until > now):
            return False
        return self.last_started is None or now >= self.last_started + self.interval


class HarvestedRecord(models.Model):
    """One record of a source, and the work it became or was merged into."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="records")
    identifier = models.CharField(max_length=500)
    datestamp = models.CharField(max_length=30, blank=True)
    work = models.ForeignKey(
        "catalog.Work", null=True, blank=True, on_delete=models.SET_NULL, related_name="harvested_records"
    )
    created_work = models.BooleanField(default=False, help_text=_("The work was made from this record"))
    deleted = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict, blank=True, help_text=_("What the source said last, to merge edits"))
    harvested = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("harvested record")
        constraints = [models.UniqueConstraint(fields=["source", "identifier"], name="harvested_once_per_source")]

    def __str__(self) -> str:
        return self.identifier
