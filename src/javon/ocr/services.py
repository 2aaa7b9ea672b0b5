"""Digitisation: OCR runs over a work's scan, one task per page.

A run lists the scan's pages and queues one task per page. A page task claims its row,
reads the page, recognises it, stores the derived files (hOCR, a one-page PDF with a text
layer, a page image) and then, in one transaction, writes the page's PageText row on the
original file and logs a search change, so the page's words are found as soon as it lands.
The worker that lands the last page merges the page PDFs into the searchable access copy.

Page numbers are the original's page numbers, which are the access PDF's page numbers.
Everything is keyed by (run, page): a repeated or crashed task redoes only its own page.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter

from javon.catalog.models import Work
from javon.ingest.extractors import ExtractionError
from javon.ingest.extractors.image import encode_thumbnail
from javon.ocr import engine, pages
from javon.ocr.models import OcrPage, OcrRun
from javon.search.services import work_changed
from javon.storage import services as storage
from javon.storage.models import Blob, File, FileRole, PageText

log = logging.getLogger(__name__)

STALL_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 3
THUMBNAIL_WIDTH = 300
OFF = "off"  # an import option: never digitise
_AUTO_MIME = ("image/tiff", *pages.DJVU, pages.ZIP)  # scans by nature: digitised without being asked


# ------------------------------------------------------------------ deciding
def wants_ocr(mime: str, page_texts: list[str], choice: str | None) -> bool:
    """Should an imported file be digitised? `choice` is the import's "ocr" option: None (decide),
    "off", or the languages to use ("auto", "uzb+rus", …), which asks for it."""
    mime = mime.split(";")[0].strip().lower()
    if choice == OFF or not pages.is_scan_mime(mime):
        return False
    if choice:
        return True
    if mime == pages.PDF:
        return not any(len(text.strip()) >= pages.TEXT_LAYER_CHARS for text in page_texts)
    return mime in _AUTO_MIME


def scan_of(work: Work) -> File | None:
    """The work's original file that OCR reads: its first original in a format we can digitise."""
    for f in File.objects.filter(work=work, role=FileRole.ORIGINAL).select_related("blob").order_by("id"):
        if pages.is_scan_mime(f.mime):
            return f
    return None


# ------------------------------------------------------------------ starting
def start_run(work: Work, *, languages: str = "auto", actor: str = "") -> OcrRun:
    """Queue OCR of every page of the work's scan. A scan that cannot be read gives a failed
    run whose error says why (it never raises for bad input); the pages are queued on commit.

    Raises ValueError for an unknown language choice (a form checks that first)."""
    languages = engine.normalise_languages(languages)
    source = scan_of(work)
    guess = engine.model_for(work.languages)
    run = OcrRun(work=work, languages=languages, guess=guess, actor=actor[:200])
    if source is None:
        run.source = File.objects.filter(work=work, role=FileRole.ORIGINAL).first()  # type: ignore[assignment]
        if run.source is None:
            raise ValueError("this work has no original file to digitise")
        return _failed_run(run, "this work has no scan to digitise (PDF, TIFF, JPEG, PNG, DjVu or page images)")
    run.source = source
    try:
        with storage.local_copy(source.blob) as local:
            found = pages.list_pages(local, source.mime)
    except ExtractionError as exc:
        return _failed_run(run, str(exc))
    except Exception as exc:  # one bad scan must not stop a worker or an import
        log.exception("listing the pages of file %s failed", source.pk)
        return _failed_run(run, f"the scan cannot be read ({type(exc).__name__}: {exc})")
    with transaction.atomic():
        run.pages_total = len(found)
        run.save()
        OcrPage.objects.bulk_create(
            OcrPage(run=run, number=p.number, status=OcrPage.Status.TEXT if p.has_text else OcrPage.Status.QUEUED)
            for p in found
        )
        queued = list(run.pages.filter(status=OcrPage.Status.QUEUED).values_list("pk", flat=True))
        run_id = run.pk
        if queued:
            transaction.on_commit(lambda: _enqueue_pages(queued))
        else:
            transaction.on_commit(lambda: finish_run(run_id))
    return run


def _failed_run(run: OcrRun, message: str) -> OcrRun:
    run.status = OcrRun.Status.FAILED
    run.error = message[:5000]
    run.finished = timezone.now()
    run.save()
    return run


