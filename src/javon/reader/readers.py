"""The reader pages: one view chooses the file, one renders the reader that suits it.

Each page does its whole job without JavaScript (a page at a time, with prev/next and "go to
page"); reader.js, loaded only here, turns the PDF reader into a continuous scroll with a
selectable text layer and remembers the reading position.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from javon.access import services as access
from javon.catalog.models import Work
from javon.reader import epub, pdf
from javon.reader import services as reader
from javon.reader.views import readable_file
from javon.search import services as search_services
from javon.shelf.services import record_reading
from javon.storage import services as storage
from javon.storage.models import File, PageText


def _page_number(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number >= 1 else None


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:300]


@require_safe
def read_work(request: HttpRequest, work_id: int) -> HttpResponse:
    """Open the work in its best readable file, at ?page= with ?q= marked."""
    work = Work.objects.filter(pk=work_id).first()
    if work is None or not access.can_read(request, work, online=True):
        raise Http404(_("Nothing to read"))
    f = reader.best_file(request, work)
    if f is None:
        raise Http404(_("Nothing to read"))
    params = {k: v for k, v in (("page", request.GET.get("page", "")), ("q", _query(request))) if v}
    url = reverse("reader:read", args=[work.pk, f.pk])
    return HttpResponseRedirect(url + ("?" + urlencode(params) if params else ""))


def _url(work_id: int, file_id: int, page: int | None, q: str) -> str:
    params: dict[str, Any] = {"page": page} if page else {}
    if q:
        params["q"] = q
    return reverse("reader:read", args=[work_id, file_id]) + ("?" + urlencode(params) if params else "")


def _context(request: HttpRequest, f: File, kind: str, page: int, count: int, q: str) -> dict[str, Any]:
    work = f.work
    hits = search_services.search_in_work(work.pk, q, limit=50, who=request) if q else []
    return {
        "work": work,
        "file": f,
        "kind": kind,
        "page": page,
        "count": count,
        "q": q,
        "hits": [(number, snippet, _url(work.pk, f.pk, number, q)) for number, snippet in hits],
        "prev_url": _url(work.pk, f.pk, page - 1, q) if page > 1 else "",
        "next_url": _url(work.pk, f.pk, page + 1, q) if page < count else "",
        "download_url": reverse("reader:download", args=[work.pk, f.pk]),
        # Lent works are read here only: no download link, no whole-file viewer.
        "downloadable": access.can_read(request, work, f),
        "read_url": reverse("reader:read", args=[work.pk, f.pk]),
        "position_key": f"javon:pos:{work.pk}:{f.pk}",
        "explicit_page": "page" in request.GET,
    }


@require_safe
def read_file(request: HttpRequest, work_id: int, file_id: int, number: int | None = None) -> HttpResponse:
    f = readable_file(request, work_id, file_id, online=True)
    kind = reader.reader_kind(f)
    if kind is None:
        raise Http404(_("This file cannot be read online"))
    q = _query(request)
    page = number or _page_number(request.GET.get("page")) or 1
    if kind in ("audio", "video"):
        reader.note_use(request, f.work, "read")
        record_reading(request, f.work, f)
        context = _context(request, f, kind, 1, 1, q)
        context["media_url"] = context["download_url"] + "?inline=1"
        return render(request, "reader/media.html", context)
    count = reader.page_count(f)
    if not 1 <= page <= max(count, 1):
        raise Http404(_("No such page"))
    context = _context(request, f, kind, page, count, q)
    reader.note_use(request, f.work, "read")
    # A page the reader asked for is where they are now (no JavaScript needed to move on).
    record_reading(request, f.work, f, page if number or "page" in request.GET else None, of=count)
    if kind == "pdf":
        return _pdf(request, f, context)
    if kind == "epub":
        return _epub(request, f, context)
    return _text(request, f, context)


def _pdf(request: HttpRequest, f: File, context: dict[str, Any]) -> HttpResponse:
    page, q = context["page"], context["q"]
    sizes = reader.page_sizes(f)
    width, height = sizes[page - 1]
    base = reverse("reader:read", args=[f.work_id, f.pk]).removesuffix("read") + "pages/"
    default = pdf.DEFAULT_WIDTH
    # PDF.js fetches the whole file: not for lent works, whose PDF stays on the server.
    if request.GET.get("viewer") == "pdfjs" and access.can_read(request, f.work, f):
        return render(request, "reader/pdfjs.html", {**context, "pdf_url": context["download_url"] + "?inline=1"})
    paragraphs, marks = reader.paragraphs_html(reader.page_text(f, page), q, reader.work_lang(f.work))
    context.update(
        {
            "pages_base": base,
            "image_url": f"{base}{page}.webp?w={default}",
            "srcset": ", ".join(f"{base}{page}.webp?w={w} {w}w" for w in pdf.WIDTHS),
            "image_width": default,
            "image_height": round(default * height / max(width, 1.0)),
            "sizes_data": [[round(w, 1), round(h, 1)] for w, h in sizes],
            "widths": list(pdf.WIDTHS),
            "default_width": default,
            "paragraphs": paragraphs,
            "marks": marks,
        }
    )
    return render(request, "reader/pdf.html", context)


def _text(request: HttpRequest, f: File, context: dict[str, Any]) -> HttpResponse:
    text = reader.page_text(f, context["page"])
    paragraphs, marks = reader.paragraphs_html(text, context["q"], reader.work_lang(f.work))
    context.update({"paragraphs": paragraphs, "marks": marks})
    return render(request, "reader/text.html", context)


def _toc(f: File) -> list[tuple[int, str]]:
    """Chapter numbers with a title: the first line of each chapter's text."""
    rows = PageText.objects.filter(file=reader.text_source(f)).order_by("number").values_list("number", "text")
    toc = []
    for number, text in rows:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        toc.append((number, (first[:77] + "…") if len(first) > 80 else first or _("Chapter %d") % number))
    return toc


def _epub(request: HttpRequest, f: File, context: dict[str, Any]) -> HttpResponse:
    work_id, q = f.work_id, context["q"]
    lang = reader.work_lang(f.work)
    keys = reader.query_keys(q)

    def chapter_url(n: int) -> str:
        return _url(work_id, f.pk, n, q)

    def image_url(name: str) -> str:
        return reverse("reader:epub_image", args=[work_id, f.pk, name])

    with storage.local_copy(f.blob, ".epub") as local:
        try:
            chapter = epub.chapter(
                local,
                context["page"],
                chapter_url=chapter_url,
                image_url=image_url,
                spans_of=(lambda text: reader.word_spans(text, keys, lang)) if keys else None,
            )
        except Exception:  # noqa: BLE001 - a damaged EPUB still has its extracted text
            chapter = None
    if chapter is None:
        return _text(request, f, context)
    context.update({"chapter_html": chapter.html, "toc": _toc(f)})
    return render(request, "reader/epub.html", context)
