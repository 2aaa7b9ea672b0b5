"""A new reader in a real browser: register, confirm by e-mail, sign in, borrow a lent work,
read it on loan, and lose it when the loan ends (time moved forward by moving the due date).

Runs last (zz) because it makes the English text a lent work for a while, and gives it back.
"""

from __future__ import annotations

import quopri
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Site, child_env

pytestmark = pytest.mark.browser

LEND = """
import sys, django
django.setup()
from javon.catalog.models import Work
from javon.catalog.services import to_input, update_work
work = Work.objects.get(pk=int(sys.argv[1]))
data = to_input(work)
data.access, data.lending_copies = sys.argv[2], int(sys.argv[3])
update_work(work, data, actor="test")
"""
END_LOANS = """
import datetime as dt, sys, django
django.setup()
from django.utils import timezone
from javon.access.models import Loan
loans = Loan.objects.filter(work_id=int(sys.argv[1]), returned=None)
moved = loans.update(due=timezone.now() - dt.timedelta(minutes=1))
assert moved == 1, moved
"""


def run(site: Site, database_url: str, script: str, *args: str) -> None:
    env = child_env(site.log_path.parent / "data", database_url)
    result = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture
def lent(site: Site, database_url: str) -> Iterator[int]:
    work_id = site.books["en_text"].work_id
    run(site, database_url, LEND, str(work_id), "registered", "1")
    try:
        yield work_id
    finally:
        run(site, database_url, LEND, str(work_id), "open", "0")


def confirmation_link(site: Site, email: str, timeout: float = 15.0) -> str:
    """The link of the confirmation mail, which the console mail backend wrote to the server log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = site.log_path.read_text(encoding="utf-8", errors="replace")
        if email in text:
            # The mail body is quoted-printable: long lines are broken with a trailing "=".
            body = quopri.decodestring(text.split(email, 1)[1].encode()).decode("utf-8", "replace")
            found = re.findall(r"https?://\S+/accounts/verify/[\w:-]+", body)
            if found:
                return found[0]
        time.sleep(0.3)
    raise AssertionError(f"no confirmation mail for {email} in the log:\n{site.log()}")


def test_register_sign_in_borrow_read_and_the_loan_ends(
    browser: Any, site: Site, database_url: str, lent: int
) -> None:
    ctx = browser.new_context(locale="en-US")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    name = "reader" + secrets.token_hex(3)
    email = f"{name}@example.uz"
    password = "kitob-" + secrets.token_urlsafe(10)
    try:
        # Register; the account waits for its e-mail to be confirmed.
        page.goto(site.url("/accounts/register"))
        page.fill("input[name=username]", name)
        page.fill("input[name=email]", email)
        page.fill("input[name=password1]", password)
        page.fill("input[name=password2]", password)
        page.locator("main form.account-form button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("Check your e-mail")
        page.goto(confirmation_link(site, email))
        expect(page.locator("h1")).to_have_text("My account")
        # Sign out and in again through the form.
        page.locator("nav.account button[type=submit]").click()
        page.goto(site.url("/accounts/login"))
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", password)
        page.locator("main form.account-form button[type=submit]").click()
        expect(page.locator("nav.account")).to_contain_text(name)
        # Borrow the lent work; the reader opens, and no download is offered.
        page.goto(site.url(f"/works/{lent}"))
        expect(page.locator("section.lending")).to_contain_text("1 of 1 copy free.")
        page.locator("section.lending button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/works/{lent}/files/\d+/read"))
        expect(page.locator("main")).to_contain_text("Alice")
        assert page.locator("a[download]").count() == 0
        reader_url = page.url
        # Time moves past the due date: the loan has ended by itself.
        run(site, database_url, END_LOANS, str(lent))
        response = page.goto(reader_url)
        assert response is not None and response.status == 404
        page.goto(site.url(f"/works/{lent}"))
        expect(page.locator("section.lending")).to_contain_text("1 of 1 copy free.")
    finally:
        ctx.close()


def test_a_reader_may_not_borrow_without_signing_in(browser: Any, site: Site, lent: int) -> None:
    ctx = browser.new_context(locale="en-US")
    page = ctx.new_page()
    try:
        page.goto(site.url(f"/works/{lent}"))
        expect(page.locator("section.lending")).to_contain_text("Sign in to borrow it.")
        response = page.goto(site.url(f"/works/{lent}/read"))
        assert response is not None and response.status == 404
    finally:
        ctx.close()
