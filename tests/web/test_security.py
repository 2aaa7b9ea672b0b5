"""Headers that keep pages safe, and hostile metadata escaped on every page that shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from javon.catalog.services import Creator
from javon.ingest import services as ingest
from javon.storage.models import File, FileRole
from tests.factories import make_work, write_pdf

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_security_headers(client: Any) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_executable_script(client: Any) -> None:
    work = make_work(title="Oddiy kitob")
    for url in ["/", "/search?q=kitob", f"/works/{work.pk}", "/browse", "/accounts/login", "/accounts/register"]:
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            # Only external scripts (src=) and data blocks (JSON-LD) are allowed by the policy.
            assert "src=" in head or "application/ld+json" in head, (url, head)


def test_hostile_metadata_and_file_names_are_escaped_everywhere(client: Any, tmp_path: Path, settings: Any) -> None:
    settings.SEARCH_SYNC = True
    work = make_work(
        title=f"Kitob {HOSTILE}",
        creators=[Creator(f"Yomon, Odam {HOSTILE}")],
        subjects=[f"mavzu {HOSTILE}"],
        collections=[f"Toʻplam {HOSTILE}"],
        abstract=HOSTILE,
    )
    pdf = write_pdf(tmp_path, "evil.pdf", "Some text of the evil file.", title="Fayl")
    named = tmp_path / 'a"b<script>x.pdf'
    pdf.rename(named)
    job = ingest.import_paths([str(named)], actor="test")
    item = job.items.get()
    assert item.status == "ok", item.error
    agent = work.contributions.get().agent
    pages = [
        "/",
        "/search?q=kitob",
        "/search?q=" + HOSTILE,
        f"/works/{work.pk}",
        f"/works/{item.work_id}",
        "/browse",
        "/browse/authors?letter=y",
        f"/authors/{agent.pk}",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html, url
        assert "<img src=x" not in html, url
    f = File.objects.get(work_id=item.work_id, role=FileRole.ORIGINAL)
    disposition = client.get(f"/works/{item.work_id}/files/{f.pk}/download")["Content-Disposition"]
    assert "<script>" not in disposition.split("filename*=")[0] and '"b' not in disposition.split("filename*=")[0]
