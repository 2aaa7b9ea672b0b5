"""Downloads and derived images: thin views over the storage service and ranged responses."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from javon.access import services as access
from javon.reader.ranged import ranged_file_response
from javon.storage import services as storage
from javon.storage.models import File, FileRole


def _file_for(request: HttpRequest, work_id: int, file_id: int) -> File:
    f = File.objects.select_related("work", "blob").filter(pk=file_id, work_id=work_id).first()
    # One answer for "absent" and "not yours", so ids reveal nothing.
    if f is None or not access.can_read(request, f.work, f):
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
    f = _file_for(request, work_id, file_id)
    inline = request.GET.get("inline") == "1" or f.role == FileRole.THUMBNAIL
    return _serve(request, f, as_attachment=not inline, cache_control="private, max-age=3600")


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
