"""reader.js in Debian's chromium: a signed-in reader's page turns reach the server (debounced),
and another device opens the work where they left off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from javon.catalog.models import Work
from javon.shelf.models import Progress
from tests.shelf.conftest import Reader, file_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def live_server() -> Iterator[Any]:
    """A server thread of this test's own, stopped when the test ends (not with the session)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def browser(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Chromium, closed before the server stops (its open connections end their server threads)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are
    # still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: scripts/system-packages installs it"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        yield chromium
        chromium.close()
        # The test's queries ran beside Playwright's loop on a connection of their own: close it,
        # or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


def _device(browser: Any, live_server: Any, reader: Reader) -> Any:
    """A browser of its own (empty localStorage) signed in as `reader`."""
    context = browser.new_context(locale="en-US", viewport={"width": 900, "height": 700})
    context.set_default_timeout(15_000)
    cookie = reader.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


def _in_view(page: Any, number: int) -> bool:
    top = page.evaluate(f"document.getElementById('page-{number}').getBoundingClientRect().top")
    return abs(top) < 80


def test_page_turns_reach_the_server_and_another_device_continues_there(
    browser: Any, live_server: Any, reader: Reader, pdf_work: Work
) -> None:
    f = file_of(pdf_work)
    read_url = f"{live_server.url}/works/{pdf_work.pk}/files/{f.pk}/read"
    laptop = _device(browser, live_server, reader)
    laptop.goto(read_url)
    laptop.wait_for_selector("#page-4")
    with laptop.expect_request(lambda r: r.method == "PUT" and "/api/v1/me/progress/" in r.url) as sent:
        laptop.evaluate("document.getElementById('page-4').scrollIntoView()")
        laptop.wait_for_url("**page=4**")
    assert sent.value.post_data_json["page"] == 4 and sent.value.post_data_json["file_id"] == f.pk
    sent.value.response()
    kept = Progress.objects.get(user=reader.user, work=pdf_work)
    assert (kept.number, kept.file_id) == (4, f.pk) and kept.fraction is not None

    # The phone (nothing in its localStorage) opens the work: page 4, without asking for it.
    phone = _device(browser, live_server, reader)
    phone.goto(read_url)
    phone.wait_for_selector("#page-4 img")
    phone.wait_for_function("document.getElementById('page-4').getBoundingClientRect().top < 80")
    assert _in_view(phone, 4)

    # Later the phone moved on to page 2 (kept by the server); the laptop, whose own memory
    # says page 4, follows the later place when it opens the work again.
    Progress.objects.filter(pk=kept.pk).update(number=2, updated=timezone.now() + dt.timedelta(seconds=1))
    laptop.goto(read_url)
    laptop.wait_for_selector("#page-2 img")
    laptop.wait_for_function("Math.abs(document.getElementById('page-2').getBoundingClientRect().top) < 80")
    assert _in_view(laptop, 2)
