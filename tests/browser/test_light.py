"""What keeps pages light, as `javon serve` sends them: compression, validators and cache lifetimes."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

GZIP = {"Accept-Encoding": "gzip"}


@pytest.mark.parametrize("path", ["/static/web/javon.css", "/static/web/suggest.js", "/static/reader/reader.js"])
def test_static_files_are_compressed_and_revalidated(api: httpx.Client, path: str) -> None:
    response = api.get(path, headers=GZIP)
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == "gzip", f"{path} is sent uncompressed: {response.headers}"
    assert "max-age" in response.headers.get("cache-control", ""), response.headers
    etag = response.headers.get("etag")
    assert etag, response.headers
    again = api.get(path, headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304, f"{path} with its own ETag answered {again.status_code}"


def test_pages_are_compressed_and_use_no_web_fonts(api: httpx.Client, site: Site) -> None:
    for path in ("/", "/search?q=kenja", f"/works/{site.books['uz_pdf'].work_id}"):
        response = api.get(path, headers=GZIP)
        assert response.status_code == 200, path
        assert response.headers.get("content-encoding") == "gzip", f"{path} is sent uncompressed"
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', response.text)
        assert stylesheets == ["/static/web/javon.css"], f"{path} links {stylesheets}: one small stylesheet only"
    css = api.get("/static/web/javon.css")
    assert len(css.content) < 8 * 1024, f"javon.css has grown to {len(css.content)} bytes"
    assert "@font-face" not in css.text and "@import" not in css.text


def test_derived_files_keep_in_caches(api: httpx.Client, site: Site) -> None:
    book = site.books["uz_pdf"]
    read = api.get(f"/works/{book.work_id}/read")
    assert read.status_code == 302
    image_url = read.headers["location"].split("?")[0].removesuffix("read") + "pages/1.webp?w=800"
    image = api.get(image_url)
    assert image.status_code == 200, image_url
    assert image.headers["content-type"] == "image/webp"
    assert "max-age" in image.headers.get("cache-control", ""), image.headers
    assert api.get(image_url, headers={"If-None-Match": image.headers["etag"]}).status_code == 304

    cover = api.get(f"/works/{book.work_id}/thumbnail")
    assert cover.status_code == 200
    assert "max-age" in cover.headers.get("cache-control", ""), cover.headers
    assert (
        api.get(f"/works/{book.work_id}/thumbnail", headers={"If-None-Match": cover.headers["etag"]}).status_code == 304
    )
