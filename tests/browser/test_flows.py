"""A reader's whole path through the site in a real browser, in Uzbek and in Russian.

Search → open the work → Read → search inside → follow a hit to its page and see the word
marked → back → download (the bytes must be the stored file's). Then keyboard use, the same
pages with JavaScript off, and images that keep their place and say what they show.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Book, Site

pytestmark = pytest.mark.browser


def original_file(api: httpx.Client, book: Book) -> dict[str, Any]:
    record = api.get(f"/api/v1/works/{book.work_id}")
    assert record.status_code == 200, record.text
    originals = [f for f in record.json()["files"] if f["role"] == "original"]
    assert len(originals) == 1, record.json()["files"]
    return dict(originals[0])


def search_from_the_box(page: Any, query: str) -> None:
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?"))


def work_path(path: str) -> bool:
    return re.fullmatch(r"/works/[0-9]+", path) is not None


FLOWS = [
    # Uzbek, the default: a Cyrillic query must find the Latin-script PDF.
    pytest.param("uz_pdf", "uz-UZ", "uz", "кенжа ботир", "pdf", id="uz"),
    pytest.param("ru_epub", "ru-RU", "ru", "Ася Тургенев", "epub", id="ru"),
]


@pytest.mark.parametrize(("key", "locale", "lang", "query", "kind"), FLOWS)
def test_search_open_read_jump_to_hit_and_download(
    browser: Any, site: Site, api: httpx.Client, key: str, locale: str, lang: str, query: str, kind: str
) -> None:
    book = site.books[key]
    context = browser.new_context(locale=locale, accept_downloads=True)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(site.url("/"))
        assert page.get_attribute("html", "lang") == lang

        search_from_the_box(page, query)
        result = page.locator(f'.hits a[href^="/works/{book.work_id}"]')
        assert result.count() == 1, f"/search?q={query} does not list work {book.work_id}:\n{page.inner_text('main')}"
        result.click()
        page.wait_for_url(re.compile(rf"/works/{book.work_id}(\?|$)"))
        assert page.get_attribute("html", "lang") == lang

        page.locator("a.read-button").click()
        page.wait_for_url(re.compile(rf"/works/{book.work_id}/files/[0-9]+/read"))
        assert page.locator(f"#reader.reader-{kind}").count() == 1, page.url

        page.fill("#reader-q", book.word)
        page.press("#reader-q", "Enter")
        page.wait_for_url(re.compile(r"[?&]q="))
        hits = page.locator(".reader-search ol.inside a")
        found = hits.count()
        assert found == 1, f"search inside for {book.word} found {found} pages:\n{page.inner_text('main')}"
        hits.first.click()
        page.wait_for_load_state()
        jumped = parse_qs(urlsplit(page.url).query)
        assert int(jumped["page"][0]) > 1, f"the word was put on a later page, not on {page.url}"
        assert jumped["q"] == [book.word]
        number = int(jumped["page"][0])
        # The page's text marks the word; with JavaScript the PDF reader shows it as a box over
        # the page image (its text layer) and scrolls there.
        assert page.locator("mark", has_text=book.word).count() >= 1, f"{book.word} is not marked on {page.url}"
        if kind == "pdf":
            expect(page.locator(f"#page-{number}")).to_be_in_viewport()
            expect(page.locator(f"#page-{number} mark.hit").first).to_be_visible()
        else:
            expect(page.locator("mark", has_text=book.word).first).to_be_in_viewport()

        for _ in range(6):
            if work_path(urlsplit(page.url).path):
                break
            page.go_back()
        assert work_path(urlsplit(page.url).path), f"going back never reached the work page: {page.url}"

        original = original_file(api, book)
        with page.expect_download() as download_info:
            page.locator(f'ul.files a[href="{original["download_url"]}"]').click()
        download = download_info.value
        assert download.failure() is None, download.failure()
        data = Path(download.path()).read_bytes()
        assert data == book.path.read_bytes(), f"downloaded {len(data)} bytes differ from the file sent"
        assert hashlib.sha256(data).hexdigest() == original["sha256"]
        assert download.suggested_filename == original["name"]
    finally:
        context.close()


def focused(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {id: el.id, tag: el.tagName, href: el.getAttribute('href') || '',
                        inHits: !!el.closest('.hits'), outline: style.outlineStyle,
                        outlineWidth: parseFloat(style.outlineWidth) || 0, shadow: style.boxShadow};
            }"""
        )
    )


def tab_until(page: Any, wanted: Any, limit: int) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"{limit} presses of Tab did not reach the element; focus is on {focused(page)}")


