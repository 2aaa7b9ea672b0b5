from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_search_and_work_pages(client: Any) -> None:
    work = make_work(title="Oʻtkan kunlar", subjects=["roman"])
    home = client.get("/")
    assert home.status_code == 200
    assert "Oʻtkan kunlar" in home.content.decode()
    found = client.get("/search", {"q": "ЎТКАН кунлар"})
    assert found.status_code == 200
    assert f"/works/{work.pk}" in found.content.decode()
    page = client.get(f"/works/{work.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Qodiriy, Abdulla" in html
    assert '<meta name="citation_title" content="Oʻtkan kunlar">' in html
    assert client.get("/works/999999").status_code == 404


def test_hostile_metadata_is_escaped(client: Any) -> None:
    work = make_work(title='<img src=x onerror="alert(1)">', abstract="<script>alert(2)</script>")
    html = client.get(f"/works/{work.pk}").content.decode()
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    listing = client.get("/search", {"q": "img"}).content.decode()
    assert "<img src=x" not in listing


def test_staff_pages_need_staff(client: Any, staff_user: Any) -> None:
    assert client.get("/staff/upload").status_code == 302
    client.force_login(staff_user)
    assert client.get("/staff/upload").status_code == 200
    assert client.get("/staff/jobs").status_code == 200


def test_upload_form_imports(client: Any, staff_user: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    upload = SimpleUploadedFile("qissa.txt", "Bir bor ekan, bir yoʻq ekan, gʻaroyib qissa.".encode(), "text/plain")
    response = client.post("/staff/upload", {"uploads": [upload], "title": "Qissa", "language": "uz"})
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert "Qissa" in job_page.content.decode()
    assert client.get("/search", {"q": "gʻaroyib"}).content.decode().count("/works/") >= 1


def test_upload_requires_csrf(staff_user: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_user)
    assert strict.post("/staff/upload", {"title": "x"}).status_code == 403
