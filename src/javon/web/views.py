"""Public and staff pages: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from javon.access import services as access
from javon.access.lending_views import lending_context
from javon.api.schemas import prefetched_works
from javon.catalog.models import Collection, Work, WorkType
from javon.ingest import services as ingest
from javon.ingest.metadata import normalise
from javon.ingest.models import ImportJob
from javon.interop import signposting
from javon.ocr import services as ocr
from javon.search import services as search_services
from javon.search.backend import Filters
from javon.storage.models import File, FileRole
from javon.web import browse, cite
from javon.web import script as scripts
from javon.web.forms import UploadForm

PER_PAGE = 10
TYPE_LABELS = dict(WorkType.choices)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    public = access.public_works()
    recent = (
        public
        .prefetch_related("contributions__agent")
        .order_by("-created", "-id")[:12]
    )
    collections = Collection.objects.filter(parent=None).annotate(n=Count("works", filter=browse.PUBLIC_WORKS))[:20]
    types = public.values("type").annotate(n=Count("id")).order_by("-n")
    return render(
        request,
        "web/home.html",
        {
            "recent": recent,
            "collections": collections,
            "types": [(t["type"], TYPE_LABELS.get(t["type"], t["type"]), t["n"]) for t in types],
            "total": public.count(),
            "most_read": browse.most_read_works(),
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:500]
    filters = Filters(
        type=request.GET.getlist("type"),
        language=request.GET.getlist("language"),
        collection=request.GET.getlist("collection"),
        subject=request.GET.getlist("subject"),
        year_from=_int(request.GET.get("year_from")),
        year_to=_int(request.GET.get("year_to")),
    )
    page = min(max(_int(request.GET.get("page")) or 1, 1), 1000)
    sort = request.GET.get("sort", "relevance")
    if sort not in {"relevance", "year", "-year", "title", "new"}:
        sort = "relevance"
    response = search_services.search(q, filters, page=page, per_page=PER_PAGE, sort=sort, who=request)
    works = prefetched_works([h.work_id for h in response.hits])
    hits = [(works[h.work_id], h) for h in response.hits if h.work_id in works]
    pages = max(1, (response.total + PER_PAGE - 1) // PER_PAGE)
    base = request.GET.copy()
    base.pop("page", None)
    names = dict(
        Collection.objects.filter(slug__in=list(response.facets.get("collection", {}))).values_list("slug", "name")
    )
    facets = {
        "type": [(k, TYPE_LABELS.get(k, k), n) for k, n in response.facets.get("type", {}).items()],
        "language": [(k, k, n) for k, n in response.facets.get("language", {}).items()],
        "subject": [(k, k, n) for k, n in response.facets.get("subject", {}).items()][:15],
        "collection": [(slug, names.get(slug, slug), n) for slug, n in response.facets.get("collection", {}).items()],
        "year_range": [
            (label, label.split("-")[0], label.split("-")[1], n)
            for label, n in response.facets.get("year_range", {}).items()
        ][:15],
    }
    return render(
        request,
        "web/search.html",
        {
            "q": q,
            "did_you_mean": response.did_you_mean,
            "relaxed": response.relaxed,
            "hits": hits,
            "total": response.total,
            "facets": facets,
            "selected": {
                "type": filters.type,
                "language": filters.language,
                "subject": filters.subject,
                "collection": filters.collection,
            },
            "page": page,
            "pages": pages,
            "sort": sort,
            "query_string": base.urlencode(),
            "has_next": page < pages,
            "filtered": bool(
                filters.type or filters.language or filters.collection or filters.subject
                or filters.year_from is not None or filters.year_to is not None
            ),
        },
    )


@require_safe
def work(request: HttpRequest, work_id: int) -> HttpResponse:
    obj = (
        Work.objects.prefetch_related(
            "contributions__agent",
            "alternative_titles",
            "subjects",
            "identifiers",
            "collections",
            Prefetch("files", queryset=File.objects.select_related("blob").order_by("id")),
        )
        .filter(pk=work_id)
        .first()
    )
    if obj is None or not access.can_see(request, obj):
        raise Http404(_("No such work"))
    readable = access.can_read(request, obj, online=True)
    all_files = [f for f in obj.files.all() if f.role != FileRole.THUMBNAIL]
    files = [f for f in all_files if access.can_read(request, obj, f)]
    has_thumb = readable and any(f.role == FileRole.THUMBNAIL for f in obj.files.all())
    q = request.GET.get("q", "").strip()[:300]
    inside = search_services.search_in_work(obj.pk, q, limit=20, who=request) if q and readable else []
    rule_text, rule_help = access.explain(obj)
    response = render(
        request,
        "web/work.html",
        {
            "work": obj,
            "files": files,
            "has_thumb": has_thumb,
            "q": q,
            "inside": inside,
            "type_label": TYPE_LABELS.get(obj.type, obj.type),
            "related": browse.related_works(obj),
            "cite": cite.work_context(request, obj),
            "readable": readable,
            "closed_files": len(all_files) - len(files),
            "rule_text": rule_text,
            "rule_help": rule_help,
            **lending_context(request, obj),
        },
    )
    return signposting.add_to_work(request, response, obj)  # FAIR Signposting Link headers


@staff_member_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        cleaned: dict[str, Any] = {k: v for k, v in form.cleaned_data.items() if k != "uploads" and v not in (None, "")}
        metadata = normalise(cleaned, "form")
        ocr_choice = {"ocr": cleaned["digitise"]} if cleaned.get("digitise") else {}
        job = ingest.start_job(
            source="upload", actor=f"web:{request.user.get_username()}", user=request.user, options=ocr_choice  # type: ignore[arg-type]
        )
        for upload_file in form.cleaned_data["uploads"]:
            ingest.admit_upload(job, upload_file, metadata)
        messages.success(request, _("Files received; they are being processed."))
        return redirect("web:job", job_id=job.pk)
    return render(request, "web/upload.html", {"form": form})


@staff_member_required
def jobs(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(ImportJob.objects.all(), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "web/jobs.html", {"page": page, "jobs": [(j, j.counts()) for j in page]})


@staff_member_required
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    obj = ImportJob.objects.filter(pk=job_id).first()
    if obj is None:
        raise Http404(_("No such import"))
    counts = obj.counts()
    done = counts["ok"] + counts["duplicate"] + counts["failed"]
    ocr_runs = ocr.runs_for_job(obj)
    return render(
        request,
        "web/job.html",
        {
            "job": obj,
            "items": obj.items.select_related("work")[:1000],
            "counts": counts,
            "done": done,
            "finished": done == counts["total"] and not any(r.status == "running" for r, _p in ocr_runs),
            "ocr_runs": ocr_runs,
        },
    )


@require_POST
def set_script(request: HttpRequest) -> HttpResponse:
    """Remember the reader's script (Latin or Cyrillic) in a cookie and go back to the page."""
    chosen = request.POST.get("script", "")
    if chosen not in scripts.SCRIPTS:
        return HttpResponseBadRequest(_("Unknown script"))
    # Back to a page of this site only: a path, never another host (no open redirect).
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        scripts.COOKIE,
        chosen,
        max_age=scripts.COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
