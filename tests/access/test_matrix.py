"""Every door × every rule × every kind of reader: nothing a rule keeps closed gets out.

One library of eight works, one per rule, each a real PDF whose text holds a secret word
of its own. For each reader and each work the test knows from the rule alone whether the
record may be seen and the content read, then knocks at every door and fails, listing the
cells, wherever bytes or text pass that should not (or do not pass where they should).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from javon.access.models import Network
from javon.catalog.models import Work
from javon.ingest import services as ingest
from javon.storage.models import File, FileRole
from tests.factories import write_pdf

pytestmark = pytest.mark.django_db(transaction=True)

FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()
PAST = (dt.date.today() - dt.timedelta(days=1)).isoformat()
RULES = {
    "alpha": "open",
    "bravo": "registered",
    "charlie": "group:talabalar",
    "delta": "onsite",
    "echo": "staff",
    "foxtrot": "metadata-only",
    "golf": f"embargo:{FUTURE}",
    "hotel": f"embargo:{PAST}",
}
# Which readers may see the record, and which may read the content, by rule.
EVERYONE = {"anonymous", "reader", "member", "onsite", "librarian", "admin"}
SEE = {name: EVERYONE - ({"anonymous", "reader", "member", "onsite"} if name == "echo" else set()) for name in RULES}
READ = {
    "alpha": EVERYONE,
    "bravo": {"reader", "member", "librarian", "admin"},
    "charlie": {"member", "librarian", "admin"},
    "delta": {"onsite", "librarian", "admin"},
    "echo": {"librarian", "admin"},
    "foxtrot": {"librarian", "admin"},
    "golf": {"librarian", "admin"},
    "hotel": EVERYONE,
}
ONSITE_ADDRESS = "10.9.8.7"


def secret(name: str) -> str:
    return f"zyx{name}qv"


@pytest.fixture
def library(tmp_path: Path, settings: Any) -> dict[str, Work]:
    settings.SEARCH_SYNC = True
    paths = []
    for name, rule in RULES.items():
        text = f"Chapter one. The hidden word of this book is {secret(name)}.\n" * 40
        paths.append(write_pdf(tmp_path, f"{name}.pdf", text, title=f"Kitob {name}", access=rule))
    job = ingest.import_paths([str(p) for p in paths], actor="test")
    works = {w.title.split()[-1]: w for w in Work.objects.filter(importitem__job=job)}
    assert set(works) == set(RULES), job.items.values_list("status", "error")
    for name, rule in RULES.items():
        assert works[name].access == rule
    return works


@pytest.fixture
def readers(django_user_model: Any) -> dict[str, Client]:
    Network.objects.create(library="Test university", cidr="10.9.0.0/16")
    group = Group.objects.create(name="talabalar")
    clients: dict[str, Client] = {"anonymous": Client(), "onsite": Client(REMOTE_ADDR=ONSITE_ADDRESS)}
    for name, extra in {
        "reader": {},
        "member": {},
        "librarian": {"is_staff": True},
        "admin": {"is_staff": True, "is_superuser": True},
    }.items():
        user = django_user_model.objects.create_user(name, password="x-" + name, **extra)
        if name == "member":
            user.groups.add(group)
        client = Client()
        client.force_login(user)
        clients[name] = client
    for client in clients.values():
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return clients


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode("utf-8", "replace")


def test_access_matrix(library: dict[str, Work], readers: dict[str, Client]) -> None:
    leaks: list[str] = []

    def expect(cell: str, ok: bool, should: bool) -> None:
        if ok != should:
            leaks.append(f"{cell}: {'got through' if ok else 'was refused'} but should {'' if should else 'not '}")

    for name, work in library.items():
        original = File.objects.get(work=work, role=FileRole.ORIGINAL)
        thumbnail = File.objects.filter(work=work, role=FileRole.THUMBNAIL).first()
        word = secret(name)
        for who, client in readers.items():
            see, read = who in SEE[name], who in READ[name]
            cell = f"{who} × {RULES[name]}"
            # The work page: the record, and the text found inside it.
            page = client.get(f"/works/{work.pk}", {"q": word})
            expect(f"{cell} work page", page.status_code == 200, see)
            body = _text(page)
            expect(f"{cell} work page hits", 'class="inside"' in body, read)
            expect(f"{cell} work page download link", f"/files/{original.pk}/download" in body, read)
            # Downloads and thumbnails.
            download = client.get(f"/works/{work.pk}/files/{original.pk}/download")
            expect(f"{cell} download", download.status_code == 200 and _text(download).startswith("%PDF"), read)
            if thumbnail is not None:
                thumb = client.get(f"/works/{work.pk}/thumbnail")
                expect(f"{cell} thumbnail", thumb.status_code == 200, read)
            # IIIF: image information, a page image, the manifest; cross-site only where anyone may read.
            image, manifest = f"/iiif/3/{original.pk}-1", f"/iiif/3/works/{work.pk}/manifest.json"
            for door in (f"{image}/info.json", f"{image}/full/100,/0/default.jpg", manifest):
                answer = client.get(door, HTTP_ORIGIN="https://elsewhere.example")
                expect(f"{cell} IIIF {door}", answer.status_code == 200, read)
                cross_site = answer.get("Access-Control-Allow-Origin") == "*"
                expect(f"{cell} IIIF {door} cross-site", cross_site, read and READ[name] == EVERYONE)
            # The API: record, files, text, search inside.
            record = client.get(f"/api/v1/works/{work.pk}")
            expect(f"{cell} API record", record.status_code == 200, see)
            if record.status_code == 200:
                files = [f["id"] for f in record.json()["files"]]
                expect(f"{cell} API file list", original.pk in files, read)
            text = client.get(f"/api/v1/works/{work.pk}/text")
            expect(f"{cell} API text", text.status_code == 200 and word in _text(text), read)
            inside = client.get(f"/api/v1/works/{work.pk}/search", {"q": word})
            expect(f"{cell} API search inside", inside.status_code == 200 and word in _text(inside), read)
            # Search: by title (the record), by the secret word (the text), and snippets.
            by_title = _text(client.get("/search", {"q": f"Kitob {name}"}))
            expect(f"{cell} search by title", f"/works/{work.pk}" in by_title, see)
            by_word = _text(client.get("/search", {"q": word}))
            expect(f"{cell} search by text", f"/works/{work.pk}" in by_word, read)
            api_hits = client.get("/api/v1/search", {"q": word}).json()["hits"]
            expect(f"{cell} API search by text", any(h["id"] == work.pk for h in api_hits), read)
            by_title_api = _text(client.get("/api/v1/search", {"q": f"Kitob {name}"}))
            expect(f"{cell} API search snippet", word in by_title_api, False)  # titles never carry the text
            suggest = _text(client.get("/api/v1/suggest", {"q": f"Kitob {name}"}))
            expect(f"{cell} suggestions", f"Kitob {name}" in suggest, see)
            listing = _text(client.get("/api/v1/works", {"limit": 100}))
            expect(f"{cell} API list", f"Kitob {name}" in listing, see)
            # Public listings leave staff-only works out, for staff too.
            home = _text(client.get("/"))
            expect(f"{cell} home page", f"Kitob {name}" in home, see and name != "echo")
    assert not leaks, "\n".join(leaks)


def test_onsite_trusts_forwarded_addresses_only_from_trusted_proxies(
    library: dict[str, Work], readers: dict[str, Client], settings: Any
) -> None:
    work = library["delta"]
    original = File.objects.get(work=work, role=FileRole.ORIGINAL)
    url = f"/works/{work.pk}/files/{original.pk}/download"
    spoofed = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=ONSITE_ADDRESS)
    assert spoofed.get(url).status_code == 404
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.1, {ONSITE_ADDRESS}")
    assert proxied.get(url).status_code == 200
    outside = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{ONSITE_ADDRESS}, 198.51.100.1")
    assert outside.get(url).status_code == 404


def test_the_work_page_explains_the_rule(library: dict[str, Work], readers: dict[str, Client]) -> None:
    html = _text(readers["anonymous"].get(f"/works/{library['bravo'].pk}"))
    assert "Open to registered readers." in html and "Sign in or register" in html
    html = _text(readers["anonymous"].get(f"/works/{library['golf'].pk}"))
    assert FUTURE in html


def test_embargo_opens_on_its_day(library: dict[str, Work], readers: dict[str, Client]) -> None:
    from javon.access.services import open_due_embargoes

    work = library["golf"]
    word = secret("golf")
    anonymous = readers["anonymous"]
    assert f"/works/{work.pk}" not in _text(anonymous.get("/search", {"q": word}))
    # Both embargoes are over by then: the one that ended yesterday and this one.
    assert open_due_embargoes(dt.date.today() + dt.timedelta(days=31)) == 2
    work.refresh_from_db()
    assert work.access == "open"
    assert work.changes.filter(actor="embargo").exists()
    assert f"/works/{work.pk}" in _text(anonymous.get("/search", {"q": word}))


def test_import_option_and_bad_rules(tmp_path: Path, settings: Any) -> None:
    from django.core.management import CommandError, call_command

    settings.SEARCH_SYNC = True
    pdf = write_pdf(tmp_path, "one.pdf", "Some text here.", title="Yopiq kitob")
    call_command("import", str(pdf), "--access", "registered")
    assert Work.objects.get(title="Yopiq kitob").access == "registered"
    with pytest.raises(CommandError, match="unknown access rule 'everyone'"):
        call_command("import", str(pdf), "--access", "everyone")
    bad = write_pdf(tmp_path, "two.pdf", "Other text.", title="Yomon", access="friends-only")
    job = ingest.import_paths([str(bad)], actor="test")
    item = job.items.get()
    assert item.status == "failed" and "access" in item.error
