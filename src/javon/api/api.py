"""The REST API under /api/v1, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

import io
import json
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status

from javon.access import services as access
from javon.api import catalogue
from javon.api.auth import TokenAuth
from javon.api.schemas import search_record, work_record, work_summary
from javon.catalog import services as catalog
from javon.catalog.crosswalk.marc import work_to_record
from javon.catalog.crosswalk.marc_files import marc_bytes, write_marcxml
from javon.catalog.models import Work
from javon.ingest import services as ingest
from javon.ingest.metadata import MetadataError, normalise, to_work_input
from javon.ingest.models import ImportJob
from javon.search import services as search_services
from javon.search.backend import Filters
from javon.storage.models import File, FileRole, PageText
from javon.web import cite

api = NinjaAPI(
    title="Javon API",
    version="1",
    description="Catalogue, search and ingest of the Javon electronic library.",
    urls_namespace="api",
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"error": str(exc.message), "status": exc.status_code}, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"error": "invalid request", "status": 422, "detail": exc.errors}, status=422)


def _visible_works(request: HttpRequest) -> Any:
    if access.is_staff(request.user):
        return Work.objects.all()
    return access.public_works()


def _get_work(request: HttpRequest, work_id: int) -> Work:
    work = (
        _visible_works(request)
        .prefetch_related(
            "contributions__agent",
            "alternative_titles",
            "subjects",
            "identifiers",
            "collections",
            Prefetch("files", queryset=File.objects.order_by("id")),
        )
        .filter(pk=work_id)
        .first()
    )
    if work is None:
        raise HttpError(404, f"no work with id {work_id}")
    return work


class WorkListParams(Schema):
    limit: int = 20
    cursor: int | None = None
    type: str | None = None


@api.get("/works", tags=["works"], summary="List works, newest first (keyset pagination)")
def list_works(request: HttpRequest, params: Query[WorkListParams]) -> dict[str, Any]:
    limit = min(max(params.limit, 1), 100)
    qs = _visible_works(request).order_by("-id").prefetch_related("contributions__agent")
    if params.type:
        qs = qs.filter(type=params.type)
    if params.cursor is not None:
        qs = qs.filter(pk__lt=params.cursor)
    works = list(qs[: limit + 1])
    more = len(works) > limit
    works = works[:limit]
    return {
        "items": [work_summary(w) for w in works],
        "next_cursor": works[-1].pk if more else None,
    }


@api.get("/works/{work_id}", tags=["works"], summary="One work with its files")
def get_work(request: HttpRequest, work_id: int) -> dict[str, Any]:
    return work_record(_get_work(request, work_id), request)


@api.get("/works/{work_id}/text", tags=["works"], summary="The work's text, pages separated by form feeds")
def get_work_text(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _get_work(request, work_id)
    if not access.can_read(request, work):
        raise HttpError(403, "you may not read this work's text")
    access.audit_read(request, work, "text")
    pages = PageText.objects.filter(file__work=work, file__role=FileRole.ORIGINAL).order_by("file_id", "number")
    text = "\f".join(pages.values_list("text", flat=True))
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@api.get("/works/{work_id}/search", tags=["search"], summary="Search inside one work: matching pages with snippets")
def search_work(request: HttpRequest, work_id: int, q: str, limit: int = 50) -> dict[str, Any]:
    work = _get_work(request, work_id)
    if not access.can_read(request, work):
        raise HttpError(403, "you may not search this work's text")
    pages = search_services.search_in_work(work.pk, q, limit=min(max(limit, 1), 500), who=request)
    return {"work_id": work.pk, "hits": [{"page": page, "snippet": snippet} for page, snippet in pages]}


@api.get(
    "/works/{work_id}/cite",
    tags=["works"],
    summary="The work cited: GOST R 7.0.100-2018 or APA text, BibTeX, RIS or CSL-JSON",
)
def cite_work(
    request: HttpRequest, work_id: int, format: Literal["gost", "apa", "bibtex", "ris", "csl-json"] = "gost"
) -> HttpResponse:
    work = _get_work(request, work_id)
    url = request.build_absolute_uri(reverse("web:work", args=[work.pk]))
    return cite.citation_response(work, format, url=url, pages=cite.page_count(work))


@api.get(
    "/works/{work_id}/marc",
    tags=["works"],
    summary="The work as a MARC 21 record: MARCXML, or ISO 2709 (.mrc) in UTF-8 or MARC-8",
)
def marc_record(
    request: HttpRequest,
    work_id: int,
    format: Literal["marcxml", "mrc"] = "marcxml",
    encoding: Literal["utf-8", "marc-8"] = "utf-8",
) -> HttpResponse:
    record = work_to_record(_get_work(request, work_id))
    if format == "mrc":
        body, media_type = marc_bytes(record, encoding), "application/marc"
    else:
        buffer = io.BytesIO()
        write_marcxml([record], buffer)
        body, media_type = buffer.getvalue(), "application/marcxml+xml; charset=utf-8"
    response = HttpResponse(body, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="work-{work_id}.{"mrc" if format == "mrc" else "xml"}"'
    return response


class SearchParams(Schema):
    q: str = ""
    type: list[str] = []
    language: list[str] = []
    collection: list[str] = []
    subject: list[str] = []
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"


@api.get("/search", tags=["search"], summary="Search the library")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    if params.page < 1 or params.page > 10_000:
        raise HttpError(400, "page must be between 1 and 10000")
    if params.sort not in {"relevance", "year", "-year", "title", "-title", "new"}:
        raise HttpError(400, f"unknown sort {params.sort!r}")
    response = search_services.search(
        params.q,
        Filters(
            type=params.type,
            language=params.language,
            collection=params.collection,
            subject=params.subject,
            year_from=params.year_from,
            year_to=params.year_to,
        ),
        page=params.page,
        per_page=min(max(params.per_page, 1), 100),
        sort=params.sort,
        who=request,
    )
    return search_record(response)


@api.get("/suggest", tags=["search"], summary="Titles and authors for a prefix, as the reader types")
def suggest(request: HttpRequest, q: str = "", limit: int = 8) -> dict[str, Any]:
    return search_services.suggest(q, limit=min(max(limit, 1), 20), who=request)


@api.post(
    "/works",
    auth=TokenAuth(),
    tags=["works"],
    summary="Add a work: upload files (multipart) with metadata, or metadata alone (JSON)",
    response={201: dict[str, Any], 202: dict[str, Any]},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                            "metadata": {"type": "string", "description": "JSON object of work metadata"},
                        },
                    }
                },
                "application/json": {"schema": {"type": "object"}},
            }
        }
    },
)
def create_work(request: HttpRequest) -> Status[dict[str, Any]]:
    user = request.user
    actor = f"api:{user.get_username()}"
    if request.content_type == "application/json":
        try:
            raw = json.loads(request.body or b"{}")
            if not isinstance(raw, dict):
                raise HttpError(400, "the body must be a JSON object of work metadata")
            data = to_work_input(normalise(raw, "body"))
            work = catalog.create_work(data, actor=actor, user=user)  # type: ignore[arg-type]
        except (ValueError, MetadataError, catalog.CatalogError) as exc:
            raise HttpError(400, str(exc)) from exc
        return Status(201, work_record(_get_work(request, work.pk), request))
    uploads = request.FILES.getlist("file")
    if not uploads:
        raise HttpError(400, "send files in the multipart field 'file', or JSON metadata")
    try:
        raw_meta = json.loads(request.POST.get("metadata") or "{}")
        if not isinstance(raw_meta, dict):
            raise MetadataError("metadata must be a JSON object")
        metadata = normalise(raw_meta, "metadata")
    except (ValueError, MetadataError) as exc:
        raise HttpError(400, f"metadata: {exc}") from exc
    job = ingest.start_job(source="api", actor=actor, user=user)  # type: ignore[arg-type]
    for upload in uploads:
        ingest.admit_upload(job, upload, metadata)
    return Status(202, {**ingest.job_report(job), "status_url": f"/api/v1/imports/{job.pk}"})


@api.get("/imports/{job_id}", auth=TokenAuth(), tags=["ingest"], summary="Progress of an import")
def get_import(request: HttpRequest, job_id: int) -> dict[str, Any]:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise HttpError(404, f"no import with id {job_id}")
    return ingest.job_report(job)


# What librarians do to the catalogue (staff only); defined apart to keep this module small.
catalogue.mount(api)
