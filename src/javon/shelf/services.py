"""What a reader keeps for themselves: shelves, history, reading progress, bookmarks.

Every list shown to someone passes through `visible`, so a shelf, a history or a bookmark
never names a work its viewer may not see (a work can become staff-only after it was shelved).
Writes take the owner's objects; views fetch those by (id, user) and answer 404 otherwise.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from javon.access import services as access
from javon.shelf.models import Bookmark, HistoryEntry, Preferences, Progress, Shelf, ShelfItem, Unit

log = logging.getLogger(__name__)

NAME_MAX = 200
NOTE_MAX = 500


class ShelfError(Exception):
    """Why a shelf change cannot be made, in words for the reader."""


def visible[Row: (ShelfItem, HistoryEntry, Progress, Bookmark)](who: access.Who, rows: Iterable[Row]) -> list[Row]:
    """The rows whose work `who` may see (rows come with their work selected)."""
    return [row for row in rows if access.can_see(who, row.work)]


# --- shelves ---------------------------------------------------------------------------------
def default_shelf(user: Any) -> Shelf:
    """The reader's "Saved" shelf, made on first use."""
    shelf = Shelf.objects.filter(user=user, is_default=True).first()
    if shelf is not None:
        return shelf
    try:
        with transaction.atomic():
            return Shelf.objects.create(user=user, is_default=True)
    except IntegrityError:  # made by a parallel request a moment ago
        return Shelf.objects.get(user=user, is_default=True)


def _clean_name(user: Any, name: str, shelf: Shelf | None = None) -> str:
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise ShelfError(_("A shelf needs a name."))
    same = Shelf.objects.filter(user=user, name__iexact=name)
    if shelf is not None:
        same = same.exclude(pk=shelf.pk)
    if same.exists():
        raise ShelfError(_("You have a shelf with this name already."))
    return name


def create_shelf(user: Any, name: str) -> Shelf:
    return Shelf.objects.create(user=user, name=_clean_name(user, name))


def rename_shelf(shelf: Shelf, name: str) -> None:
    shelf.name = _clean_name(shelf.user, name, shelf)
    shelf.save(update_fields=["name", "updated"])


def delete_shelf(shelf: Shelf) -> None:
    shelf.delete()


def share_shelf(shelf: Shelf, public: bool) -> None:
    """Make the shelf readable by anyone with its link, or close it (the old link dies)."""
    if public and not shelf.share_token:
        shelf.share_token = secrets.token_urlsafe(18)
    elif not public:
        shelf.share_token = None
    shelf.save(update_fields=["share_token", "updated"])


def shelves_of(user: Any) -> list[Shelf]:
    return list(Shelf.objects.filter(user=user))


def shelf_items(who: access.Who, shelf: Shelf) -> list[ShelfItem]:
    """The shelf's works in its order, as far as `who` may see them."""
    return visible(who, shelf.items.select_related("work").order_by("position", "id"))


def add_to_shelf(who: access.Who, shelf: Shelf, work: Any) -> ShelfItem:
    if not access.can_see(who, work):
        raise ShelfError(_("No such work."))
    with transaction.atomic():
        Shelf.objects.select_for_update().filter(pk=shelf.pk).first()  # one position at a time per shelf
        item = ShelfItem.objects.filter(shelf=shelf, work=work).first()
        if item is None:
            last = shelf.items.aggregate(last=Max("position"))["last"]
            item = ShelfItem.objects.create(shelf=shelf, work=work, position=0 if last is None else last + 1)
            Shelf.objects.filter(pk=shelf.pk).update(updated=timezone.now())
    return item


def remove_from_shelf(shelf: Shelf, work_id: int) -> bool:
    return ShelfItem.objects.filter(shelf=shelf, work_id=work_id).delete()[0] > 0


MOVES = ("up", "down", "top", "bottom")


