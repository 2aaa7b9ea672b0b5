"""Citing a work: the Cite block and meta tags of its page, and the citation downloads.

GET /works/<id>/cite.bib | .ris | .json (CSL-JSON) | .csv, and /works/<id>/cite.txt?style=gost|apa.
A work that the reader may not see answers 404, like its page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from javon.access import services as access
from javon.catalog.crosswalk import citation, highwire, schemaorg
from javon.catalog.models import Work
from javon.catalog.services import WorkInput, to_input
from javon.reader.ranged import content_disposition
from javon.storage.models import FileRole

# File extension in the URL -> export format; .txt takes ?style=.
DOWNLOADS = {"bib": "bibtex", "ris": "ris", "json": "csl-json", "csv": "csv"}
PDF_ROLES = {FileRole.ORIGINAL, FileRole.ACCESS}


def page_count(work: Work) -> int | None:
    counts = [f.page_count for f in work.files.all() if f.role in PDF_ROLES and f.page_count]
    return counts[0] if counts else None


def readable_pdf_url(request: HttpRequest, work: Work) -> str:
    """The download of the work's PDF, only when this reader may have its bytes."""
    for f in work.files.all():
        if f.role in PDF_ROLES and f.mime == "application/pdf" and access.can_read(request, work, f):
            return request.build_absolute_uri(reverse("reader:download", args=[work.pk, f.pk]))
    return ""


def work_context(request: HttpRequest, work: Work) -> dict[str, Any]:
    """What web/_work_meta.html and web/_cite.html show for the work page."""
    data: WorkInput = to_input(work)
    url = request.build_absolute_uri(work.get_absolute_url())
    pages = page_count(work)
    return {
        "meta": highwire.meta_tags(data, page_url=url, pdf_url=readable_pdf_url(request, work)),
        # Escaped for a <script> element by script_json: safe to print as is.
        "json_ld": mark_safe(schemaorg.script_json(schemaorg.json_ld(data, url=url, pages=pages))),  # noqa: S308
        "gost": citation.format_citation(data, "gost", url=url, pages=pages),
        "apa": citation.format_citation(data, "apa", url=url, pages=pages),
    }


def citation_response(work: Work, fmt: str, *, url: str, pages: int | None) -> HttpResponse:
    rendered = citation.render(work, fmt, url=url, pages=pages)
    response = HttpResponse(rendered.text, content_type=f"{rendered.media_type}; charset=utf-8")
    stem = slugify(work.title, allow_unicode=True)[:60].strip("-") or "javon"
    response["Content-Disposition"] = content_disposition(
        f"{stem}-{work.pk}.{rendered.extension}", as_attachment=rendered.extension != "txt"
    )
    return response


@require_safe
def download(request: HttpRequest, work_id: int, extension: str) -> HttpResponse:
    if extension == "txt":
        fmt = request.GET.get("style", "gost")
        if fmt not in citation.STYLES:
            raise Http404(_("No such citation style"))
    elif extension in DOWNLOADS:
        fmt = DOWNLOADS[extension]
    else:
        raise Http404(_("No such citation format"))
    work = (
        Work.objects.prefetch_related("contributions__agent", "alternative_titles", "subjects", "identifiers", "files")
        .filter(pk=work_id)
        .first()
    )
    if work is None or not access.can_see(request, work):
        raise Http404(_("No such work"))
    url = request.build_absolute_uri(work.get_absolute_url())
    return citation_response(work, fmt, url=url, pages=page_count(work))
