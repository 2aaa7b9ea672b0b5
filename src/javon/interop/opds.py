"""OPDS 1.2 catalogue (Atom) at /opds/: navigation by collection, type and language, new
arrivals, OpenSearch search; acquisition links only where javon.access says the reader may read."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from lxml import etree
from lxml.builder import ElementMaker

from javon.catalog.models import Collection, WorkType
from javon.interop import catalog_feeds as feeds

ATOM = "http://www.w3.org/2005/Atom"
NSMAP = {
    None: ATOM,
    "dc": "http://purl.org/dc/terms/",
    "opds": "http://opds-spec.org/2010/catalog",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
E = ElementMaker(namespace=ATOM, nsmap=NSMAP)
DC = ElementMaker(namespace=NSMAP["dc"], nsmap=NSMAP)
OS = ElementMaker(namespace=NSMAP["opensearch"], nsmap=NSMAP)
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH = "application/opensearchdescription+xml"


def _stamp(when: datetime | None = None) -> str:
    return (when or timezone.now()).isoformat(timespec="seconds")


def _link(rel: str, href: str, kind: str, **extra: str) -> etree._Element:
    return E.link(rel=rel, href=href, type=kind, **extra)


def _feed(request: HttpRequest, title: str, kind: str) -> etree._Element:
    path = request.get_full_path()
    return E.feed(
        E.id(request.build_absolute_uri(path)),
        E.title(title),
        E.updated(_stamp()),
        E.author(E.name("Javon")),
        _link("self", path, kind),
        _link("start", reverse("opds:root"), NAVIGATION),
        _link("search", reverse("opds:opensearch"), OPENSEARCH),
    )


def _respond(feed: etree._Element, kind: str) -> HttpResponse:
    body = etree.tostring(feed, xml_declaration=True, encoding="utf-8")
    return HttpResponse(body, content_type=f"{kind};charset=utf-8")


def _nav_entry(request: HttpRequest, title: str, href: str, kind: str, content: str = "") -> etree._Element:
    return E.entry(
        E.title(title),
        E.id(request.build_absolute_uri(href)),
        E.updated(_stamp()),
        _link("subsection", href, kind),
        E.content(content or title, type="text"),
    )


def _work_entry(request: HttpRequest, item: feeds.Entry) -> etree._Element:
    work = item.work
    page = work.get_absolute_url()
    node = E.entry(E.title(work.title), E.id(request.build_absolute_uri(page)), E.updated(_stamp(work.updated)))
    for c in work.contributions.all():
        node.append(E.author(E.name(c.agent.name), E.uri(request.build_absolute_uri(f"/authors/{c.agent_id}"))))
    for code in work.languages or []:
        node.append(DC.language(code))
    if work.year:
        node.append(DC.issued(str(work.year)))
    if work.publisher:
        node.append(DC.publisher(work.publisher))
    for ident in work.identifiers.all():
        if ident.scheme == "isbn":
            node.append(DC.identifier(f"urn:isbn:{ident.value}"))
        elif ident.scheme == "doi":
            node.append(DC.identifier(f"https://doi.org/{ident.value}"))
    for subject in work.subjects.all():
        node.append(E.category(term=subject.term, label=subject.term))
    if work.abstract:
        node.append(E.summary(work.abstract[:2000], type="text"))
    node.append(_link("alternate", page, "text/html"))
    if item.thumbnail:
        node.append(_link("http://opds-spec.org/image", item.thumbnail, item.thumbnail_type))
        node.append(_link("http://opds-spec.org/image/thumbnail", item.thumbnail, item.thumbnail_type))
    for f in item.files:
        node.append(_link(f.rel, f.href, f.mime, length=str(f.size)))
    return node


def _acquisition(request: HttpRequest, title: str, page: feeds.Page) -> HttpResponse:
    feed = _feed(request, title, ACQUISITION)
    base = request.path
    extra = {k: v for k, v in request.GET.items() if k != "page"}

    def at(n: int) -> str:
        return f"{base}?{urlencode({**extra, 'page': n})}"

    feed.append(_link("first", at(1), ACQUISITION))
    feed.append(_link("last", at(page.last), ACQUISITION))
    if page.number > 1:
        feed.append(_link("previous", at(page.number - 1), ACQUISITION))
    if page.number < page.last:
        feed.append(_link("next", at(page.number + 1), ACQUISITION))
    feed.append(OS.totalResults(str(page.total)))
    feed.append(OS.itemsPerPage(str(feeds.PER_PAGE)))
    for item in page.entries:
        feed.append(_work_entry(request, item))
    return _respond(feed, ACQUISITION)


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    feed = _feed(request, _("Javon catalogue"), NAVIGATION)
    shelves = [
        (_("New arrivals"), reverse("opds:new"), ACQUISITION),
        (_("By collection"), reverse("opds:collections"), NAVIGATION),
        (_("By type"), reverse("opds:types"), NAVIGATION),
        (_("By language"), reverse("opds:languages"), NAVIGATION),
    ]
    for title, href, kind in shelves:
        feed.append(_nav_entry(request, title, href, kind))
    return _respond(feed, NAVIGATION)


@require_safe
def new(request: HttpRequest) -> HttpResponse:
    page = feeds.page_of(request, feeds.listed_works(), feeds.page_number(request))
    return _acquisition(request, _("New arrivals"), page)


@require_safe
def collections(request: HttpRequest, collection_id: int | None = None) -> HttpResponse:
    parent = get_object_or_404(Collection, pk=collection_id) if collection_id else None
    feed = _feed(request, parent.name if parent else _("Collections"), NAVIGATION)
    if parent is not None:
        href = reverse("opds:collection_works", args=[parent.pk])
        feed.append(_nav_entry(request, _("All works in %(name)s") % {"name": parent.name}, href, ACQUISITION))
    for c in feeds.collections(parent):
        if c.children.all():
            feed.append(_nav_entry(request, c.name, reverse("opds:collection", args=[c.pk]), NAVIGATION))
        else:
            feed.append(_nav_entry(request, c.name, reverse("opds:collection_works", args=[c.pk]), ACQUISITION))
    return _respond(feed, NAVIGATION)


@require_safe
def collection_works(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    qs = feeds.listed_works().filter(collections=collection)
    return _acquisition(request, collection.name, feeds.page_of(request, qs, feeds.page_number(request)))


@require_safe
def types(request: HttpRequest) -> HttpResponse:
    feed = _feed(request, _("By type"), NAVIGATION)
    for value, label in feeds.types():
        feed.append(_nav_entry(request, label, reverse("opds:type", args=[value]), ACQUISITION))
    return _respond(feed, NAVIGATION)


@require_safe
def by_type(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in WorkType.values:
        raise Http404("No such type")
    qs = feeds.listed_works().filter(type=kind)
    return _acquisition(request, str(WorkType(kind).label), feeds.page_of(request, qs, feeds.page_number(request)))


@require_safe
def languages(request: HttpRequest) -> HttpResponse:
    feed = _feed(request, _("By language"), NAVIGATION)
    for code in feeds.languages():
        feed.append(_nav_entry(request, code, reverse("opds:language", args=[code]), ACQUISITION))
    return _respond(feed, NAVIGATION)


@require_safe
def by_language(request: HttpRequest, code: str) -> HttpResponse:
    qs = feeds.in_language(feeds.listed_works(), code)
    return _acquisition(request, code, feeds.page_of(request, qs, feeds.page_number(request)))


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:300]
    page = feeds.search_page(request, q, feeds.page_number(request)) if q else feeds.Page([], 1, 0)
    return _acquisition(request, _("Search: %(q)s") % {"q": q}, page)


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    ns = "http://a9.com/-/spec/opensearch/1.1/"
    M = ElementMaker(namespace=ns, nsmap={None: ns})
    template = request.build_absolute_uri(reverse("opds:search")) + "?q={searchTerms}&page={startPage?}"
    doc = M.OpenSearchDescription(
        M.ShortName("Javon"),
        M.Description(_("Search the Javon library catalogue")),
        M.InputEncoding("UTF-8"),
        M.OutputEncoding("UTF-8"),
        M.Url(type=ACQUISITION, template=template),
    )
    body = etree.tostring(doc, xml_declaration=True, encoding="utf-8")
    return HttpResponse(body, content_type=f"{OPENSEARCH};charset=utf-8")
