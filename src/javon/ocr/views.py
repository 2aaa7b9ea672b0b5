"""Staff pages: a run's progress, its pages to check, and re-running with other languages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from javon.catalog.models import Work
from javon.ocr import services
from javon.ocr.forms import RerunForm
from javon.ocr.models import OcrRun


def _run_or_404(run_id: int) -> OcrRun:
    run = OcrRun.objects.select_related("work", "source").filter(pk=run_id).first()
    if run is None:
        raise Http404(_("No such OCR run"))
    return run


@staff_member_required
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(run_id)
    return render(
        request,
        "ocr/run.html",
        {
            "run": run,
            "progress": services.progress(run),
            "low": services.low_confidence_pages(run),
            "pages": run.pages.order_by("number")[:2000],
            "others": [r for r in services.runs_for_work(run.work_id) if r.pk != run.pk][:20],
            "form": RerunForm(initial={"languages": run.languages}),
        },
    )


@staff_member_required
@require_POST
def rerun(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(run_id)
    form = RerunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the languages to read the pages in."))
        return redirect("ocr:run", run_id=run.pk)
    new = services.rerun(run, languages=form.cleaned_data["languages"], actor=f"web:{request.user.get_username()}")
    messages.success(request, _("OCR started again; the pages are replaced as they are read."))
    return redirect("ocr:run", run_id=new.pk)


@staff_member_required
@require_POST
def digitise(request: HttpRequest, work_id: int) -> HttpResponse:
    """The "digitise" action for a work already in the library."""
    work = Work.objects.filter(pk=work_id).first()
    if work is None:
        raise Http404(_("No such work"))
    form = RerunForm(request.POST)
    languages = form.cleaned_data["languages"] if form.is_valid() else "auto"
    try:
        run = services.start_run(work, languages=languages, actor=f"web:{request.user.get_username()}")
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("web:work", work_id=work.pk)
    return redirect("ocr:run", run_id=run.pk)
