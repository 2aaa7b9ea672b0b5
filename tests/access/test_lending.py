"""Controlled digital lending with real files: borrow, read online only, return by itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from javon.access import lending
from javon.access.models import Loan
from javon.catalog import services as catalog
from javon.catalog.models import Work
from javon.ingest import services as ingest
from javon.storage.models import File, FileRole
from tests.factories import write_pdf

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()
SECRET = "zyxlentqv"


@pytest.fixture
def lent_work(tmp_path: Path, settings: Any) -> Work:
    settings.SEARCH_SYNC = True
    pdf = write_pdf(tmp_path, "lent.pdf", f"A lent book. Its word is {SECRET}.\n" * 30, title="Ijaradagi kitob")
    job = ingest.import_paths([str(pdf)], actor="test")
    work = Work.objects.get(importitem__job=job)
    data = catalog.to_input(work)
    data.access, data.lending_copies = "registered", 1
    catalog.update_work(work, data, actor="test")
    return work


def _reader(name: str) -> Client:
    user = User.objects.create_user(name, f"{name}@example.uz", "parol-" + name)
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def _later(monkeypatch: Any, **delta: int) -> None:
    moved = timezone.now() + dt.timedelta(**delta)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_borrow_read_online_only_and_automatic_return(lent_work: Work, monkeypatch: Any, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 60 * 24 * 3600  # the readers stay signed in while time moves on
    work = lent_work
    original = File.objects.get(work=work, role=FileRole.ORIGINAL)
    download = f"/works/{work.pk}/files/{original.pk}/download"
    first, second = _reader("birinchi"), _reader("ikkinchi")
    # Before borrowing: the page offers the loan; nothing of the text is served.
    page = first.get(f"/works/{work.pk}").content.decode()
    assert "1 of 1 copy free." in page and f"/works/{work.pk}/borrow" in page
    assert first.get(f"/api/v1/works/{work.pk}/search", {"q": SECRET}).status_code == 403
    assert first.get(download).status_code == 404
    # Borrow: the online reader opens; downloads and text exports stay closed.
    response = first.post(f"/works/{work.pk}/borrow")
    assert response.status_code == 302 and response["Location"] == f"/works/{work.pk}/read"
    assert first.get(f"/works/{work.pk}", {"q": SECRET}).content.decode().count('class="inside"') == 1
    assert first.get(download).status_code == 404
    assert first.get(f"/api/v1/works/{work.pk}/text").status_code == 403
    # The only copy is out: the second reader waits in line.
    assert "All copies are on loan" in second.post(f"/works/{work.pk}/borrow", follow=True).content.decode()
    assert "number 1 in line" in second.post(f"/works/{work.pk}/wait", follow=True).content.decode()
    # Fifteen days later the loan has ended by itself, and the next reader is told.
    _later(monkeypatch, days=15)
    assert first.get(f"/works/{work.pk}", {"q": SECRET}).content.decode().count('class="inside"') == 0
    assert lending.return_due_loans() == 1
    assert Loan.objects.get(user__username="birinchi").returned is not None
    assert mail.outbox and mail.outbox[-1].to == ["ikkinchi@example.uz"]
    # The copy is kept for the second reader, not for the first.
    assert "All copies are on loan" in first.post(f"/works/{work.pk}/borrow", follow=True).content.decode()
    assert second.post(f"/works/{work.pk}/borrow").status_code == 302
    assert Loan.objects.filter(user__username="ikkinchi", returned=None).count() == 1


def test_return_early_frees_the_copy(lent_work: Work) -> None:
    reader, other = _reader("qaytaruvchi"), _reader("kutuvchi")
    reader.post(f"/works/{lent_work.pk}/borrow")
    other.post(f"/works/{lent_work.pk}/wait")
    reader.post(f"/works/{lent_work.pk}/return")
    assert lending.availability(lent_work).on_loan == 0
    assert mail.outbox[-1].to == ["kutuvchi@example.uz"]


def test_only_readers_the_rule_admits_may_borrow(lent_work: Work) -> None:
    anonymous = Client()
    assert anonymous.post(f"/works/{lent_work.pk}/borrow").status_code == 302  # to sign in
    assert not Loan.objects.exists()
    Work.objects.filter(pk=lent_work.pk).update(access="group:oqituvchilar")
    outsider = _reader("begona")
    assert "may not borrow" in outsider.post(f"/works/{lent_work.pk}/borrow", follow=True).content.decode()
    assert not Loan.objects.exists()


def test_search_shows_no_text_of_lent_works(lent_work: Work) -> None:
    reader = _reader("izlovchi")
    reader.post(f"/works/{lent_work.pk}/borrow")
    hits = reader.get("/api/v1/search", {"q": SECRET}).json()["hits"]
    assert all(h["id"] != lent_work.pk for h in hits)
    titled = reader.get("/api/v1/search", {"q": "Ijaradagi kitob"}).content.decode()
    assert SECRET not in titled


def test_librarians_see_loans(lent_work: Work, staff_user: Any) -> None:
    _reader("oquvchi").post(f"/works/{lent_work.pk}/borrow")
    staff = Client()
    staff.force_login(staff_user)
    assert "oquvchi" in staff.get("/staff/loans").content.decode()
    assert _reader("boshqa").get("/staff/loans").status_code == 302


def test_reads_of_restricted_works_are_audited(lent_work: Work) -> None:
    from javon.access.models import AuditEvent

    reader = _reader("kuzatilgan")
    reader.post(f"/works/{lent_work.pk}/borrow")
    assert reader.get(f"/works/{lent_work.pk}/read", follow=True).status_code == 200
    event = AuditEvent.objects.get(action="read.read")
    assert event.actor == "kuzatilgan" and event.target == f"work:{lent_work.pk}"
    assert event.detail == {"rule": "registered"}