def _enqueue_pages(page_ids: list[int]) -> None:
    from javon.ocr.tasks import ocr_page

    for page_id in page_ids:
        ocr_page.enqueue(page_id)


def rerun(run: OcrRun, *, languages: str, actor: str) -> OcrRun:
    """OCR the same work again with another language choice; the new run replaces the old
    one's text page by page as its pages land."""
    return start_run(run.work, languages=languages, actor=actor)


# ------------------------------------------------------------------ one page
def _claim(page_id: int) -> OcrPage | None:
    with transaction.atomic():
        page = OcrPage.objects.select_for_update().select_related("run").filter(pk=page_id).first()
        if page is None or page.status in OcrPage.FINAL:
            return None
        if page.status == OcrPage.Status.RUNNING and page.updated > timezone.now() - STALL_AFTER:
            return None  # another worker has it now; recover_stalled hands it on if that one died
        if page.attempts >= MAX_ATTEMPTS:
            OcrPage.objects.filter(pk=page.pk).update(
                status=OcrPage.Status.FAILED,
                error=f"gave up after {page.attempts} attempts (the worker stopped each time)",
            )
            return None
        page.status = OcrPage.Status.RUNNING
        page.attempts += 1
        page.save(update_fields=["status", "attempts", "updated"])
        OcrRun.objects.filter(pk=page.run_id, started__isnull=True).update(started=timezone.now())
    return page


def run_page(page_id: int) -> str:
    """OCR one page and land its text. Idempotent: a finished page is left alone."""
    page = _claim(page_id)
    if page is None:
        return "skipped"
    run = page.run
    source = File.objects.select_related("blob").get(pk=run.source_id)
    started = time.monotonic()
    try:
        with storage.local_copy(source.blob) as local:
            image = pages.load_page(local, source.mime, page.number)
        with image:
            result = engine.recognise(image, languages=run.languages, guess=run.guess)
        blobs = {
            "hocr": storage.store_bytes(result.hocr, "text/vnd.hocr+html")[0],
            "pdf": storage.store_bytes(result.pdf, "application/pdf")[0],
            "image": storage.store_bytes(result.image, "image/jpeg")[0],
        }
    except (ExtractionError, engine.OcrError) as exc:
        _page_failed(page, str(exc))
    except MemoryError:
        log.error("ran out of memory on page %s of OCR run %s", page.number, run.pk)
        _page_failed(page, "ran out of memory reading this page")
    except Exception as exc:  # one bad page must not stop the book
        log.exception("OCR of page %s of run %s failed", page.number, run.pk)
        _page_failed(page, f"unexpected error ({type(exc).__name__}: {exc})")
    else:
        _land(page, source, result, blobs, time.monotonic() - started)
    _finish_if_last(run.pk)
    return OcrPage.objects.get(pk=page.pk).status


def _page_failed(page: OcrPage, message: str) -> None:
    OcrPage.objects.filter(pk=page.pk).update(
        status=OcrPage.Status.FAILED, error=message[:5000], updated=timezone.now()
    )


def _land(page: OcrPage, source: File, result: engine.PageResult, blobs: dict[str, Blob], seconds: float) -> None:
    run = page.run
    with transaction.atomic():
        current = OcrPage.objects.select_for_update().get(pk=page.pk)
        if current.status in OcrPage.FINAL:
            return  # another worker landed it meanwhile
        PageText.objects.update_or_create(file=source, number=page.number, defaults={"text": result.text})
        OcrPage.objects.filter(pk=page.pk).update(
            status=OcrPage.Status.DONE,
            model=result.model,
            script=result.script,
            confidence=round(result.confidence, 1),
            words=result.words,
            rotation=result.rotation % 360,
            skew=result.skew,
            seconds=round(seconds, 2),
            error="",
            hocr=blobs["hocr"],
            pdf=blobs["pdf"],
            image=blobs["image"],
            updated=timezone.now(),
        )
        if run.languages == "auto" and result.confidence >= engine.LOW_CONFIDENCE and result.model != run.guess:
            # Later pages of the same book start with the model that read this one well.
            OcrRun.objects.filter(pk=run.pk).update(guess=result.model)
        work_changed(run.work_id)


