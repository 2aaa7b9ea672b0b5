"""Shelves through the pages: make, fill from the work page, order, rename, share, delete."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from javon.catalog.models import Work
from javon.shelf.models import Shelf, ShelfItem
from tests.shelf.conftest import Reader, hide

pytestmark = pytest.mark.django_db(transaction=True)


def _titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="/works/\d+">([^<]+)</a>', html)


def _shelve(reader: Reader, work: Work, **data: object) -> object:
    return reader.send(f"/works/{work.pk}/shelve", {"next": f"/works/{work.pk}", **data})


def test_work_page_form_saves_to_default_shelf_and_new_shelves(
    reader: Reader, anonymous: Client, works: list[Work]
) -> None:
    alpomish = works[0]
    assert f'action="/works/{alpomish.pk}/shelve"' not in anonymous.get(f"/works/{alpomish.pk}").content.decode()
    page = reader.get(f"/works/{alpomish.pk}").content.decode()
    assert f'action="/works/{alpomish.pk}/shelve"' in page and "csrfmiddlewaretoken" in page

    # No shelf chosen: the "Saved" shelf, made on first use.
    response = _shelve(reader, alpomish)
    assert response.status_code == 302 and response["Location"] == f"/works/{alpomish.pk}"
    saved = Shelf.objects.get(user=reader.user)
    assert saved.is_default and saved.title == "Saved"
    assert list(saved.items.values_list("work_id", flat=True)) == [alpomish.pk]
    _shelve(reader, alpomish)  # twice: still once on the shelf
    assert saved.items.count() == 1

    # A new shelf by name, then another work onto it by its id.
    _shelve(reader, alpomish, new_shelf="Diplom ishi uchun")
    diplom = Shelf.objects.get(user=reader.user, name="Diplom ishi uchun")
    _shelve(reader, works[1], shelf=diplom.pk)
    page = reader.get(f"/works/{alpomish.pk}").content.decode()
    assert "On your shelves:" in page and "Diplom ishi uchun" in page and "Saved" in page
    listing = reader.get("/me/shelves").content.decode()
    assert "Diplom ishi uchun" in listing and "2 works" in listing and "1 work" in listing

    # Take it off again.
    _shelve(reader, alpomish, shelf=diplom.pk, remove="1")
    assert list(diplom.items.values_list("work_id", flat=True)) == [works[1].pk]


def test_make_rename_order_and_delete_a_shelf(reader: Reader, works: list[Work]) -> None:
    response = reader.send("/me/shelves", {"name": "  Diplom   ishi uchun "})
    shelf = Shelf.objects.get(user=reader.user)
    assert response.status_code == 302 and response["Location"] == f"/me/shelves/{shelf.pk}"
    assert shelf.name == "Diplom ishi uchun" and not shelf.is_default
    duplicate = reader.send("/me/shelves", {"name": "diplom ishi uchun"})
    assert duplicate.status_code == 200 and "You have a shelf with this name already." in duplicate.content.decode()

    for work in works:
        _shelve(reader, work, shelf=shelf.pk)
    url = f"/me/shelves/{shelf.pk}"
    assert _titles(reader.get(url).content.decode()) == ["Alpomish", "Kuntugʻmish", "Goʻroʻgʻli"]
    reader.send(url + "/move", {"work": works[2].pk, "where": "up"})
    assert _titles(reader.get(url).content.decode()) == ["Alpomish", "Goʻroʻgʻli", "Kuntugʻmish"]
    reader.send(url + "/move", {"work": works[0].pk, "where": "down"})
    assert _titles(reader.get(url).content.decode()) == ["Goʻroʻgʻli", "Alpomish", "Kuntugʻmish"]
    reader.send(url + "/move", {"work": works[1].pk, "where": "top"})
    assert _titles(reader.get(url).content.decode()) == ["Kuntugʻmish", "Goʻroʻgʻli", "Alpomish"]
    reader.send(url + "/move", {"work": works[1].pk, "where": "up"})  # at the top already: stays
    assert _titles(reader.get(url).content.decode()) == ["Kuntugʻmish", "Goʻroʻgʻli", "Alpomish"]
    reader.send(url + "/move", {"work": works[2].pk})  # no `where`: remove
    assert _titles(reader.get(url).content.decode()) == ["Kuntugʻmish", "Alpomish"]

    assert reader.send(url + "/rename", {"name": "Bitiruv ishi"}).status_code == 302
    shelf.refresh_from_db()
    assert shelf.name == "Bitiruv ishi"
    assert reader.send(url + "/delete").status_code == 302
    assert not Shelf.objects.filter(pk=shelf.pk).exists() and not ShelfItem.objects.exists()
    assert Work.objects.count() == 3  # the works stay in the library


def test_another_reader_can_neither_see_nor_change_my_shelves(
    reader: Reader, other: Reader, anonymous: Client, works: list[Work]
) -> None:
    shelf = Shelf.objects.create(user=reader.user, name="Mening roʻyxatim")
    _shelve(reader, works[0], shelf=shelf.pk)
    url = f"/me/shelves/{shelf.pk}"
    assert other.get(url).status_code == 404
    for action, data in [
        ("/rename", {"name": "Oʻgʻirlangan"}),
        ("/delete", {}),
        ("/share", {"public": "1"}),
        ("/move", {"work": works[0].pk, "where": "down"}),
        ("/move", {"work": works[0].pk}),
    ]:
        assert other.send(url + action, data).status_code == 404, action
    assert other.send(f"/works/{works[1].pk}/shelve", {"shelf": shelf.pk}).status_code == 404
    assert other.send(f"/works/{works[0].pk}/shelve", {"shelf": shelf.pk, "remove": "1"}).status_code == 404
    shelf.refresh_from_db()
    assert shelf.name == "Mening roʻyxatim" and not shelf.is_public
    assert list(shelf.items.values_list("work_id", flat=True)) == [works[0].pk]
    assert "Mening roʻyxatim" not in other.get("/me/shelves").content.decode()
    # Signed out: to the sign-in page, nothing shown.
    response = anonymous.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_shared_shelf_shows_each_viewer_only_the_works_they_may_see(
    reader: Reader, staff: Reader, other: Reader, anonymous: Client, works: list[Work]
) -> None:
    shelf = Shelf.objects.create(user=reader.user, name="Dostonlar")
    for work in works:
        _shelve(reader, work, shelf=shelf.pk)
    hide(works[1])  # kept to staff after it was shelved
    assert reader.send(f"/me/shelves/{shelf.pk}/share", {"public": "1"}).status_code == 302
    shelf.refresh_from_db()
    assert shelf.share_token
    link = f"/shelves/{shelf.share_token}"
    assert link in reader.get(f"/me/shelves/{shelf.pk}").content.decode()

    for viewer in (anonymous, other, reader):
        page = viewer.get(link)
        assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
        assert _titles(page.content.decode()) == ["Alpomish", "Goʻroʻgʻli"]
        assert "Kuntugʻmish" not in page.content.decode()
    assert _titles(staff.get(link).content.decode()) == ["Alpomish", "Kuntugʻmish", "Goʻroʻgʻli"]
    # The owner's own page, the shelf list and the work page's form do not name it either.
    assert "Kuntugʻmish" not in reader.get(f"/me/shelves/{shelf.pk}").content.decode()
    assert "2 works" in reader.get("/me/shelves").content.decode()
    assert reader.get(f"/works/{works[1].pk}").status_code == 404
    assert reader.send(f"/works/{works[1].pk}/shelve", {"shelf": shelf.pk}).status_code == 404
    # Moving among what the reader sees steps over the hidden work, which keeps its place.
    reader.send(f"/me/shelves/{shelf.pk}/move", {"work": works[2].pk, "where": "up"})
    assert _titles(staff.get(link).content.decode()) == ["Goʻroʻgʻli", "Kuntugʻmish", "Alpomish"]
    assert reader.send(f"/me/shelves/{shelf.pk}/move", {"work": works[1].pk, "where": "up"}).status_code == 404

    # Stop sharing: the old link dies; sharing again makes a new one.
    reader.send(f"/me/shelves/{shelf.pk}/share")
    assert anonymous.get(link).status_code == 404
    reader.send(f"/me/shelves/{shelf.pk}/share", {"public": "1"})
    shelf.refresh_from_db()
    assert shelf.share_token and f"/shelves/{shelf.share_token}" != link
    assert anonymous.get("/shelves/not-a-token").status_code == 404


def test_every_post_needs_the_csrf_token(reader: Reader, works: list[Work]) -> None:
    shelf = Shelf.objects.create(user=reader.user, name="Roʻyxat")
    work = works[0]
    urls = [
        "/me/shelves",
        f"/me/shelves/{shelf.pk}/rename",
        f"/me/shelves/{shelf.pk}/delete",
        f"/me/shelves/{shelf.pk}/share",
        f"/me/shelves/{shelf.pk}/move",
        f"/works/{work.pk}/shelve",
        "/me/history/clear",
        "/me/history/setting",
        "/me/bookmarks/add",
        "/me/bookmarks/1/delete",
    ]
    for url in urls:
        assert reader.post(url, {"name": "x", "work": work.pk, "page": 1}).status_code == 403, url
    assert Shelf.objects.filter(user=reader.user).count() == 1 and not ShelfItem.objects.exists()
    # Changes are POSTs only.
    assert reader.get(f"/works/{work.pk}/shelve").status_code == 405
    assert reader.get(f"/me/shelves/{shelf.pk}/delete").status_code == 405
