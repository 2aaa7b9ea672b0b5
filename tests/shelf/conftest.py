"""Readers with CSRF-checking browsers, and real works to keep: a PDF, an EPUB, plain records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from javon.catalog.models import Work
from javon.ingest import services as ingest
from javon.ingest.models import ImportItem
from javon.storage.models import File
from tests.factories import make_work, write_epub, write_pdf

User = get_user_model()
PASSWORD = "kitob-javoni-2026"  # noqa: S105 - a test password


class Reader(Client):
    """A signed-in reader's browser that sends the CSRF token like the forms do."""

    def __init__(self, user: Any) -> None:
        super().__init__(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
        self.user = user
        self.force_login(user)

    @property
    def token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/profile")  # renders {% csrf_token %}: sets the cookie
        return self.cookies["csrftoken"].value

    def send(self, url: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        """POST a form as the page would (with its CSRF token)."""
        return self.post(url, {"csrfmiddlewaretoken": self.token, **(data or {})}, **extra)


def make_reader(name: str, **extra: Any) -> Reader:
    return Reader(User.objects.create_user(name, f"{name}@example.uz", PASSWORD, **extra))


@pytest.fixture
def reader() -> Reader:
    return make_reader("malika")


@pytest.fixture
def other() -> Reader:
    return make_reader("sardor")


@pytest.fixture
def staff() -> Reader:
    return make_reader("kutubxonachi", is_staff=True)


@pytest.fixture
def anonymous() -> Client:
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def _import(path: Path) -> Work:
    job = ingest.import_paths([path], actor="test")
    item = job.items.get()
    assert item.status == ImportItem.Status.OK, item.error
    assert item.work is not None
    return item.work


PAGES_TEXT = "\n\n".join(
    f"{n}-sahifa. " + "Talabalar kutubxonada diplom ishi uchun kitob oʻqishdi. " * 60 for n in range(6)
)


@pytest.fixture
def pdf_work(tmp_path: Path) -> Work:
    folder = tmp_path / "in-pdf"
    folder.mkdir()
    return _import(write_pdf(folder, "diplom.pdf", PAGES_TEXT, title="Diplom ishi qoʻllanmasi", language="uz"))


@pytest.fixture
def epub_work(tmp_path: Path) -> Work:
    folder = tmp_path / "in-epub"
    folder.mkdir()
    text = "\n\n".join(f"Bob {n}\n\n" + "Ertak davom etdi. " * 40 for n in range(1, 4))
    return _import(write_epub(folder, "ertak.epub", text, title="Ertaklar"))


def file_of(work: Work) -> File:
    f = File.objects.filter(work=work, role__in=["access", "original"]).order_by("id").first()
    assert f is not None
    return f


@pytest.fixture
def works() -> list[Work]:
    """Three open records (no files) to put on shelves."""
    return [make_work(title=title, year=2000 + i) for i, title in enumerate(["Alpomish", "Kuntugʻmish", "Goʻroʻgʻli"])]


def hide(work: Work) -> None:
    """Keep the work to staff from now on (as a librarian might after it was shelved)."""
    Work.objects.filter(pk=work.pk).update(access="staff")