def assert_focus_visible(state: dict[str, Any]) -> None:
    visible = (state["outline"] != "none" and state["outlineWidth"] >= 2) or state["shadow"] not in ("", "none")
    assert visible, f"the focused {state['tag']} shows no focus ring: {state}"


def test_keyboard_reaches_the_search_box_and_the_results(page: Any, site: Site) -> None:
    book = site.books["en_text"]
    page.goto(site.url("/"))
    first = tab_until(page, lambda s: True, 1)
    assert first["tag"] == "A" and first["href"] == "#main", f"the first Tab should reach the skip link: {first}"
    assert_focus_visible(first)
    box = tab_until(page, lambda s: s["id"] == "q", 6)
    assert_focus_visible(box)
    page.keyboard.type("Alice Wonderland")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    hit = tab_until(page, lambda s: s["inHits"] and s["href"].startswith(f"/works/{book.work_id}"), 80)
    assert_focus_visible(hit)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/works/{book.work_id}(\?|$)"))


def test_search_and_readers_work_without_javascript(browser: Any, site: Site) -> None:
    context = browser.new_context(locale="uz-UZ", java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(site.url("/"))
        search_from_the_box(page, "зумрад қиммат")
        book = site.books["uz_cyrl_text"]
        assert page.locator(f'.hits a[href^="/works/{book.work_id}"]').count() == 1, page.inner_text("main")

        pdf = site.books["uz_pdf"]
        page.goto(site.url(f"/works/{pdf.work_id}/read"))
        image = page.locator(".pdf-page img").first
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the page image did not load"
        page.locator(".reader-pager:not(.bottom) a[rel=next]").click()
        # The click only waits for the new page to commit; its image (rendered on first ask) may still load.
        page.wait_for_load_state("load")
        assert parse_qs(urlsplit(page.url).query)["page"] == ["2"]
        assert page.locator(".pdf-page img").first.evaluate("img => img.complete && img.naturalWidth > 0")
        page.fill("#goto", "1")
        page.press("#goto", "Enter")
        page.wait_for_url(re.compile(r"page=1"))
        page.fill("#reader-q", pdf.word)
        page.press("#reader-q", "Enter")
        page.wait_for_url(re.compile(r"[?&]q="))
        page.locator(".reader-search ol.inside a").first.click()
        page.wait_for_load_state()
        assert page.locator("mark", has_text=pdf.word).count() >= 1, page.url

        epub = site.books["ru_epub"]
        page.goto(site.url(f"/works/{epub.work_id}/read"))
        assert page.locator(".epub-chapter").inner_text().strip(), "the EPUB chapter is empty without JavaScript"
        page.locator(".reader-pager:not(.bottom) a[rel=next]").click()
        assert page.locator(".epub-chapter").inner_text().strip()
    finally:
        context.close()


IMAGE_PAGES = [
    "/",
    "/search?q=kenja",
    "/works/{uz_pdf}",
    "/works/{uz_pdf}/read",
    "/works/{ru_epub}/read",
]


def test_images_have_alt_text_and_dimensions(page: Any, site: Site) -> None:
    ids = {key: book.work_id for key, book in site.books.items()}
    problems = []
    seen = 0
    for template in IMAGE_PAGES:
        path = template.format(**ids)
        page.goto(site.url(path))
        images = page.eval_on_selector_all(
            "img",
            """imgs => imgs.map(img => ({src: img.getAttribute('src'), alt: img.getAttribute('alt'),
                                         width: img.getAttribute('width'), height: img.getAttribute('height'),
                                         loading: img.getAttribute('loading')}))""",
        )
        for image in images:
            seen += 1
            if image["alt"] is None:
                problems.append(f"{path}: {image['src']} has no alt attribute")
            if not (image["width"] and image["height"]):
                problems.append(f"{path}: {image['src']} has no width and height (the page jumps when it loads)")
    assert seen >= 2, "no page showed an image: the cover and the PDF page should"
    assert not problems, "\n".join(problems)


def test_language_switcher_changes_the_interface_and_keeps_it(page: Any, site: Site) -> None:
    page.goto(site.url("/"))
    assert page.get_attribute("html", "lang") == "uz"
    page.locator('form.lang button[name=language][value="ru"]').click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ru"
    assert urlsplit(page.url).path == "/", f"the switcher should come back to the same page, not {page.url}"
    search_from_the_box(page, "ася")
    assert page.get_attribute("html", "lang") == "ru", "the chosen language was not kept on the next page"
    assert page.locator('form.lang button[value="ru"]').get_attribute("aria-pressed") == "true"
