"""What the work page, the reader and the profile page show of the reader's space.

Each tag returns a small dict for a template of this app, so the pages that include them need
no context of their own from this app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from javon.access import lending
from javon.shelf import services as space

register = template.Library()

PROFILE_ROWS = 10


def _user(request: Any) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.simple_tag
def work_shelves(request: Any, work: Any) -> dict[str, Any] | None:
    """The reader's shelves, and which of them hold `work` (None when signed out)."""
    user = _user(request)
    if user is None:
        return None
    holding = {s.pk for s in space.shelves_with(user, work)}
    shelves = space.shelves_of(user)
    return {
        "on": [s for s in shelves if s.pk in holding],
        "others": [s for s in shelves if s.pk not in holding],
        "has_default": any(s.is_default for s in shelves),
    }


@register.simple_tag(takes_context=True)
def reader_space(context: Any) -> dict[str, Any] | None:
    """For the reader page: where the reader left off (when it is not this page) and the
    bookmarks of this work. None when signed out."""
    request = context.get("request")
    user = _user(request)
    work, file = context.get("work"), context.get("file")
    if user is None or work is None:
        return None
    progress = space.progress_of(user, work)
    here = progress is not None and progress.file_id == getattr(file, "pk", None)
    elsewhere = progress is not None and not (here and progress.number == context.get("page"))
    return {
        "progress": space.progress_record(progress) if progress is not None else None,
        "continue": progress if elsewhere and not context.get("explicit_page") else None,
        "continue_url": space.reading_url(work.pk, progress.file_id, progress.number) if progress else "",
        "bookmarks": [(b, space.bookmark_url(b)) for b in space.bookmarks(request, user, work, limit=20)],
        "unit": space.unit_of(file),
    }


@register.simple_tag
def my_space(request: Any) -> dict[str, Any] | None:
    """For the profile page: loans, shelves, recent history, bookmarks, reading progress."""
    user = _user(request)
    if user is None:
        return None
    shelves = [(shelf, space.shelf_items(request, shelf)) for shelf in space.shelves_of(user)]
    now = timezone.now()
    return {
        "loans": [loan for loan in lending.loans_of(user) if loan["returned"] is None and loan["due"] > now][
            :PROFILE_ROWS
        ],
        "shelves": shelves,
        "history": space.history(request, user, limit=PROFILE_ROWS),
        "keep_history": space.keeps_history(user),
        "progress": [
            (p, space.reading_url(p.work_id, p.file_id, p.number))
            for p in space.progress_list(request, user, limit=PROFILE_ROWS)
        ],
        "bookmarks": [(b, space.bookmark_url(b)) for b in space.bookmarks(request, user, limit=PROFILE_ROWS)],
    }
