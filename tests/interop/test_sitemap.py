"""sitemap.xml (an index of paged sitemaps), robots.txt, and FAIR Signposting Link headers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from lxml import etree

from javon.catalog.models import Work
from tests.factories import make_work
from tests.interop.test_opds import attach_pdf

pytestmark = pytest.mark.django_db
SM = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
LINK = re.compile(r'<([^>]+)>((?:\s*;\s*[a-z]+="[^"]*")+)')


def sitemap_urls(client: Any) -> dict[str, str | None]:
    index = etree.fromstring(client.get("/sitemap.xml").content)
    urls: dict[str, str | None] = {}
    for loc in index.iterfind("s:sitemap/s:loc", SM):
        page = client.get(urlsplit(loc.text).path)
        assert page.status_code == 200 and page["Content-Type"].startswith("application/xml")
        for url in etree.fromstring(page.content).iterfind("s:url", SM):
            urls[urlsplit(url.findtext("s:loc", namespaces=SM)).path] = url.findtext("s:lastmod", namespaces=SM)
    return urls


def test_sitemap_lists_what_anyone_may_find(client: Any) -> None:
    shown = make_work(title="Shown")
    draft = make_work(title="Draft")
    Work.objects.filter(pk=draft.pk).update(status=Work.Status.PROCESSING)
    secret = make_work(title="Secret", access="staff", creators=[])
    urls = sitemap_urls(client)
    assert urls[f"/works/{shown.pk}"] is not None  # lastmod from Work.updated
    assert f"/works/{draft.pk}" not in urls and f"/works/{secret.pk}" not in urls
    author = shown.contributions.get().agent_id
    assert f"/authors/{author}" in urls and "/browse" in urls
    for path in urls:
        assert client.get(path).status_code == 200, path


def test_sitemap_pages(client: Any, monkeypatch: Any) -> None:
    from javon.interop import sitemap

    monkeypatch.setattr(sitemap, "PER_SITEMAP", 2)
    works = [make_work(title=f"Kitob {n}") for n in range(5)]
    index = etree.fromstring(client.get("/sitemap.xml").content)
    assert len([u for u in index.itertext() if "sitemap-works-" in u]) == 3
    assert set(sitemap_urls(client)) >= {f"/works/{w.pk}" for w in works}
    assert client.get("/sitemap-works-9.xml").status_code == 404


def test_robots_points_to_the_sitemap(client: Any) -> None:
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def parse_links(header: str) -> list[tuple[str, dict[str, str]]]:
    found = [(url, dict(re.findall(r'([a-z]+)="([^"]*)"', params))) for url, params in LINK.findall(header)]
    assert len(found) == header.count("<"), header
    return found


def test_signposting_on_work_page_and_download(client: Any) -> None:
    work = make_work(title="Signposted")
    f = attach_pdf(work)
    links = parse_links(client.get(f"/works/{work.pk}")["Link"])
    rels = {params["rel"] for _, params in links}
    assert {"cite-as", "type", "author", "item", "describedby"} <= rels
    assert ("http://testserver" + f"/works/{work.pk}", {"rel": "cite-as"}) in links
    for url, params in links:
        if params["rel"] == "type":
            assert url.startswith("https://schema.org/")
            continue
        response = client.get(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
        assert response.status_code == 200, url
        if params["rel"] == "item":
            assert params["type"] == "application/pdf" and urlsplit(url).path.endswith(f"/files/{f.pk}/download")
    download = parse_links(client.get(f"/works/{work.pk}/files/{f.pk}/download")["Link"])
    assert download == [(f"http://testserver/works/{work.pk}", {"rel": "collection", "type": "text/html"})]


def test_closed_files_are_not_signposted(client: Any) -> None:
    work = make_work(title="Registered", access="registered")
    attach_pdf(work)
    links = parse_links(client.get(f"/works/{work.pk}")["Link"])
    assert not [url for url, params in links if params["rel"] == "item"]
