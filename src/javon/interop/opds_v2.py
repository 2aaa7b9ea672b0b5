"""OPDS 2.0 catalogue (JSON) at /opds/v2/: the same shelves as the Atom one in opds.py."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from javon.catalog.models import Collection, WorkType
from javon.interop import catalog_feeds as feeds

OPDS_JSON = "application/opds+json"
PUBLICATION_JSON = "application/opds-publication+json"


def _respond(doc: dict[str, Any]) -> JsonResponse:
    return JsonResponse(doc, content_type=OPDS_JSON, json_dumps_params={"ensure_ascii": False})


def _feed(request: HttpRequest, title: str, **metadata: Any) -> dict[str, Any]:
    return {
        "metadata": {"title": title, **metadata},
        "links": [
            {"rel": "self", "href": request.build_absolute_uri(request.get_full_path()), "type": OPDS_JSON},
            {"rel": "start", "href": request.build_absolute_uri(reverse("opds2:root")), "type": OPDS_JSON},
            {
                "rel": "search",
                "href": request.build_absolute_uri(reverse("opds2:search")) + "{?query}",
                "type": OPDS_JSON,
                "templated": True,
            },
        ],
    }


def _nav(request: HttpRequest, title: str, href: str) -> dict[str, Any]:
    return {"title": title, "href": request.build_absolute_uri(href), "type": OPDS_JSON}


def publication(request: HttpRequest, item: feeds.Entry) -> dict[str, Any]:
    work = item.work
    absolute = request.build_absolute_uri
    metadata: dict[str, Any] = {
        "@type": "http://schema.org/Book",
        "title": work.title,
        "modified": work.updated.isoformat(),
    }
    authors = [
        {"name": c.agent.name, "links": [{"href": absolute(f"/authors/{c.agent_id}"), "type": "text/html"}]}
        for c in work.contributions.all()
    ]
    if authors:
        metadata["author"] = authors
    if work.languages:
        metadata["language"] = list(work.languages)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", work.date or ""):
        metadata["published"] = work.date
    elif work.year:
        # The schema takes only a full date; a year alone is given as its first day, as is usual.
        metadata["published"] = f"{work.year:04d}-01-01"
    if work.publisher:
        metadata["publisher"] = work.publisher
    if work.abstract:
        metadata["description"] = work.abstract[:2000]
    subjects = [s.term for s in work.subjects.all()]
    if subjects:
        metadata["subject"] = subjects
    for ident in work.identifiers.all():
        if ident.scheme == "isbn":
            metadata["identifier"] = f"urn:isbn:{ident.value}"
            break
    else:
        metadata["identifier"] = absolute(work.get_absolute_url())
    links: list[dict[str, Any]] = [{"rel": "alternate", "href": absolute(work.get_absolute_url()), "type": "text/html"}]
    links += [{"rel": f.rel, "href": absolute(f.href), "type": f.mime, "length": f.size} for f in item.files]
    if not item.files:
        # A record whose files the reader may not have: the work page shows how to get access.
        links.append({"rel": "preview", "href": absolute(work.get_absolute_url()), "type": "text/html"})
    doc: dict[str, Any] = {"metadata": metadata, "links": links}
    if item.thumbnail:
        doc["images"] = [{"href": absolute(item.thumbnail), "type": item.thumbnail_type}]
    return doc


def _acquisition(request: HttpRequest, title: str, page: feeds.Page) -> JsonResponse:
    doc = _feed(request, title, numberOfItems=page.total, itemsPerPage=feeds.PER_PAGE, currentPage=page.number)
    extra = {k: v for k, v in request.GET.items() if k != "page"}

    def at(n: int) -> str:
        return request.build_absolute_uri(f"{request.path}?{urlencode({**extra, 'page': n})}")

    doc["links"].append({"rel": "first", "href": at(1), "type": OPDS_JSON})
    doc["links"].append({"rel": "last", "href": at(page.last), "type": OPDS_JSON})
    if page.number > 1:
        doc["links"].append({"rel": "previous", "href": at(page.number - 1), "type": OPDS_JSON})
    if page.number < page.last:
        doc["links"].append({"rel": "next", "href": at(page.number + 1), "type": OPDS_JSON})
    doc["publications"] = [publication(request, item) for item in page.entries]
    return _respond(doc)


@require_safe
def root(request: HttpRequest) -> JsonResponse:
    doc = _feed(request, _("Javon catalogue"))
    doc["navigation"] = [
        _nav(request, _("New arrivals"), reverse("opds2:new")),
        _nav(request, _("By collection"), reverse("opds2:collections")),
        _nav(request, _("By type"), reverse("opds2:types")),
        _nav(request, _("By language"), reverse("opds2:languages")),
    ]
    newest = feeds.page_of(request, feeds.listed_works(), 1)
    if newest.entries:
        doc["groups"] = [
            {
                "metadata": {"title": _("New arrivals")},
                "links": [{"rel": "self", "href": request.build_absolute_uri(reverse("opds2:new")), "type": OPDS_JSON}],
                "publications": [publication(request, item) for item in newest.entries[:10]],
            }
        ]
    return _respond(doc)


@require_safe
def new(request: HttpRequest) -> JsonResponse:
    page = feeds.page_of(request, feeds.listed_works(), feeds.page_number(request))
    return _acquisition(request, _("New arrivals"), page)


@require_safe
def collections(request: HttpRequest, collection_id: int | None = None) -> JsonResponse:
    parent = get_object_or_404(Collection, pk=collection_id) if collection_id else None
    doc = _feed(request, parent.name if parent else _("Collections"))
    nav = []
    if parent is not None:
        href = reverse("opds2:collection_works", args=[parent.pk])
        nav.append(_nav(request, _("All works in %(name)s") % {"name": parent.name}, href))
    for c in feeds.collections(parent):
        name = "opds2:collection" if c.children.all() else "opds2:collection_works"
        nav.append(_nav(request, c.name, reverse(name, args=[c.pk])))
    doc["navigation"] = nav or [_nav(request, _("New arrivals"), reverse("opds2:new"))]
    return _respond(doc)


@require_safe
def collection_works(request: HttpRequest, collection_id: int) -> JsonResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    qs = feeds.listed_works().filter(collections=collection)
    return _acquisition(request, collection.name, feeds.page_of(request, qs, feeds.page_number(request)))


@require_safe
def types(request: HttpRequest) -> JsonResponse:
    doc = _feed(request, _("By type"))
    nav = [_nav(request, label, reverse("opds2:type", args=[value])) for value, label in feeds.types()]
    doc["navigation"] = nav or [_nav(request, _("New arrivals"), reverse("opds2:new"))]
    return _respond(doc)


@require_safe
def by_type(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in WorkType.values:
        raise Http404("No such type")
    qs = feeds.listed_works().filter(type=kind)
    return _acquisition(request, str(WorkType(kind).label), feeds.page_of(request, qs, feeds.page_number(request)))


@require_safe
def languages(request: HttpRequest) -> JsonResponse:
    doc = _feed(request, _("By language"))
    nav = [_nav(request, code, reverse("opds2:language", args=[code])) for code in feeds.languages()]
    doc["navigation"] = nav or [_nav(request, _("New arrivals"), reverse("opds2:new"))]
    return _respond(doc)


@require_safe
def by_language(request: HttpRequest, code: str) -> JsonResponse:
    qs = feeds.in_language(feeds.listed_works(), code)
    return _acquisition(request, code, feeds.page_of(request, qs, feeds.page_number(request)))


@require_safe
def search(request: HttpRequest) -> JsonResponse:
    q = (request.GET.get("query") or request.GET.get("q") or "").strip()[:300]
    page = feeds.search_page(request, q, feeds.page_number(request)) if q else feeds.Page([], 1, 0)
    return _acquisition(request, _("Search: %(q)s") % {"q": q}, page)
