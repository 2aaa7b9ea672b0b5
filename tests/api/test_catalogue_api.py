"""The librarians' API: edit, replace, delete, history, collections, agents, imports, loans."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from javon.access.models import AuditEvent
from javon.access.services import create_token
from javon.catalog.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(staff_user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + create_token(staff_user, "edits", scopes=["catalogue"])}


def test_edit_replace_and_delete(client: Client, editor: dict[str, str]) -> None:
    work = make_work(title="Eski nom", subjects=["tarix"])
    url = f"/api/v1/works/{work.pk}"
    patched = client.patch(
        url, {"title": "Yangi nom", "access": "registered"}, content_type="application/json", **editor
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["title"] == "Yangi nom" and body["access"]["rule"] == "registered"
    assert body["subjects"] == ["tarix"]  # untouched fields stay
    replaced = client.put(
        url, {"title": "Butunlay yangi", "type": "textbook"}, content_type="application/json", **editor
    )
    assert replaced.status_code == 200 and replaced.json()["subjects"] == []
    bad = client.patch(url, {"access": "friends"}, content_type="application/json", **editor)
    assert bad.status_code == 400 and "access" in bad.json()["error"]
    history = client.get(url + "/history", **editor).json()["changes"]
    assert [c["action"] for c in history][:3] == ["update", "update", "create"]
    assert history[1]["changes"]["access"] == ["open", "registered"]
    assert client.delete(url, **editor).status_code == 204
    assert not Work.objects.filter(pk=work.pk).exists()
    assert AuditEvent.objects.filter(action="work.delete", target=f"work:{work.pk}").exists()
    assert client.delete(url, **editor).status_code == 404


def test_only_staff_with_the_scope_or_a_session_with_csrf(client: Client, staff_user: Any) -> None:
    work = make_work()
    url = f"/api/v1/works/{work.pk}"
    ingest_only = {"HTTP_AUTHORIZATION": "Bearer " + create_token(staff_user, "imports", scopes=["ingest"])}
    assert client.patch(url, {"title": "x"}, content_type="application/json", **ingest_only).status_code == 401
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_user)
    assert strict.patch(url, {"title": "x"}, content_type="application/json").status_code in (401, 403)
    strict.get("/")  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    ok = strict.patch(url, {"title": "Sessiyadan"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 200 and ok.json()["title"] == "Sessiyadan"


def test_collections_agents_imports_and_loans(client: Client, editor: dict[str, str]) -> None:
    make_work(title="Bir", collections=["Fakultet/Dissertatsiyalar"])
    made = client.post(
        "/api/v1/collections", {"path": "Fakultet/Monografiyalar"}, content_type="application/json", **editor
    )
    assert made.status_code == 201 and made.json()["name"] == "Monografiyalar"
    names = [c["name"] for c in client.get("/api/v1/collections", **editor).json()["items"]]
    assert {"Fakultet", "Dissertatsiyalar", "Monografiyalar"} <= set(names)
    assert (
        client.post("/api/v1/collections", {"path": "///"}, content_type="application/json", **editor).status_code
        == 400
    )
    found = client.get("/api/v1/agents", {"q": "Қодирий"}, **editor).json()["items"]  # Cyrillic finds the Latin name
    assert found and found[0]["name"] == "Qodiriy, Abdulla"
    assert client.get("/api/v1/imports", **editor).status_code == 200
    assert client.get("/api/v1/loans", **editor).json() == {"items": []}
    assert client.get("/api/v1/agents", {"limit": 0}, **editor).status_code == 400
