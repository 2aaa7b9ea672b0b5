"""IIIF doors: the Image API 3.0 service (info.json, images) and Presentation 3.0 manifests.

Every door asks javon.access like the reader's page images do (online reading: a lent work's
pages reach its borrower only) and answers 404 alike for "absent" and "not yours".

CORS: ``Access-Control-Allow-Origin: *`` only on what anyone may read from anywhere. A
restricted work's answer depends on who asks — a cookie, or the address of a library's
network for on-site works — and a page on another site could make a reader's browser ask
from inside that network; without the header, its script never sees the bytes. (With "*"
browsers already refuse credentialed reads, but on-site access needs no credentials.)
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_safe

from javon.catalog.models import Work
from javon.reader import iiif, iiif_manifest
from javon.reader import services as reader
from javon.reader.ranged import ranged_file_response

JSON_LD = 'application/ld+json;profile="{}"'
_INFO_CACHE = "public, max-age=86400"
_MANIFEST_CACHE = "public, max-age=300"
_PRIVATE_CACHE = "private, max-age=300"


class SeeOther(HttpResponseRedirect):
    status_code = 303


def _error(status: int, message: str, *, cross_site: bool) -> HttpResponse:
    """A short text answer. Cross-site readable only when it tells nothing of a work that
    anyone may not read: a 404 never is, or a page elsewhere could tell it from a 200."""
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    if cross_site:
        response["Access-Control-Allow-Origin"] = "*"
    return response


class _Absent(Exception):
    """No such image, or not for this reader: the same answer."""


def _source(request: HttpRequest, identifier: str) -> iiif.Source:
    found = iiif.find_source(request, identifier)
    if found is None:
        raise _Absent
    return found


def _not_found(view: Any) -> Any:
    """A plain 404 for _Absent: viewers get a short text, not the site's HTML page."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except _Absent:
            return _error(404, "No such image", cross_site=False)

    return wrapped


def _service_id(request: HttpRequest, identifier: str) -> str:
    return request.build_absolute_uri(reverse("iiif:base", args=[identifier]))


def _decorate(response: HttpResponseBase, public: bool, profile: bool = True) -> HttpResponseBase:
    if public:
        response["Access-Control-Allow-Origin"] = "*"
    if profile:
        response["Link"] = f'<{iiif.PROFILE_URI}>;rel="profile"'
    return response


def _json(request: HttpRequest, document: dict[str, Any], context: str, cache_control: str) -> HttpResponseBase:
    """JSON with an ETag of its bytes; JSON-LD's type when the client asks for it (or always)."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response: HttpResponseBase = HttpResponseNotModified()
    else:
        wants_ld = "application/ld+json" in request.META.get("HTTP_ACCEPT", "")
        media = JSON_LD.format(context) if wants_ld or context != iiif.CONTEXT else "application/json"
        response = HttpResponse(body, content_type=media)
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = cache_control
    response["Vary"] = "Accept"
    return response


@require_safe
@_not_found
def base(request: HttpRequest, identifier: str) -> HttpResponseBase:
    """The image's base URI: 303 to its info.json (Image API 3.0, section 2.2)."""
    _source(request, identifier)
    return SeeOther(reverse("iiif:info", args=[identifier]))


@require_safe
@_not_found
def info(request: HttpRequest, identifier: str) -> HttpResponseBase:
    source = _source(request, identifier)
    public = reader.is_public(source.file.work, source.file)
    rights = iiif_manifest.rights_uri(source.file.work.licence)
    document = iiif.info(source, _service_id(request, source.identifier), rights)
    response = _json(request, document, iiif.CONTEXT, _INFO_CACHE if public else _PRIVATE_CACHE)
    return _decorate(response, public)


@require_safe
@_not_found
def image(
    request: HttpRequest, identifier: str, region: str, size: str, rotation: str, quality: str, fmt: str
) -> HttpResponseBase:
    try:
        params = iiif.parse(region, size, rotation, quality, fmt)
    except iiif.BadRequest as exc:  # said before any lookup: nothing about the image
        return _error(400, str(exc), cross_site=True)
    except iiif.NotSupported as exc:
        return _error(501, str(exc), cross_site=True)
    source = _source(request, identifier)
    f = source.file
    public = reader.is_public(f.work, f)
    try:
        plan = iiif.plan(source, params)
    except iiif.BadRequest as exc:
        return _error(400, str(exc), cross_site=public)
    cache_control = reader.cache_control(f.work, f)
    canonical = f'<{_service_id(request, source.identifier)}/{plan.canonical}>;rel="canonical"'
    # The tag is known before rendering: a client that has the image costs no render.
    if plan.etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response: HttpResponseBase = HttpResponseNotModified()
        response["ETag"] = f'"{plan.etag}"'
        response["Cache-Control"] = cache_control
    else:
        path = iiif.render(plan)
        response = ranged_file_response(
            request,
            open_file=lambda: path.open("rb"),
            size=path.stat().st_size,
            etag=plan.etag,
            content_type=iiif.FORMATS[params.fmt],
            filename=f"{source.identifier}.{params.fmt}",
            as_attachment=False,
            cache_control=cache_control,
        )
    _decorate(response, public)
    response["Link"] = f"{response['Link']}, {canonical}"
    return response


@require_safe
def manifest(request: HttpRequest, work_id: int) -> HttpResponseBase:
    work = (
        Work.objects.prefetch_related("contributions__agent", "alternative_titles", "subjects", "identifiers")
        .filter(pk=work_id)
        .first()
    )
    document = iiif_manifest.build(request, work) if work is not None else None
    if work is None or document is None:
        return _error(404, "No such manifest", cross_site=False)
    public = reader.is_public(work)
    # What a signed-in reader gets can say more (a PDF they may download): never shared.
    shared = public and not request.user.is_authenticated
    response = _json(request, document, iiif_manifest.CONTEXT, _MANIFEST_CACHE if shared else _PRIVATE_CACHE)
    return _decorate(response, public, profile=False)
