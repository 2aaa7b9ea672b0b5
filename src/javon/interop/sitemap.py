"""/sitemap.xml: a sitemap index of paged sitemaps (work pages, author pages, browse pages),
and /robots.txt pointing to it. Only what anyone may find is listed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from lxml import etree
from lxml.builder import ElementMaker

from javon.access import services as access
from javon.catalog.models import Agent

PER_SITEMAP = 50_000  # the protocol's limit of URLs in one sitemap file
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
S = ElementMaker(namespace=NS, nsmap={None: NS})


def _works() -> Iterable[tuple[str, datetime | None]]:
    for pk, updated in access.public_works().order_by("pk").values_list("pk", "updated"):
        yield reverse("web:work", args=[pk]), updated


def _authors() -> Iterable[tuple[str, datetime | None]]:
    agents = Agent.objects.filter(works__in=access.public_works()).distinct().order_by("pk")
    for pk in agents.values_list("pk", flat=True):
        yield reverse("web:author", args=[pk]), None


def _pages() -> Iterable[tuple[str, datetime | None]]:
    for name in ("web:home", "web:browse", "web:authors"):
        yield reverse(name), None


SECTIONS = {"works": _works, "authors": _authors, "pages": _pages}


def _counts() -> dict[str, int]:
    return {
        "works": access.public_works().count(),
        "authors": Agent.objects.filter(works__in=access.public_works()).distinct().count(),
        "pages": 3,
    }


def _xml(root: etree._Element) -> HttpResponse:
    return HttpResponse(etree.tostring(root, xml_declaration=True, encoding="utf-8"), content_type="application/xml")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    root = S.sitemapindex()
    for name, count in _counts().items():
        for page in range(1, max(1, -(-count // PER_SITEMAP)) + 1):
            href = reverse("sitemap_section", args=[name, page])
            root.append(S.sitemap(S.loc(request.build_absolute_uri(href))))
    return _xml(root)


@require_safe
def section(request: HttpRequest, section: str, page: int) -> HttpResponse:
    if section not in SECTIONS or page < 1:
        raise Http404("No such sitemap")
    start = (page - 1) * PER_SITEMAP
    root = S.urlset()
    for n, (href, updated) in enumerate(SECTIONS[section]()):
        if n < start:
            continue
        if n >= start + PER_SITEMAP:
            break
        node = S.url(S.loc(request.build_absolute_uri(href)))
        if updated is not None:
            node.append(S.lastmod(updated.isoformat(timespec="seconds")))
        root.append(node)
    if page > 1 and not len(root):
        raise Http404("No such sitemap page")
    return _xml(root)


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /staff/", "Disallow: /admin/", "Disallow: /accounts/"]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