# ------------------------------------------------------------------ finishing
def _finish_if_last(run_id: int) -> None:
    if not OcrPage.objects.filter(run_id=run_id).exclude(status__in=OcrPage.FINAL).exists():
        finish_run(run_id)


def finish_run(run_id: int) -> str:
    """Merge the pages into the searchable access PDF, store the book's hOCR and text, and
    replace those of earlier runs. Done once: the first worker to get here does it."""
    with transaction.atomic():
        run = OcrRun.objects.select_for_update().select_related("source__blob", "work").get(pk=run_id)
        if run.status != OcrRun.Status.RUNNING:
            return run.status
        page_rows = list(run.pages.select_related("pdf", "hocr", "image").order_by("number"))
        if any(p.status not in OcrPage.FINAL for p in page_rows):
            return run.status
    source = run.source
    try:
        access_blob = _merge_pdf(source, page_rows)
        hocr_blob = _merge_hocr(page_rows)
    except Exception as exc:  # a run that cannot be merged says so; its page texts stay searchable
        log.exception("finishing OCR run %s failed", run_id)
        OcrRun.objects.filter(pk=run_id).update(
            status=OcrRun.Status.FAILED, error=f"the access copy could not be made ({exc})", finished=timezone.now()
        )
        return OcrRun.Status.FAILED
    text = "\f".join(PageText.objects.filter(file=source).order_by("number").values_list("text", flat=True))
    text_blob = storage.store_bytes(text.encode("utf-8"), "text/plain")[0] if text.strip() else None
    has_thumbnail = File.objects.filter(work=run.work, role=FileRole.THUMBNAIL).exists()
    thumb = None if has_thumbnail else _first_page_thumbnail(page_rows)
    stem = Path(source.name).stem
    with transaction.atomic():
        OcrRun.objects.select_for_update().get(pk=run_id)
        File.objects.filter(
            work=run.work, derived_from=source, role__in=[FileRole.ACCESS, FileRole.OCR, FileRole.TEXT]
        ).delete()
        derived = [
            (access_blob, FileRole.ACCESS, f"{stem}.ocr.pdf", "application/pdf", len(page_rows)),
            (hocr_blob, FileRole.OCR, f"{stem}.hocr", "text/vnd.hocr+html", len(page_rows)),
            (text_blob, FileRole.TEXT, f"{stem}.txt", "text/plain; charset=utf-8", None),
            (thumb, FileRole.THUMBNAIL, f"{stem}.webp", "image/webp", None),
        ]
        for blob, role, name, mime, count in derived:
            if blob is not None:
                File.objects.create(
                    work=run.work,
                    blob=blob,
                    role=role,
                    name=name,
                    mime=mime,
                    size=blob.size,
                    page_count=count,
                    derived_from=source,
                )
        failed = sum(1 for p in page_rows if p.status == OcrPage.Status.FAILED)
        OcrRun.objects.filter(pk=run_id).update(
            status=OcrRun.Status.DONE,
            finished=timezone.now(),
            error=f"{failed} page(s) could not be read" if failed else "",
        )
        work_changed(run.work_id)
    return OcrRun.Status.DONE


def _merge_pdf(source: File, page_rows: list[OcrPage]) -> Blob:
    """One PDF, page for page: OCR'd pages with their text layer, pages that had text as they
    were, pages that failed as their picture (or blank), so page N stays page N."""
    writer = PdfWriter()
    original: PdfReader | None = None
    with storage.local_copy(source.blob) as local:
        if source.mime.startswith(pages.PDF):
            original = PdfReader(str(local))
        for p in page_rows:
            if p.status == OcrPage.Status.DONE and p.pdf is not None:
                writer.add_page(PdfReader(io.BytesIO(storage.read_blob(p.pdf))).pages[0])
            elif original is not None:
                writer.add_page(original.pages[p.number - 1])
            else:
                writer.add_blank_page(width=595, height=842)  # A4 in points
        with tempfile.NamedTemporaryFile(prefix="javon-ocr-", suffix=".pdf") as out:
            writer.write(out)
            out.flush()
            return storage.store_path(out.name, "application/pdf")[0]


_BODY = re.compile(rb"<body>(.*)</body>", re.S)


