"""History, reading progress across devices and bookmarks, with real PDFs and EPUBs in the readers."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from javon.catalog.models import Work
from javon.shelf.models import Bookmark, HistoryEntry, Progress
from tests.shelf.conftest import Reader, file_of, hide, make_reader

pytestmark = pytest.mark.django_db(transaction=True)


def _read(client: Client, work: Work, page: int | None = None) -> str:
    url = f"/works/{work.pk}/files/{file_of(work).pk}/read" + (f"?page={page}" if page else "")
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _progress_url(work: Work) -> str:
    return f"/api/v1/me/progress/{work.pk}"


def _put(reader: Reader, work: Work, body: dict[str, object], token: bool = True) -> object:
    headers = {"HTTP_X_CSRFTOKEN": reader.token} if token else {}
    return reader.put(_progress_url(work), json.dumps(body), content_type="application/json", **headers)


def test_history_most_recent_first_clear_and_setting(reader: Reader, pdf_work: Work, epub_work: Work) -> None:
    _read(reader, pdf_work)
    _read(reader, epub_work)
    _read(reader, epub_work, page=2)
    entries = list(HistoryEntry.objects.filter(user=reader.user))
    assert [e.work_id for e in entries] == [epub_work.pk, pdf_work.pk] and entries[0].times == 2
    history = reader.get("/me/history").content.decode()
    assert history.index("Ertaklar") < history.index("Diplom ishi qoʻllanmasi")
    profile = reader.get("/accounts/profile").content.decode()
    assert "Recently read" in profile and "Ertaklar" in profile

    # A work kept to staff since leaves the lists, though the row is still there.
    hide(pdf_work)
    assert "Diplom ishi qoʻllanmasi" not in reader.get("/me/history").content.decode()
    assert "Diplom ishi qoʻllanmasi" not in reader.get("/accounts/profile").content.decode()

    assert reader.send("/me/history/clear").status_code == 302
    assert not HistoryEntry.objects.filter(user=reader.user).exists()

    # Keep none: nothing is noted any more, until it is turned on again.
    reader.send("/me/history/setting", {})
    _read(reader, epub_work)
    assert not HistoryEntry.objects.exists()
    assert "You chose not to keep a reading history." in reader.get("/accounts/profile").content.decode()
    reader.send("/me/history/setting", {"keep_history": "1"})
    _read(reader, epub_work)
    assert HistoryEntry.objects.filter(user=reader.user, work=epub_work).exists()


def test_anonymous_readers_leave_no_trace(anonymous: Client, pdf_work: Work) -> None:
    page = _read(anonymous, pdf_work, page=2)
    assert 'id="reader-sync"' not in page and "bookmark" not in page.lower()
    assert not HistoryEntry.objects.exists() and not Progress.objects.exists()
    assert anonymous.get(_progress_url(pdf_work)).status_code == 401


def test_progress_api_last_write_wins(reader: Reader, other: Reader, pdf_work: Work) -> None:
    f = file_of(pdf_work)
    assert reader.get(_progress_url(pdf_work)).status_code == 404  # nothing kept yet
    now = timezone.now()
    response = _put(reader, pdf_work, {"file_id": f.pk, "page": 3, "fraction": 0.5, "updated": now.isoformat()})
    assert response.status_code == 200 and response.json()["applied"] is True
    kept = reader.get(_progress_url(pdf_work)).json()
    assert kept["file_id"] == f.pk and kept["page"] == 3 and kept["fraction"] == 0.5
    assert dt.datetime.fromisoformat(kept["updated"]) == now
    assert kept["url"] == f"/works/{pdf_work.pk}/files/{f.pk}/read?page=3"

    # A phone that was offline sends an older position: the later one stays.
    older = (now - dt.timedelta(minutes=5)).isoformat()
    stale = _put(reader, pdf_work, {"file_id": f.pk, "page": 1, "updated": older}).json()
    assert stale["applied"] is False and stale["page"] == 3
    # A clock far ahead is held to the server's now, so it cannot pin its position forever.
    ahead = (now + dt.timedelta(days=365)).isoformat()
    assert _put(reader, pdf_work, {"file_id": f.pk, "page": 5, "updated": ahead}).json()["applied"] is True
    assert Progress.objects.get(user=reader.user).updated <= timezone.now()
    assert _put(reader, pdf_work, {"file_id": f.pk, "page": 6}).json()["page"] == 6

    # The token is needed; so is a sane body.
    assert _put(reader, pdf_work, {"file_id": f.pk, "page": 2}, token=False).status_code == 403
    assert _put(reader, pdf_work, {"file_id": f.pk, "page": 2, "chapter": 2}).status_code == 422
    assert _put(reader, pdf_work, {"file_id": f.pk, "page": 0}).status_code == 422
    assert _put(reader, pdf_work, {"file_id": f.pk, "page": 2, "fraction": 3}).status_code == 422
    assert _put(reader, pdf_work, {"file_id": f.pk + 999, "page": 2}).status_code == 404
    assert Progress.objects.get(user=reader.user).number == 6

    # Another reader has no position here, and cannot see mine.
    assert other.get(_progress_url(pdf_work)).status_code == 404
    # A work the reader may not see: 404 for reading and writing alike.
    hide(pdf_work)
    assert reader.get(_progress_url(pdf_work)).status_code == 404
    assert _put(reader, pdf_work, {"file_id": f.pk, "page": 2}).status_code == 404
    assert reader.get("/api/v1/me/progress/999999").status_code == 404
    assert "/api/v1/me/progress/{work_id}" in reader.get("/api/v1/openapi.json").json()["paths"]


def test_reader_pages_keep_the_place_across_devices_without_javascript(reader: Reader, pdf_work: Work) -> None:
    f = file_of(pdf_work)
    phone = Reader(reader.user)  # the same reader on another device
    # Opening at no particular page moves nothing; asking for page 4 is where the reader is now.
    _read(phone, pdf_work)
    assert not Progress.objects.exists()
    _read(phone, pdf_work, page=4)
    progress = Progress.objects.get(user=reader.user)
    assert (progress.file_id, progress.unit, progress.number) == (f.pk, "page", 4)
    assert progress.fraction is not None and 0 < progress.fraction <= 1

    page = _read(reader, pdf_work)
    link = f'href="/works/{pdf_work.pk}/files/{f.pk}/read?page=4"'
    assert "Continue where you left off: page 4" in page and link in page
    # What reader.js needs: the API address, the file, the CSRF token and the kept position.
    sync = re.search(r'<div id="reader-sync" hidden data-url="([^"]+)" data-file="(\d+)" data-unit="page"', page)
    assert sync and sync.group(1) == _progress_url(pdf_work) and sync.group(2) == str(f.pk)
    kept = json.loads(re.search(r'<script id="reader-progress" type="application/json">(.*?)</script>', page)[1])
    assert kept["page"] == 4 and kept["file_id"] == f.pk
    # On the page itself there is nothing to continue to.
    assert "Continue where you left off" not in _read(reader, pdf_work, page=4)


def test_epub_chapters_are_kept_as_chapters(reader: Reader, epub_work: Work) -> None:
    f = file_of(epub_work)
    response = reader.get(f"/works/{epub_work.pk}/files/{f.pk}/chapters/2")
    assert response.status_code == 200
    progress = Progress.objects.get(user=reader.user)
    assert (progress.unit, progress.number) == ("chapter", 2)
    assert reader.get(_progress_url(epub_work)).json()["chapter"] == 2
    body = {"file_id": f.pk, "chapter": 3}
    assert _put(reader, epub_work, body).json()["chapter"] == 3
    assert "Continue where you left off: chapter 3" in _read(reader, epub_work)


def test_bookmarks_from_the_reader_listed_and_linked_back(
    reader: Reader, other: Reader, pdf_work: Work, epub_work: Work
) -> None:
    f = file_of(pdf_work)
    page = _read(reader, pdf_work, page=3)
    assert 'action="/me/bookmarks/add"' in page and 'name="page" value="3" id="bookmark-page"' in page
    response = reader.send("/me/bookmarks/add", {"work": pdf_work.pk, "file": f.pk, "page": 3, "note": "<b>Muhim</b>"})
    reader_url = f"/works/{pdf_work.pk}/files/{f.pk}/read?page=3"
    assert response.status_code == 302 and response["Location"] == reader_url
    e = file_of(epub_work)
    reader.send("/me/bookmarks/add", {"work": epub_work.pk, "file": e.pk, "page": 2})
    mark = Bookmark.objects.get(work=pdf_work)
    assert (mark.number, mark.unit, mark.note) == (3, "page", "<b>Muhim</b>")
    assert Bookmark.objects.get(work=epub_work).unit == "chapter"

    for url in ("/accounts/profile", "/me/bookmarks"):
        listing = reader.get(url).content.decode()
        assert f'href="{reader_url}"' in listing and "&lt;b&gt;Muhim&lt;/b&gt;" in listing and "<b>Muhim" not in listing
        assert "chapter 2" in listing
    assert "Muhim" in _read(reader, pdf_work, page=1)  # the reader lists the work's bookmarks

    # Another reader: not in their lists, cannot delete it, cannot bookmark into a foreign file.
    assert "Muhim" not in other.get("/me/bookmarks").content.decode()
    assert other.send(f"/me/bookmarks/{mark.pk}/delete").status_code == 404
    assert other.send("/me/bookmarks/add", {"work": pdf_work.pk, "file": e.pk, "page": 1}).status_code == 404
    assert other.send("/me/bookmarks/add", {"work": pdf_work.pk, "page": 0}).status_code == 404
    # A work since kept to staff: its bookmark is not shown, and no new one can be made.
    hide(pdf_work)
    assert "Muhim" not in reader.get("/me/bookmarks").content.decode()
    assert reader.send("/me/bookmarks/add", {"work": pdf_work.pk, "file": f.pk, "page": 1}).status_code == 404
    assert reader.send(f"/me/bookmarks/{mark.pk}/delete").status_code == 302
    assert not Bookmark.objects.filter(pk=mark.pk).exists()


def test_staff_only_work_stays_out_of_a_readers_space(pdf_work: Work) -> None:
    hide(pdf_work)
    reader = make_reader("nodira")
    assert reader.get(f"/works/{pdf_work.pk}/files/{file_of(pdf_work).pk}/read?page=2").status_code == 404
    assert not HistoryEntry.objects.exists() and not Progress.objects.exists()
