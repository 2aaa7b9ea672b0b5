"""The profile page shows the reader's space; the export carries it; deleting the account removes it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from javon.access import services as access
from javon.access.models import Loan
from javon.catalog.models import Work
from javon.shelf import services as space
from javon.shelf.models import Bookmark, HistoryEntry, Preferences, Progress, Shelf, ShelfItem, Unit
from tests.shelf.conftest import Reader, hide

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def _fill(reader: Reader, works: list[Work]) -> None:
    """Some of everything, through the same services the pages use."""
    user = reader.user
    space.add_to_shelf(user, space.default_shelf(user), works[0])
    diplom = space.create_shelf(user, "Diplom ishi uchun")
    space.add_to_shelf(user, diplom, works[1])
    space.add_to_shelf(user, diplom, works[2])
    space.share_shelf(diplom, True)
    for work in works[:2]:
        space._note_opened(user, work, None, timezone.now())
    space.save_progress(user, works[1], file=None, unit=Unit.PAGE, number=7, fraction=0.25)
    space.add_bookmark(user, user, works[2], None, 12, "Xulosa")
    space.set_keep_history(user, True)


def test_profile_shows_loans_shelves_history_progress_and_bookmarks(reader: Reader, works: list[Work]) -> None:
    _fill(reader, works)
    Loan.objects.create(work=works[2], user=reader.user, due=timezone.now() + dt.timedelta(days=3))
    page = reader.get("/accounts/profile").content.decode()
    for heading in ("My loans", "My shelves", "Continue reading", "Recently read", "Bookmarks"):
        assert f"<h2>{heading}</h2>" in page, heading
    loans = page[page.index("My loans") : page.index("My shelves")]
    assert "Goʻroʻgʻli" in loans and f"/works/{works[2].pk}/read" in loans
    assert "Diplom ishi uchun" in page and "shared" in page and "Saved" in page
    assert "Kuntugʻmish</a> — page 7 (25 %)" in page
    assert "Xulosa" in page and f"/works/{works[2].pk}/read?page=12" in page
    # Still the account page it was.
    assert "Download everything kept about me (JSON)" in page


def test_export_carries_the_space_and_hides_titles_of_hidden_works(reader: Reader, works: list[Work]) -> None:
    _fill(reader, works)
    hide(works[2])
    data = json.loads(reader.get("/accounts/profile/export").content)
    shelves = {s["name"]: s for s in data["shelves"]}
    assert shelves["Saved"]["default"] and [w["title"] for w in shelves["Saved"]["works"]] == ["Alpomish"]
    diplom = shelves["Diplom ishi uchun"]
    assert diplom["shared"] and [w["work_id"] for w in diplom["works"]] == [works[1].pk, works[2].pk]
    assert [w["title"] for w in diplom["works"]] == ["Kuntugʻmish", None]  # kept to staff since
    assert data["reading_history"]["kept"] is True
    assert {w["work_id"] for w in data["reading_history"]["works"]} == {works[0].pk, works[1].pk}
    assert data["reading_progress"][0]["page"] == 7 and data["reading_progress"][0]["fraction"] == 0.25
    assert data["bookmarks"] == [
        {
            "work_id": works[2].pk,
            "title": None,
            "file_id": None,
            "page": 12,
            "note": "Xulosa",
            "created": data["bookmarks"][0]["created"],
        }
    ]
    assert "loans" in data  # the lending app's part is still there


def test_deleting_the_account_deletes_the_space(reader: Reader, other: Reader, works: list[Work]) -> None:
    _fill(reader, works)
    _fill(other, works)
    assert access.personal_data(reader.user)["shelves"]
    response = reader.send("/accounts/profile/delete", {"password": "kitob-javoni-2026"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=reader.user.pk).exists()
    for model in (Shelf, HistoryEntry, Progress, Bookmark, Preferences):
        assert not model.objects.filter(user_id=reader.user.pk).exists(), model.__name__
        assert model.objects.filter(user_id=other.user.pk).exists(), model.__name__
    assert ShelfItem.objects.filter(shelf__user=other.user).count() == 3
    assert ShelfItem.objects.count() == 3
    assert Work.objects.count() == 3


def test_deleting_a_work_takes_it_off_every_shelf(reader: Reader, works: list[Work]) -> None:
    _fill(reader, works)
    works[1].delete()
    assert not ShelfItem.objects.filter(work_id=works[1].pk).exists()
    assert not Progress.objects.exists()