def _merge_hocr(page_rows: list[OcrPage]) -> Blob | None:
    """The book's hOCR: every page's ocr_page div in one document, ids made unique by page."""
    parts = []
    for p in page_rows:
        if p.hocr is None:
            continue
        body = _BODY.search(storage.read_blob(p.hocr))
        if body:
            parts.append(
                re.sub(
                    rb"id='(\w+?)_1(_\d+)?'",
                    lambda m, n=p.number: b"id='%s_%d%s'" % (m.group(1), n, m.group(2) or b""),
                    body.group(1),
                )
            )
    if not parts:
        return None
    head = (
        b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE html>\n<html xmlns='http://www.w3.org/1999/xhtml'>"
        b"<head><meta charset='utf-8'/><meta name='ocr-system' content='tesseract'/>"
        b"<meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word'/></head><body>"
    )
    return storage.store_bytes(head + b"\n".join(parts) + b"</body></html>\n", "text/vnd.hocr+html")[0]


def _first_page_thumbnail(page_rows: list[OcrPage]) -> Blob | None:
    first = next((p for p in page_rows if p.image is not None), None)
    if first is None or first.image is None:
        return None
    with Image.open(io.BytesIO(storage.read_blob(first.image))) as image:
        return storage.store_bytes(encode_thumbnail(image, THUMBNAIL_WIDTH), "image/webp")[0]


# ------------------------------------------------------------------ watching
@dataclass
class Progress:
    total: int
    done: int
    failed: int
    running: int
    seconds_left: float | None
    mean_confidence: float | None

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


def progress(run: OcrRun) -> Progress:
    counts = run.pages.aggregate(
        done=Count("id", filter=Q(status__in=[OcrPage.Status.DONE, OcrPage.Status.TEXT])),
        failed=Count("id", filter=Q(status=OcrPage.Status.FAILED)),
        running=Count("id", filter=Q(status=OcrPage.Status.RUNNING)),
        conf=Avg("confidence"),
    )
    left = run.pages_total - counts["done"] - counts["failed"]
    seconds_left: float | None = None
    if run.status == OcrRun.Status.RUNNING and run.started and counts["done"]:
        # Wall time per finished page so far, whatever the number of workers sharing the book.
        elapsed = (timezone.now() - run.started).total_seconds()
        seconds_left = elapsed / counts["done"] * left
    elif run.status != OcrRun.Status.RUNNING:
        seconds_left = 0.0
    return Progress(run.pages_total, counts["done"], counts["failed"], counts["running"], seconds_left, counts["conf"])


def low_confidence_pages(run: OcrRun, below: float = engine.LOW_CONFIDENCE) -> list[OcrPage]:
    """Pages a librarian should check: read with low confidence, or not read at all."""
    return list(
        run.pages.filter(
            Q(status=OcrPage.Status.DONE, confidence__lt=below) | Q(status=OcrPage.Status.FAILED)
        ).order_by("number")
    )


def ocr_pending(job: Any) -> bool:
    """Is OCR still running for a work of this import job?"""
    return OcrRun.objects.filter(
        work__in=job.items.exclude(work=None).values("work"), status=OcrRun.Status.RUNNING
    ).exists()


def runs_for_job(job: Any) -> list[tuple[OcrRun, Progress]]:
    """The OCR runs of an import job's works, newest first, with their progress (the job page)."""
    runs = OcrRun.objects.filter(work__in=job.items.exclude(work=None).values("work")).order_by("-id")[:50]
    return [(run, progress(run)) for run in runs]


def runs_for_work(work_id: int) -> list[OcrRun]:
    return list(OcrRun.objects.filter(work_id=work_id).order_by("-created", "-id"))


def recover_stalled(now: Any = None) -> int:
    """Queue again the pages whose worker died mid-page (running long after it began)."""
    cutoff = (now or timezone.now()) - STALL_AFTER
    stalled = list(
        OcrPage.objects.filter(status=OcrPage.Status.RUNNING, updated__lt=cutoff).values_list("pk", flat=True)
    )
    if stalled:
        OcrPage.objects.filter(pk__in=stalled).update(status=OcrPage.Status.QUEUED)
        _enqueue_pages(stalled)
    return len(stalled)
