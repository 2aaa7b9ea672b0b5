"""The Django admin, set up for librarians: search, filters, files inline, history kept."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from javon.catalog import services
from javon.catalog.models import (
    Agent,
    AlternativeTitle,
    Collection,
    Contribution,
    Identifier,
    MetadataChange,
    Subject,
    Work,
)
from javon.storage.models import File


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 1
    autocomplete_fields = ["agent"]


class AlternativeTitleInline(admin.TabularInline):
    model = AlternativeTitle
    extra = 0


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


class FileInline(admin.TabularInline):
    model = File
    fk_name = "work"
    extra = 0
    fields = ["name", "role", "mime", "size", "page_count", "duration", "blob"]
    readonly_fields = ["mime", "size", "page_count", "duration", "blob"]
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # files come in through upload/import, which stores and checks them


class MetadataChangeInline(admin.TabularInline):
    model = MetadataChange
    extra = 0
    fields = ("at", "actor", "action", "changes")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "type", "year", "status", "created"]
    list_filter = ["type", "status", "access", "collections", "year"]
    search_fields = ["title", "alternative_titles__title", "contributions__agent__name", "identifiers__value"]
    filter_horizontal = ["subjects", "collections"]
    inlines = [ContributionInline, AlternativeTitleInline, IdentifierInline, FileInline, MetadataChangeInline]
    readonly_fields = ["created", "updated"]
    date_hierarchy = "created"

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Remember how it was, to write the history once everything is saved.
            request._javon_before = services.snapshot(obj)  # type: ignore[attr-defined]
        return obj

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_javon_before", {}) if change else {}
        services.record_change(
            form.instance,
            before,
            actor=f"admin:{request.user.get_username()}",
            user=request.user,  # type: ignore[arg-type]
            action="update" if change else "create",
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # The bulk "delete selected" action must leave the search index right too.
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_model(self, request: HttpRequest, obj: Work) -> None:
        services.delete_work(obj, actor=f"admin:{request.user.get_username()}", user=request.user)  # type: ignore[arg-type]


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["name", "dates", "kind"]
    search_fields = ["name", "name_key"]
    list_filter = ["kind"]

    def save_model(self, request: HttpRequest, obj: Agent, form: Any, change: bool) -> None:
        obj.name_key = services.name_key(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    search_fields = ["term", "term_key"]

    def save_model(self, request: HttpRequest, obj: Subject, form: Any, change: bool) -> None:
        obj.term_key = services.name_key(obj.term)
        super().save_model(request, obj, form, change)


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MetadataChange)
class MetadataChangeAdmin(admin.ModelAdmin):
    list_display = ["work", "action", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["work__title", "actor"]
    readonly_fields = ["work", "user", "actor", "action", "at", "changes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