def move(who: access.Who, shelf: Shelf, work_id: int, where: str) -> None:
    """Move a work one place up or down among the works `who` sees, or to the top or bottom.

    Up and down swap it with its visible neighbour, so works hidden from the viewer keep their
    places. Positions are renumbered 0..n-1 on every move: shelves are short, and gaps or ties
    left by removals would otherwise make "one place up" do nothing."""
    if where not in MOVES:
        raise ShelfError(_("Unknown move."))
    with transaction.atomic():
        Shelf.objects.select_for_update().filter(pk=shelf.pk).first()
        items = list(shelf.items.select_related("work").order_by("position", "id"))
        shown = [i for i, item in enumerate(items) if access.can_see(who, item.work)]
        index = next((i for i in shown if items[i].work_id == work_id), None)
        if index is None:
            raise ShelfError(_("This work is not on the shelf."))
        if where in ("top", "bottom"):
            item = items.pop(index)
            items.insert(0 if where == "top" else len(items), item)
        else:
            place = shown.index(index) + (-1 if where == "up" else 1)
            if 0 <= place < len(shown):
                other = shown[place]
                items[index], items[other] = items[other], items[index]
        for position, row in enumerate(items):
            if row.position != position:
                ShelfItem.objects.filter(pk=row.pk).update(position=position)
        Shelf.objects.filter(pk=shelf.pk).update(updated=timezone.now())


def shelves_with(user: Any, work: Any) -> list[Shelf]:
    """The reader's shelves that hold `work`."""
    return list(Shelf.objects.filter(user=user, items__work=work))


def shared_shelf(token: str) -> Shelf | None:
    if not token:
        return None
    return Shelf.objects.filter(share_token=token).first()


# --- preferences and history -----------------------------------------------------------------
def keeps_history(user: Any) -> bool:
    prefs = Preferences.objects.filter(user=user).first()
    return prefs is None or prefs.keep_history


def set_keep_history(user: Any, keep: bool) -> None:
    """Turning history off also forgets what was kept."""
    with transaction.atomic():
        Preferences.objects.update_or_create(user=user, defaults={"keep_history": keep})
        if not keep:
            clear_history(user)


def clear_history(user: Any) -> int:
    return HistoryEntry.objects.filter(user=user).delete()[0]


def history(who: access.Who, user: Any, limit: int = 200) -> list[HistoryEntry]:
    rows = HistoryEntry.objects.filter(user=user).select_related("work").order_by("-last_opened", "-id")
    return visible(who, rows[:limit])


def unit_of(file: Any) -> str:
    from javon.reader import services as reader

    return Unit.CHAPTER if file is not None and reader.reader_kind(file) == "epub" else Unit.PAGE


def record_reading(
    request: Any, work: Any, file: Any = None, position: int | None = None, *, of: int | None = None
) -> None:
    """A signed-in reader opened `work` (in `file`) in a reader, at page or chapter `position`
    when they asked for one. Notes it in their history (unless they keep none) and, when a
    position is given, as their reading progress: this is how readers without JavaScript move
    their place across devices. `of`: how many pages or chapters there are. Never fails the page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    try:
        now = timezone.now()
        if keeps_history(user):
            _note_opened(user, work, file, now)
        if position is not None and position >= 1:
            fraction = min(position / of, 1.0) if of else None
            save_progress(user, work, file=file, unit=unit_of(file), number=position, fraction=fraction, updated=now)
    except Exception:  # noqa: BLE001 - a reader's own notes are never worth a failed page
        log.exception("could not record a reading of work %s", getattr(work, "pk", work))


def _note_opened(user: Any, work: Any, file: Any, now: dt.datetime) -> None:
    from django.db.models import F

    with transaction.atomic():
        changed = HistoryEntry.objects.filter(user=user, work=work).update(
            last_opened=now, file=file, times=F("times") + 1
        )
        if changed:
            return
        try:
            with transaction.atomic():
                HistoryEntry.objects.create(user=user, work=work, file=file, last_opened=now)
        except IntegrityError:  # another tab made it first
            HistoryEntry.objects.filter(user=user, work=work).update(last_opened=now, file=file)


# --- reading progress ------------------------------------------------------------------------
def progress_of(user: Any, work: Any) -> Progress | None:
    if user is None or not user.is_authenticated:
        return None
    return Progress.objects.filter(user=user, work=work).select_related("work", "file").first()


def save_progress(
    user: Any,
    work: Any,
    *,
    file: Any,
    unit: str,
    number: int,
    fraction: float | None,
    updated: dt.datetime | None = None,
) -> tuple[Progress, bool]:
    """Keep the position unless a later one is kept already; returns (kept, whether this won).

    A device's clock ahead of ours is held to our now, so it cannot pin its position forever."""
    now = timezone.now()
    updated = min(updated or now, now)
    if fraction is not None:
        fraction = min(max(fraction, 0.0), 1.0)
    values = {"file": file, "unit": unit, "number": number, "fraction": fraction, "updated": updated}
    with transaction.atomic():
        current = Progress.objects.select_for_update().filter(user=user, work=work).first()
        if current is None:
            try:
                with transaction.atomic():
                    return Progress.objects.create(user=user, work=work, **values), True
            except IntegrityError:  # another device wrote first: compare with theirs
                current = Progress.objects.select_for_update().get(user=user, work=work)
        if current.updated >= updated:
            return current, False
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=list(values))
        return current, True


