"""Bytes for readers: downloads, page images, text layers, EPUB images and "text only".

Every view asks javon.access for the work and the file, and answers 404 alike for "absent"
and "not yours", so ids reveal nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from javon.access import services as access
from javon.catalog.models import Work
from javon.interop import signposting
from javon.reader import epub, pdf
from javon.reader import services as reader
from javon.reader.ranged import content_disposition, ranged_file_response
from javon.storage import services as storage
from javon.storage.models import File, FileRole


def readable_file(request: HttpRequest, work_id: int, file_id: int, *, online: bool = False) -> File:
    """The file if the request may have its bytes (`online`: to read them in the online
    reader, which is all a borrower of a lent work may do); Http404 otherwise."""
    f = _file_or_404(work_id, file_id)
    if not access.can_read(request, f.work, f, online=online):
        raise Http404("No such file")
    return f


def _file_or_404(work_id: int, file_id: int) -> File:
    # One answer for "absent" and "not yours" (the callers raise the same 404), so ids reveal nothing.
    f = File.objects.select_related("work", "blob", "derived_from").filter(pk=file_id, work_id=work_id).first()
    if f is None:
        raise Http404("No such file")
    return f


def _serve(request: HttpRequest, f: File, *, as_attachment: bool, cache_control: str) -> HttpResponseBase:
    accel = None
    if settings.ACCEL_REDIRECT_PREFIX:
        accel = settings.ACCEL_REDIRECT_PREFIX.rstrip("/") + "/" + f.blob.storage_name
    return ranged_file_response(
        request,
        open_file=lambda: storage.open_blob(f.blob),
        size=f.blob.size,
        etag=f.blob_id,
        content_type=f.mime,
        filename=f.name,
        last_modified=f.blob.created,
        as_attachment=as_attachment,
        accel_redirect=accel,
        cache_control=cache_control,
    )


@require_safe
def download(request: HttpRequest, work_id: int, file_id: int) -> HttpResponseBase:
    inline = request.GET.get("inline") == "1"
    f = _file_or_404(work_id, file_id)
    # A lent work's audio and video stream to their borrower (?inline=1 is what the players
    # fetch); the PDF of a lent work never leaves whole, only as page images.
    online = inline and f.mime.startswith(("audio/", "video/"))
    if not access.can_read(request, f.work, f, online=online):
        raise Http404("No such file")
    # ?inline=1 is what the audio and video players and PDF.js fetch: reading, not a download.
    inline = inline or f.role == FileRole.THUMBNAIL
    if not inline:
        reader.note_use(request, f.work, "download")
    response = _serve(request, f, as_attachment=not inline, cache_control="private, max-age=3600")
    return signposting.add_to_download(request, response, f.work)  # FAIR Signposting: the work it belongs to


@require_safe
def thumbnail(request: HttpRequest, work_id: int) -> HttpResponseBase:
    f = (
        File.objects.select_related("work", "blob")
        .filter(work_id=work_id, role=FileRole.THUMBNAIL)
        .order_by("id")
        .first()
    )
    if f is None or not access.can_read(request, f.work, f):
        raise Http404("No thumbnail")
    # Content-addressed bytes never change under an ETag: let browsers keep them.
    return _serve(request, f, as_attachment=False, cache_control="public, max-age=86400")


_TAG = re.compile(r'(?:W/)?"([^"]*)"')


def _matches_tag(request: HttpRequest, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    return header.strip() == "*" or any(m[1] == etag for m in _TAG.finditer(header))


def _not_modified(etag: str, cache_control: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = cache_control
    return response


def _pdf_file(request: HttpRequest, work_id: int, file_id: int) -> File:
    f = readable_file(request, work_id, file_id, online=True)
    if reader.reader_kind(f) != "pdf":
        raise Http404("Not a PDF")
    return f


@require_safe
def page_image(request: HttpRequest, work_id: int, file_id: int, number: int, fmt: str) -> HttpResponseBase:
    f = _pdf_file(request, work_id, file_id)
    width = pdf.snap_width(request.GET.get("w", pdf.DEFAULT_WIDTH))
    etag = reader.page_image_etag(f, number, width, fmt)
    cache_control = reader.cache_control(f.work, f)
    # The tag is known before rendering: a browser that has the image costs no render at all.
    if _matches_tag(request, etag):
        return _not_modified(etag, cache_control)
    try:
        path = reader.page_image(f, number, width, fmt)
    except pdf.PageNotFound:
        raise Http404("No such page") from None
    return ranged_file_response(
        request,
        open_file=lambda: path.open("rb"),
        size=path.stat().st_size,
        etag=etag,
        content_type=pdf.FORMATS[fmt],
        filename=f"page-{number}.{fmt}",
        as_attachment=False,
        cache_control=cache_control,
    )


@require_safe
def page_words(request: HttpRequest, work_id: int, file_id: int, number: int) -> HttpResponseBase:
    f = _pdf_file(request, work_id, file_id)
    q = request.GET.get("q", "")[:300]
    try:
        layer = reader.text_layer(f, number, q)
    except pdf.PageNotFound:
        raise Http404("No such page") from None
    response = JsonResponse(layer, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = reader.cache_control(f.work, f).replace("immutable", "").rstrip(", ")
    return response


@require_safe
def epub_image(request: HttpRequest, work_id: int, file_id: int, name: str) -> HttpResponseBase:
    f = readable_file(request, work_id, file_id, online=True)
    if reader.reader_kind(f) != "epub":
        raise Http404("Not an EPUB")
    etag = f"{f.blob_id}-img-{hashlib.sha256(name.encode()).hexdigest()[:16]}"
    cache_control = reader.cache_control(f.work, f)
    with storage.local_copy(f.blob, ".epub") as local:
        try:
            found = epub.read_image(local, name)
        except Exception:  # noqa: BLE001 - a damaged EPUB has no images to give
            found = None
    if found is None:
        raise Http404("No such image")
    data, mime = found
    return ranged_file_response(
        request,
        open_file=lambda: io.BytesIO(data),
        size=len(data),
        etag=etag,
        content_type=mime,
        filename=name.rsplit("/", 1)[-1],
        as_attachment=False,
        cache_control=cache_control,
    )


def _text_name(work: Any) -> str:
    return f"{work.title[:120]}.txt"


@require_safe
def text_only(request: HttpRequest, work_id: int) -> HttpResponseBase:
    """The work's extracted text, pages separated by form feeds, UTF-8, as an attachment."""
    work = Work.objects.filter(pk=work_id).first()
    found = reader.text_only(request, work) if work is not None and access.can_read(request, work) else None
    if found is None or work is None:
        raise Http404("No text")
    reader.note_use(request, work, "download")
    if found.stored is not None:
        stored = found.stored
        return ranged_file_response(
            request,
            open_file=lambda: storage.open_blob(stored.blob),
            size=stored.blob.size,
            etag=stored.blob_id,
            content_type="text/plain; charset=utf-8",
            filename=_text_name(work),
            last_modified=stored.blob.created,
            cache_control="private, max-age=3600",
        )
    assert found.source is not None
    response = HttpResponse(reader.joined_text(found.source), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition(_text_name(work))
    response["X-Content-Type-Options"] = "nosniff"
    return response
