from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from javon.access.models import AuditEvent
from javon.access.services import create_token
from javon.catalog import services as catalog
from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


@pytest.fixture
def client() -> Client:
    c = Client()
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return c


def _link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_register_confirm_by_email_and_sign_in(client: Client) -> None:
    response = client.post(
        "/accounts/register",
        {
            "username": "malika",
            "email": "Malika@example.uz",
            "password1": "kitob-oʻqish-2026",
            "password2": "kitob-oʻqish-2026",
        },
    )
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    user = User.objects.get(username="malika")
    assert not user.is_active and user.email == "malika@example.uz"
    assert user.password.startswith("argon2")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["malika@example.uz"]
    # Not before confirming.
    assert client.post("/accounts/login", {"username": "malika", "password": "kitob-oʻqish-2026"}).status_code == 200
    confirmed = client.get(_link(mail.outbox[0]), follow=True)
    assert confirmed.status_code == 200 and "My account" in confirmed.content.decode()
    assert User.objects.get(username="malika").is_active
    assert client.get("/accounts/verify/forged-token").status_code == 400
    # The same e-mail cannot make a second account.
    again = Client().post(
        "/accounts/register",
        {
            "username": "other",
            "email": "MALIKA@example.uz",
            "password1": "kitob-oʻqish-2026",
            "password2": "kitob-oʻqish-2026",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "exists already" in again.content.decode()


def test_sign_in_and_out_and_lockout_after_failures(client: Client) -> None:
    User.objects.create_user("aziz", "aziz@example.uz", "toʻgʻri-parol-77")
    ok = client.post("/accounts/login", {"username": "aziz", "password": "toʻgʻri-parol-77"})
    assert ok.status_code == 302
    assert client.get("/accounts/profile").status_code == 200
    assert client.get("/accounts/logout").status_code == 405  # signing out is a POST (CSRF-protected)
    assert client.post("/accounts/logout").status_code == 302
    assert client.get("/accounts/profile").status_code == 302
    for _ in range(4):
        assert client.post("/accounts/login", {"username": "aziz", "password": "wrong"}).status_code == 200
    assert client.post("/accounts/login", {"username": "aziz", "password": "wrong"}).status_code == 429
    locked = client.post("/accounts/login", {"username": "aziz", "password": "toʻgʻri-parol-77"})
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()


def test_sign_in_needs_csrf() -> None:
    User.objects.create_user("aziz", "aziz@example.uz", "toʻgʻri-parol-77")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login", {"username": "aziz", "password": "toʻgʻri-parol-77"}).status_code == 403


def test_password_reset_by_email(client: Client) -> None:
    User.objects.create_user("dilnoza", "dilnoza@example.uz", "eski-parol-123")
    client.post("/accounts/password/reset", {"email": "dilnoza@example.uz"})
    assert len(mail.outbox) == 1
    form = client.get(_link(mail.outbox[0]), follow=True)
    assert form.status_code == 200
    new = client.post(
        form.redirect_chain[-1][0], {"new_password1": "yangi-parol-456", "new_password2": "yangi-parol-456"}
    )
    assert new.status_code == 302
    assert User.objects.get(username="dilnoza").check_password("yangi-parol-456")


def test_export_and_delete_my_account(client: Client) -> None:
    user = User.objects.create_user("bobur", "bobur@example.uz", "parol-bobur-1")
    client.force_login(user)
    data = json.loads(client.get("/accounts/profile/export").content)
    assert data["account"]["username"] == "bobur" and data["account"]["email"] == "bobur@example.uz"
    assert client.post("/accounts/profile/delete", {"password": "wrong"}).status_code == 200
    assert User.objects.filter(username="bobur").exists()
    assert client.post("/accounts/profile/delete", {"password": "parol-bobur-1"}).status_code == 302
    assert not User.objects.filter(username="bobur").exists()
    event = AuditEvent.objects.get(action="account.delete")
    assert event.user is None and event.actor == f"deleted-user-{user.pk}"


def test_roles(client: Client) -> None:
    call_command("role", "kutubxonachi", "librarian", "--create")
    librarian = User.objects.get(username="kutubxonachi")
    assert librarian.is_staff and not librarian.is_superuser
    assert librarian.has_perm("catalog.change_work") and not librarian.has_perm("auth.change_user")
    call_command("role", "kutubxonachi", "admin")
    librarian.refresh_from_db()
    assert librarian.is_superuser
    call_command("role", "kutubxonachi", "reader")
    librarian = User.objects.get(username="kutubxonachi")
    assert not librarian.is_staff and not librarian.has_perm("catalog.change_work")
    assert AuditEvent.objects.filter(action="account.role").count() == 3


def test_token_scopes(client: Client, staff_user: Any) -> None:
    catalogue_only = create_token(staff_user, "edits", scopes=["catalogue"])
    ingest = create_token(staff_user, "imports", scopes=["ingest"])
    body = {"title": "Yangi kitob"}
    refused = client.post(
        "/api/v1/works", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {catalogue_only}"
    )
    assert refused.status_code == 401
    made = client.post("/api/v1/works", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {ingest}")
    assert made.status_code == 201


def test_staff_actions_are_audited(staff_user: Any) -> None:
    work = make_work(title="Audit kitobi")
    data = catalog.to_input(work)
    data.access = "registered"
    catalog.update_work(work, data, actor="admin", user=staff_user)
    change = AuditEvent.objects.get(action="work.access")
    assert change.detail == {"from": "open", "to": "registered"} and change.user == staff_user
    work_id = work.pk
    catalog.delete_work(work, actor="admin", user=staff_user)
    deleted = AuditEvent.objects.get(action="work.delete")
    assert deleted.target == f"work:{work_id}" and deleted.detail["title"] == "Audit kitobi"