def reading_url(work_id: int, file_id: int | None, number: int | None) -> str:
    """The reader at a page or chapter (the reader takes ?page= for both)."""
    if file_id is None:
        url = reverse("reader:read_work", args=[work_id])
    else:
        url = reverse("reader:read", args=[work_id, file_id])
    return url + ("?" + urlencode({"page": number}) if number else "")


def progress_record(progress: Progress) -> dict[str, Any]:
    """The JSON form: {work_id, file_id, page or chapter, fraction, updated, url}."""
    return {
        "work_id": progress.work_id,
        "file_id": progress.file_id,
        progress.unit: progress.number,
        "fraction": progress.fraction,
        "updated": progress.updated.isoformat(),
        "url": reading_url(progress.work_id, progress.file_id, progress.number),
    }


def progress_list(who: access.Who, user: Any, limit: int = 100) -> list[Progress]:
    return visible(who, Progress.objects.filter(user=user).select_related("work")[:limit])


# --- bookmarks -------------------------------------------------------------------------------
def add_bookmark(who: access.Who, user: Any, work: Any, file: Any, number: int, note: str = "") -> Bookmark:
    if not access.can_see(who, work) or (file is not None and file.work_id != work.pk):
        raise ShelfError(_("No such work."))
    if number < 1:
        raise ShelfError(_("No such page."))
    return Bookmark.objects.create(
        user=user, work=work, file=file, unit=unit_of(file), number=number, note=note.strip()[:NOTE_MAX]
    )


def bookmarks(who: access.Who, user: Any, work: Any = None, limit: int = 500) -> list[Bookmark]:
    rows = Bookmark.objects.filter(user=user).select_related("work")
    if work is not None:
        rows = rows.filter(work=work)
    return visible(who, rows[:limit])


def bookmark_url(bookmark: Bookmark) -> str:
    return reading_url(bookmark.work_id, bookmark.file_id, bookmark.number)


# --- the reader's data, for the export -------------------------------------------------------
def _title(user: Any, work: Any) -> str | None:
    # The reader's own rows, but a work since hidden from them keeps its title hidden too.
    return work.title if access.can_see(user, work) else None


def export_shelves(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": shelf.title,
            "default": shelf.is_default,
            "shared": shelf.is_public,
            "created": shelf.created,
            "works": [
                {"work_id": item.work_id, "title": _title(user, item.work), "added": item.added}
                for item in shelf.items.select_related("work").order_by("position", "id")
            ],
        }
        for shelf in Shelf.objects.filter(user=user)
    ]


def export_history(user: Any) -> dict[str, Any]:
    rows = HistoryEntry.objects.filter(user=user).select_related("work")
    return {
        "kept": keeps_history(user),
        "works": [
            {
                "work_id": row.work_id,
                "title": _title(user, row.work),
                "first_opened": row.first_opened,
                "last_opened": row.last_opened,
                "times": row.times,
            }
            for row in rows
        ],
    }


def export_progress(user: Any) -> list[dict[str, Any]]:
    rows = Progress.objects.filter(user=user).select_related("work")
    return [{**progress_record(row), "title": _title(user, row.work)} for row in rows]


def export_bookmarks(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "work_id": row.work_id,
            "title": _title(user, row.work),
            "file_id": row.file_id,
            row.unit: row.number,
            "note": row.note,
            "created": row.created,
        }
        for row in Bookmark.objects.filter(user=user).select_related("work")
    ]


def register_personal_data() -> None:
    access.PERSONAL_DATA["shelves"] = export_shelves
    access.PERSONAL_DATA["reading_history"] = export_history
    access.PERSONAL_DATA["reading_progress"] = export_progress
    access.PERSONAL_DATA["bookmarks"] = export_bookmarks
