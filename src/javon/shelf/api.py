"""GET/PUT /api/v1/me/progress/{work_id}: where a signed-in reader is in a work, on any device.

Session authentication (the reader's own browser), so a PUT needs the CSRF token. The last
write by `updated` wins; an older one is answered with the newer position kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from javon.access import services as access
from javon.catalog.models import Work
from javon.shelf import services as space
from javon.shelf.models import Unit
from javon.storage.models import File

router = Router(auth=django_auth, tags=["me"])


class ProgressIn(Schema):
    file_id: int | None = None
    page: int | None = Field(None, ge=1)
    chapter: int | None = Field(None, ge=1)
    fraction: float | None = Field(None, ge=0, le=1)
    updated: dt.datetime | None = None


def _work(request: HttpRequest, work_id: int) -> Work:
    work = Work.objects.filter(pk=work_id).first()
    if work is None or not access.can_see(request, work):
        raise HttpError(404, f"no work with id {work_id}")
    return work


@router.get("/progress/{work_id}", summary="Where I am in a work: {file_id, page or chapter, fraction, updated}")
def get_progress(request: HttpRequest, work_id: int) -> dict[str, Any]:
    progress = space.progress_of(request.user, _work(request, work_id))
    if progress is None:
        raise HttpError(404, "no reading position kept for this work")
    return space.progress_record(progress)


@router.put("/progress/{work_id}", summary="Keep where I am in a work (the latest `updated` wins)")
def put_progress(request: HttpRequest, work_id: int, body: ProgressIn) -> dict[str, Any]:
    work = _work(request, work_id)
    if (body.page is None) == (body.chapter is None):
        raise HttpError(422, "give either page or chapter")
    file = None
    if body.file_id is not None:
        file = File.objects.filter(pk=body.file_id, work=work).first()
        if file is None:
            raise HttpError(404, f"no file with id {body.file_id} in this work")
    updated = body.updated
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=dt.UTC)
    progress, applied = space.save_progress(
        request.user,
        work,
        file=file,
        unit=Unit.PAGE if body.page is not None else Unit.CHAPTER,
        number=body.page or body.chapter or 1,
        fraction=body.fraction,
        updated=updated,
    )
    return {**space.progress_record(progress), "applied": applied}
