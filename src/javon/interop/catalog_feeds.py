"""What the OPDS feeds (1.2 and 2.0) list: the same shelves, pages and access checks for both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from javon.access import services as access
from javon.catalog.models import Collection, Work, WorkType
from javon.storage.models import File, FileRole

PER_PAGE = 50
# Files a reader would take away; thumbnails, text layers and page images are not publications.
OFFERED_ROLES = (FileRole.ORIGINAL, FileRole.ACCESS)
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
ACQUISITION = "http://opds-spec.org/acquisition"


@dataclass
class Acquisition:
    href: str
    mime: str
    size: int
    rel: str


@dataclass
class Entry:
    work: Work
    files: list[Acquisition] = field(default_factory=list)
    thumbnail: str | None = None
    thumbnail_type: str = "image/webp"


@dataclass
class Page:
    entries: list[Entry]
    number: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def listed_works() -> QuerySet[Work]:
    # public_works() already keeps out works that are not READY; can_see below has the final word.
    return access.public_works().prefetch_related(
        "contributions__agent",
        "subjects",
        "identifiers",
        Prefetch("files", queryset=File.objects.order_by("id")),
    )


def in_language(qs: QuerySet[Work], code: str) -> QuerySet[Work]:
    if connection.features.supports_json_field_contains:
        return qs.filter(languages__contains=[code])
    return qs.filter(languages__icontains=f'"{code}"')  # SQLite stores the list as JSON text


def languages() -> list[str]:
    seen: set[str] = set()
    for codes in access.public_works().values_list("languages", flat=True):
        seen.update(codes or [])
    return sorted(seen)


def types() -> list[tuple[str, str]]:
    present = set(access.public_works().values_list("type", flat=True).distinct())
    return [(value, str(label)) for value, label in WorkType.choices if value in present]


def collections(parent: Collection | None) -> list[Collection]:
    return list(Collection.objects.filter(parent=parent).prefetch_related("children"))


def entry(request: HttpRequest, work: Work) -> Entry:
    """One work as a reader may have it: acquisition links only for files `can_read` allows."""
    item = Entry(work)
    for f in work.files.all():
        if f.role == FileRole.THUMBNAIL:
            if item.thumbnail is None and access.can_read(request, work, f):
                item.thumbnail = reverse("reader:thumbnail", args=[work.pk])
                item.thumbnail_type = f.mime
        elif f.role in OFFERED_ROLES and access.can_read(request, work, f):
            rel = OPEN_ACCESS if access.can_read(None, work, f) else ACQUISITION
            href = reverse("reader:download", args=[work.pk, f.pk])
            item.files.append(Acquisition(href, f.mime, f.size, rel))
    return item


def page_of(request: HttpRequest, qs: QuerySet[Work], number: int) -> Page:
    total = qs.count()
    start = (max(number, 1) - 1) * PER_PAGE
    works = [w for w in qs.order_by("-created", "-pk")[start : start + PER_PAGE] if access.can_see(request, w)]
    return Page([entry(request, w) for w in works], max(number, 1), total)


def search_page(request: HttpRequest, q: str, number: int) -> Page:
    from javon.search.services import search

    result = search(q, page=max(number, 1), per_page=PER_PAGE, snippets=False, who=request)
    by_id: dict[int, Any] = {w.pk: w for w in listed_works().filter(pk__in=[h.work_id for h in result.hits])}
    works = [by_id[h.work_id] for h in result.hits if h.work_id in by_id and access.can_see(request, by_id[h.work_id])]
    return Page([entry(request, w) for w in works], max(number, 1), result.total)


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1
