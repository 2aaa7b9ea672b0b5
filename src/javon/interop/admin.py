"""Staff configure harvest sources here: URL, set, prefix, how often, and may start one now."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from javon.interop.models import DeletedRecord, HarvestedRecord, HarvestSource


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "set_spec", "prefix", "interval", "enabled", "last_finished", "last_status"]
    list_filter = ["enabled", "last_status", "prefix"]
    search_fields = ["name", "url"]
    actions = ["harvest_now"]
    fieldsets = [
        (None, {"fields": ["name", "url", "set_spec", "prefix", "collection"]}),
        (_("Schedule and manners"), {"fields": ["enabled", "interval", "delay", "allow_private"]}),
        (
            _("Progress"),
            {
                "fields": [
                    "last_datestamp",
                    "resumption_token",
                    "last_started",
                    "last_finished",
                    "last_status",
                    "last_message",
                    "last_counts",
                ]
            },
        ),
    ]
    readonly_fields = [
        "resumption_token",
        "last_started",
        "last_finished",
        "last_status",
        "last_message",
        "last_counts",
    ]

    @admin.action(description=_("Harvest the selected sources now"))
    def harvest_now(self, request: HttpRequest, queryset: Any) -> None:
        from javon.interop.tasks import harvest_source

        ids = list(queryset.values_list("pk", flat=True))
        for pk in ids:
            transaction.on_commit(functools.partial(harvest_source.enqueue, pk))
        self.message_user(
            request,
            ngettext("%(count)d harvest queued.", "%(count)d harvests queued.", len(ids)) % {"count": len(ids)},
            messages.SUCCESS,
        )


@admin.register(HarvestedRecord)
class HarvestedRecordAdmin(admin.ModelAdmin):
    list_display = ["identifier", "source", "datestamp", "work", "created_work", "deleted"]
    list_filter = ["source", "deleted", "created_work"]
    search_fields = ["identifier"]
    raw_id_fields = ["work"]
    readonly_fields = ["source", "identifier", "datestamp", "created_work", "deleted", "metadata", "harvested"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DeletedRecord)
class DeletedRecordAdmin(admin.ModelAdmin):
    list_display = ["work_id", "deleted_at"]
    readonly_fields = ["work_id", "deleted_at", "sets"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
