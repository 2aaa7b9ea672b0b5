"""axe-core (vendored in /static/vendor/axe/) on every page type: no serious or critical violation.

WCAG 2.2 AA rules plus axe's best practices; the Django admin is not ours and is left out.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

AXE_URL = "/static/vendor/axe/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}

# Page type -> path; {key} is a work id of the test library, {key_file} the id of the file its reader opens.
PUBLIC_PAGES = {
    "home": "/",
    "search with results": "/search?q=kenja",
    "search with facets chosen": "/search?q=botir&language=uz",
    "search with no results": "/search?q=qzxqzxnothing",
    "work": "/works/{uz_pdf}",
    "work with search inside": "/works/{uz_pdf}?q={uz_pdf_word}",
    "work without a file to read": "/works/{en_text}",
    "PDF reader": "/works/{uz_pdf}/read?page=2",
    "PDF reader at a hit": "/works/{uz_pdf}/read?q={uz_pdf_word}",
    "PDF.js viewer": "/works/{uz_pdf}/files/{uz_pdf_file}/read?viewer=pdfjs",
    "text reader at a hit": "/works/{uz_cyrl_text}/read?q={uz_cyrl_text_word}",
    "EPUB chapter": "/works/{ru_epub}/read?page=2",
    "audio": "/works/{audio}/read",
    "browse": "/browse",
    "authors": "/browse/authors",
    "author": "{author}",
    "sign in": "/accounts/login",
    "register": "/accounts/register",
}
STAFF_PAGES = {
    "staff upload": "/staff/upload",
    "staff imports": "/staff/jobs",
    "staff import": "{job}",
}


def violations(page: Any) -> list[dict[str, Any]]:
    if page.locator("#reader").count():
        page.wait_for_load_state("networkidle")  # the readers' scripts fetch text layers and build pages
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def readable(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {' '.join(node['target'])}: {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def fill(template: str, page: Any, site: Site) -> str:
    values: dict[str, Any] = {}
    for key, book in site.books.items():
        values[key] = book.work_id
        values[f"{key}_word"] = book.word
    if "_file}" in template:
        page.goto(site.url(f"/works/{site.books['uz_pdf'].work_id}/read"))
        values["uz_pdf_file"] = re.search(r"/files/([0-9]+)/", page.url)[1]  # type: ignore[index]
    if "{author}" in template:
        page.goto(site.url(f"/works/{site.books['ru_epub'].work_id}"))
        values["author"] = page.locator('a[href^="/authors/"]').first.get_attribute("href")
    if "{job}" in template:
        page.goto(site.url("/staff/jobs"))
        values["job"] = page.locator('main a[href^="/staff/jobs/"]').first.get_attribute("href")
    return template.format(**values)


def check(page: Any, site: Site, name: str, template: str) -> None:
    path = fill(template, page, site)
    response = page.goto(site.url(path))
    assert response is not None and response.status == 200, f"{name}: {path} answered {response and response.status}"
    found = violations(page)
    assert not found, f"axe-core on the {name} page ({path}):\n{readable(found)}"


@pytest.mark.parametrize(("name", "template"), PUBLIC_PAGES.items(), ids=list(PUBLIC_PAGES))
def test_public_page_has_no_serious_violation(page: Any, site: Site, name: str, template: str) -> None:
    check(page, site, name, template)


@pytest.mark.parametrize("locale", ["ru-RU", "en-GB"])
def test_other_languages_have_no_serious_violation(browser: Any, site: Site, locale: str) -> None:
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        for name in ("home", "work", "EPUB chapter"):
            check(page, site, name, PUBLIC_PAGES[name])
    finally:
        context.close()


@pytest.mark.parametrize(("name", "template"), STAFF_PAGES.items(), ids=list(STAFF_PAGES))
def test_staff_page_has_no_serious_violation(staff_page: Any, site: Site, name: str, template: str) -> None:
    check(staff_page, site, name, template)


def test_the_check_itself_catches_a_violation(page: Any, site: Site) -> None:
    """An image without alt and an unlabelled field put into the home page must be reported."""
    page.goto(site.url("/"))
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
               '<img src="/static/vendor/axe/none.png" width="10" height="10"><input name="nolabel">')"""
    )
    found = {v["id"] for v in violations(page)}
    assert {"image-alt", "label"} <= found, found
