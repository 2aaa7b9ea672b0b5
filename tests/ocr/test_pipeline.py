"""Scans through import, page tasks, search and the reader, with real tesseract."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from javon.ingest import services as ingest
from javon.ingest.models import ImportItem
from javon.ocr import services as ocr
from javon.ocr.models import OcrPage, OcrRun
from javon.ocr.testpages import Degrade
from javon.reader import services as reader
from javon.search import services as search
from javon.storage import services as storage
from javon.storage.models import File, FileRole, PageText
from tests.factories import write_pdf
from tests.ocr.helpers import cer, image_pdf, scan

pytestmark = pytest.mark.django_db(transaction=True)


def _only_run(work_id: int) -> OcrRun:
    runs = ocr.runs_for_work(work_id)
    assert len(runs) == 1, runs
    return runs[0]


def _pdf_page_texts(f: File) -> list[str]:
    with storage.local_copy(f.blob) as local:
        pdf = pdfium.PdfDocument(str(local))
        try:
            return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        finally:
            pdf.close()


def test_image_only_pdf_is_digitised_page_by_page_and_found(tmp_path: Path, client: Any) -> None:
    latin, latin_text = scan("uz-Latn", Degrade(skew=1.5, noise=0.005), words=35)
    cyrillic, cyrillic_text = scan("uz-Cyrl", Degrade(blur=0.7), words=35)
    path = image_pdf(tmp_path / "kenja-botir.pdf", [latin, cyrillic])

    job = ingest.import_paths([path], actor="test")  # no option: a PDF without text is digitised by itself

    item = job.items.get()
    assert item.status == ImportItem.Status.OK, item.error
    run = _only_run(item.work_id)
    assert run.status == OcrRun.Status.DONE and run.pages_total == 2
    pages = list(run.pages.order_by("number"))
    assert [p.status for p in pages] == [OcrPage.Status.DONE] * 2
    assert [p.script for p in pages] == ["Latin", "Cyrillic"]
    assert pages[1].model == "uzb_cyrl"
    original = File.objects.get(work_id=item.work_id, role=FileRole.ORIGINAL)
    texts = dict(PageText.objects.filter(file=original).values_list("number", "text"))
    assert cer(latin_text, texts[1]) <= 0.03 and cer(cyrillic_text, texts[2]) <= 0.03

    # Found by words on those pages, in either Uzbek script, on the right page.
    assert item.work_id in [hit.work_id for hit in search.search("pishirib").hits]
    # "qo‘yibdi" is on both pages, once in each script; the Cyrillic query finds both.
    assert sorted(page for page, _snippet in search.search_in_work(item.work_id, "қўйибди")) == [1, 2]

    # The access copy: one PDF, the same pages, with the text under the images.
    access = File.objects.get(work_id=item.work_id, role=FileRole.ACCESS)
    assert access.page_count == 2 and access.derived_from_id == original.pk
    layer = _pdf_page_texts(access)
    assert "botir" in layer[0] and "ботир" in layer[1]
    assert reader.best_file(None, access.work) == access
    hocr = File.objects.get(work_id=item.work_id, role=FileRole.OCR)
    assert storage.read_blob(hocr.blob).count(b"class='ocr_page'") == 2
    assert all(p.image_id for p in pages)  # page images for the reader
    assert File.objects.filter(work_id=item.work_id, role=FileRole.THUMBNAIL).exists()

    # The text API serves the OCR text like born-digital text: pages split by form feeds.
    response = client.get(f"/api/v1/works/{item.work_id}/text")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("\f") == 1 and "botir" in body.split("\f")[0]


def test_mixed_pdf_reads_only_pages_without_text(tmp_path: Path) -> None:
    born = write_pdf(tmp_path, "born.pdf", "Samarqand shahrining tarixi haqida bir necha soʻz. " * 4)
    scanned, scanned_text = scan("en", words=25)
    image_page = image_pdf(tmp_path / "scan.pdf", [scanned])
    writer = PdfWriter()
    writer.append(str(born))
    writer.append(str(image_page))
    mixed = tmp_path / "mixed.pdf"
    with open(mixed, "wb") as out:
        writer.write(out)

    job = ingest.import_paths([mixed], actor="test", ocr="auto")  # a mixed PDF is digitised when asked

    item = job.items.get()
    run = _only_run(item.work_id)
    statuses = list(run.pages.order_by("number").values_list("status", flat=True))
    assert statuses[-1] == OcrPage.Status.DONE and OcrPage.Status.TEXT in statuses
    layer = _pdf_page_texts(File.objects.get(work_id=item.work_id, role=FileRole.ACCESS))
    born_page = statuses.index(OcrPage.Status.TEXT)
    assert "Samarqand" in layer[born_page] and cer(scanned_text, layer[-1]) <= 0.05
    assert item.work_id in [h.work_id for h in search.search("forefinger").hits]


def test_folder_of_page_images_is_one_work_in_natural_order(tmp_path: Path) -> None:
    folder = tmp_path / "ruscha-kitob"
    folder.mkdir()
    first, _ = scan("ru", words=20)
    second, _ = scan("en", words=20)
    first.save(folder / "2.png")
    second.save(folder / "10.png")

    job = ingest.import_paths([folder], actor="test", ocr="auto")

    item = job.items.get()
    assert item.status == ImportItem.Status.OK, item.error
    run = _only_run(item.work_id)
    pages = list(run.pages.order_by("number"))
    assert [p.script for p in pages] == ["Cyrillic", "Latin"]  # 2.png before 10.png
    assert File.objects.get(work_id=item.work_id, role=FileRole.ACCESS).page_count == 2


def test_a_crashed_page_is_redone_alone_and_rerun_replaces_the_text(tmp_path: Path) -> None:
    image, _ = scan("uz-Latn", words=20)
    path = image_pdf(tmp_path / "bir.pdf", [image, image.rotate(180)])
    job = ingest.import_paths([path], actor="test", ocr="uzb")
    run = _only_run(job.items.get().work_id)
    one, two = run.pages.order_by("number")
    assert two.rotation == 180 and one.attempts == two.attempts == 1

    # The worker on page 2 died: the page is left running, the run unfinished.
    OcrRun.objects.filter(pk=run.pk).update(status=OcrRun.Status.RUNNING, finished=None)
    OcrPage.objects.filter(pk=two.pk).update(
        status=OcrPage.Status.RUNNING, updated=timezone.now() - ocr.STALL_AFTER * 2
    )
    assert ocr.run_page(one.pk) == "skipped"  # a repeated task leaves a finished page alone
    assert ocr.recover_stalled() == 1  # runs at once here (immediate task backend)
    one.refresh_from_db()
    two.refresh_from_db()
    run.refresh_from_db()
    assert (one.attempts, two.attempts) == (1, 2) and two.status == OcrPage.Status.DONE
    assert run.status == OcrRun.Status.DONE

    again = ocr.rerun(run, languages="eng", actor="test")
    again.refresh_from_db()
    assert again.pk != run.pk and again.status == OcrRun.Status.DONE
    assert set(again.pages.values_list("model", flat=True)) == {"eng"}
    assert File.objects.filter(work=run.work, role=FileRole.ACCESS).count() == 1
    assert PageText.objects.filter(file=run.source).count() == 2


def test_pdf_pages_with_a_text_layer_are_not_read_again(tmp_path: Path) -> None:
    born = write_pdf(tmp_path, "born.pdf", "Toshkent kutubxonasi " * 20)
    job = ingest.import_paths([born], actor="test")
    assert not OcrRun.objects.exists()  # a PDF with text is not digitised unless asked
    run = ocr.start_run(job.items.get().work, actor="test")
    run.refresh_from_db()
    assert run.status == OcrRun.Status.DONE and run.pages.get(status="text").number == run.pages_total
    reader_pdf = PdfReader(io.BytesIO(storage.read_blob(File.objects.get(work=run.work, role=FileRole.ACCESS).blob)))
    assert "Toshkent" in reader_pdf.pages[-1].extract_text()


def test_import_command_digitise_option(tmp_path: Path, capsys: Any) -> None:
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    folder = tmp_path / "kitob"
    folder.mkdir()
    for name in ("1.png", "2.png"):
        scan("en", words=10)[0].save(folder / name)
    call_command("import", str(folder), "--digitise", "eng", "--json")
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["items"], captured.err
    assert [item["status"] for item in report["items"]] == ["ok"]
    run = _only_run(report["items"][0]["work_id"])
    assert run.languages == "eng" and run.pages_total == 2
    with pytest.raises((CommandError, SystemExit)):
        call_command("import", str(folder), "--digitise", "klingon")
