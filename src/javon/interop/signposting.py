"""FAIR Signposting level 1: typed HTTP Link headers on work pages and on downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from javon.access import services as access
from javon.interop.catalog_feeds import OFFERED_ROLES
from javon.interop.oai_provider import oai_identifier

SCHEMA_TYPES = {
    "article": "ScholarlyArticle",
    "dissertation": "Thesis",
    "periodical_issue": "PublicationIssue",
    "audio": "AudioObject",
    "video": "VideoObject",
    "archival": "ArchiveComponent",
}
METADATA = (("bib", "application/x-bibtex"), ("json", "application/vnd.citationstyles.csl+json"))


def _link(url: str, rel: str, kind: str = "") -> str:
    return f'<{url}>; rel="{rel}"' + (f'; type="{kind}"' if kind else "")


def work_links(request: HttpRequest, work: Any, files: list[Any]) -> str:
    url = request.build_absolute_uri
    page = url(work.get_absolute_url())
    links = [
        _link(page, "cite-as"),
        _link(f"https://schema.org/{SCHEMA_TYPES.get(work.type, 'Book')}", "type"),
        _link("https://schema.org/AboutPage", "type"),
    ]
    links += [_link(url(reverse("web:author", args=[c.agent_id])), "author") for c in work.contributions.all()]
    links += [_link(url(reverse("reader:download", args=[work.pk, f.pk])), "item", f.mime) for f in files]
    for extension, kind in METADATA:
        links.append(_link(url(reverse("web:cite", args=[work.pk, extension])), "describedby", kind))
    query = urlencode({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": oai_identifier(work.pk)})
    oai = url(reverse("oai")) + "?" + query
    links.append(_link(oai, "describedby", "application/xml"))
    return ", ".join(links)


def add_to_work[R: HttpResponseBase](request: HttpRequest, response: R, work: Any) -> R:
    files = [f for f in work.files.all() if f.role in OFFERED_ROLES and access.can_read(request, work, f)]
    response["Link"] = work_links(request, work, files)
    return response


def add_to_download[R: HttpResponseBase](request: HttpRequest, response: R, work: Any) -> R:
    response["Link"] = _link(request.build_absolute_uri(work.get_absolute_url()), "collection", "text/html")
    return response
