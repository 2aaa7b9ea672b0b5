"""What librarians do to the catalogue, through the API: edit, replace and delete records,
read their history, and keep collections, agents, reader networks and loans in view.

Staff only: a bearer token with the "catalogue" scope, or a signed-in librarian's session.
Edits go through javon.catalog.services, so history, the audit log and the search index
follow exactly as for edits in the admin.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from javon.access.models import Loan
from javon.api.auth import staff
from javon.api.schemas import work_record
from javon.catalog import services as catalog
from javon.catalog.models import Agent, Collection, Work
from javon.ingest.metadata import MetadataError, normalise, to_work_input
from javon.ingest.models import ImportJob

_JSON_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "work metadata (the keys of a sidecar)"}}
        },
    }
}


def _work(work_id: int) -> Work:
    work = Work.objects.filter(pk=work_id).first()
    if work is None:
        raise HttpError(404, f"no work with id {work_id}")
    return work


def _metadata(request: HttpRequest) -> dict[str, Any]:
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise HttpError(400, f"the body is not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise HttpError(400, "the body must be a JSON object of work metadata")
    try:
        return normalise(raw, "body")
    except MetadataError as exc:
        raise HttpError(400, str(exc)) from exc


def _actor(request: HttpRequest) -> str:
    return f"api:{request.user.get_username()}"


def _save(request: HttpRequest, work: Work, data: catalog.WorkInput) -> dict[str, Any]:
    try:
        catalog.update_work(work, data, actor=_actor(request), user=request.user)  # type: ignore[arg-type]
    except catalog.CatalogError as exc:
        raise HttpError(400, str(exc)) from exc
    return work_record(Work.objects.get(pk=work.pk), request)


def replace_work(request: HttpRequest, work_id: int) -> dict[str, Any]:
    work = _work(work_id)
    try:
        data = to_work_input(_metadata(request))
    except catalog.CatalogError as exc:
        raise HttpError(400, str(exc)) from exc
    return _save(request, work, data)


def edit_work(request: HttpRequest, work_id: int) -> dict[str, Any]:
    work = _work(work_id)
    data = catalog.to_input(work)
    for key, value in _metadata(request).items():
        if key in catalog.WorkInput.__dataclass_fields__:
            setattr(data, key, value)
    return _save(request, work, data)


def remove_work(request: HttpRequest, work_id: int) -> Status[None]:
    catalog.delete_work(_work(work_id), actor=_actor(request), user=request.user)  # type: ignore[arg-type]
    return Status(204, None)


def history(request: HttpRequest, work_id: int) -> dict[str, Any]:
    work = _work(work_id)
    return {
        "work_id": work.pk,
        "changes": [
            {"time": c.at.isoformat(), "actor": c.actor, "action": c.action, "changes": c.changes}
            for c in work.changes.order_by("-at", "-id")[:1000]
        ],
    }


class ListParams(Schema):
    q: str = ""
    limit: int = 50
    offset: int = 0


def _page(params: ListParams) -> slice:
    if params.offset < 0 or not 1 <= params.limit <= 500:
        raise HttpError(400, "limit must be 1–500 and offset 0 or more")
    return slice(params.offset, params.offset + params.limit)


def collections(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    rows = Collection.objects.annotate(n=Count("works")).order_by("slug")
    if params.q:
        rows = rows.filter(name__icontains=params.q)
    return {"items": [{"slug": c.slug, "name": c.name, "works": c.n} for c in rows[_page(params)]]}


class CollectionIn(Schema):
    path: str


def add_collection(request: HttpRequest, body: CollectionIn) -> Status[dict[str, Any]]:
    if not any(part.strip() for part in body.path.split("/")) or len(body.path) > 500:
        raise HttpError(400, "path: 1–500 characters, parts separated by /")
    made = catalog.get_or_create_collection(body.path)
    return Status(201, {"slug": made.slug, "name": made.name})


def agents(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    rows = Agent.objects.annotate(n=Count("contributions")).order_by("name_key", "id")
    if params.q:
        rows = rows.filter(name_key__contains=catalog.name_key(params.q))
    return {
        "items": [
            {"id": a.pk, "name": a.name, "dates": a.dates, "kind": a.kind, "works": a.n} for a in rows[_page(params)]
        ]
    }


def imports(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    rows = ImportJob.objects.order_by("-id")[_page(params)]
    return {"items": [{"id": j.pk, "source": j.source, "created": j.created.isoformat(), **j.counts()} for j in rows]}


def loans(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    rows = Loan.objects.filter(returned=None, due__gt=timezone.now()).select_related("user").order_by("due")
    return {
        "items": [
            {"work_id": loan.work_id, "reader": loan.user.get_username(), "start": loan.start, "due": loan.due}
            for loan in rows[_page(params)]
        ]
    }


def mount(api: NinjaAPI) -> None:
    """Add these operations to `api` itself: ninja answers 405 when two routers share a path
    (GET /works/{id} is the public API's), so they cannot live on a router of their own."""
    auth = staff("catalogue")
    api.put(
        "/works/{work_id}", summary="Replace a work's metadata", openapi_extra=_JSON_BODY, auth=auth, tags=["catalogue"]
    )(replace_work)
    api.patch(
        "/works/{work_id}",
        summary="Change some fields of a work's metadata",
        openapi_extra=_JSON_BODY,
        auth=auth,
        tags=["catalogue"],
    )(edit_work)
    api.delete(
        "/works/{work_id}",
        summary="Delete a work (its stored files stay until no work uses them)",
        response={204: None},
        auth=auth,
        tags=["catalogue"],
    )(remove_work)
    api.get(
        "/works/{work_id}/history",
        summary="Every change of a work's metadata, newest first",
        auth=auth,
        tags=["catalogue"],
    )(history)
    api.get("/collections", summary="Collections with their works", auth=auth, tags=["catalogue"])(collections)
    api.post(
        "/collections",
        summary="Make a collection (a path: Parent/Child)",
        response={201: dict[str, Any]},
        auth=auth,
        tags=["catalogue"],
    )(add_collection)
    api.get("/agents", summary="People and organisations, with their works", auth=auth, tags=["catalogue"])(agents)
    api.get("/imports", summary="Import jobs, newest first", auth=auth, tags=["catalogue"])(imports)
    api.get("/loans", summary="Copies on loan now", auth=auth, tags=["catalogue"])(loans)
