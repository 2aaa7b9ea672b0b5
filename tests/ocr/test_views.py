"""Staff pages: progress, pages to check, re-run with other languages; the upload's digitise choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from javon.ingest.models import ImportJob
from javon.ocr.models import OcrPage, OcrRun
from tests.ocr.helpers import image_pdf, scan

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(client: Any, tmp_path: Path, digitise: str) -> ImportJob:
    image, _ = scan("ru", words=20)
    pdf = image_pdf(tmp_path / "gogol.pdf", [image])
    response = client.post(
        "/staff/upload",
        {"uploads": SimpleUploadedFile("gogol.pdf", pdf.read_bytes(), "application/pdf"), "digitise": digitise},
    )
    assert response.status_code == 302, response.content[:2000]
    job = ImportJob.objects.get()
    assert job.options.get("ocr") == (digitise or None)
    return job


def test_upload_digitises_and_staff_follow_and_rerun(client: Any, staff_user: Any, tmp_path: Path) -> None:
    client.force_login(staff_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the words checked below are the English source
    job = _upload(client, tmp_path, "rus")
    run = OcrRun.objects.get()
    assert run.languages == "rus" and run.status == OcrRun.Status.DONE

    page = client.get(f"/staff/jobs/{job.pk}").content.decode()
    assert f"/staff/ocr/{run.pk}" in page and "1 of 1 pages" in page

    page = client.get(f"/staff/ocr/{run.pk}").content.decode()
    assert "1 of 1 pages done" in page and "rus" in page and 'name="csrfmiddlewaretoken"' in page

    # A low-confidence page is listed for checking.
    OcrPage.objects.filter(run=run).update(confidence=41.5)
    page = client.get(f"/staff/ocr/{run.pk}").content.decode()
    assert "Pages to check" in page and "41.5" in page

    response = client.post(f"/staff/ocr/{run.pk}/rerun", {"languages": "uzb_cyrl+rus"})
    again = OcrRun.objects.exclude(pk=run.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/staff/ocr/{again.pk}"
    assert again.languages == "uzb_cyrl+rus"
    again.refresh_from_db()
    assert again.status == OcrRun.Status.DONE and again.pages.get().model == "uzb_cyrl+rus"


def test_upload_can_say_never(client: Any, staff_user: Any, tmp_path: Path) -> None:
    client.force_login(staff_user)
    _upload(client, tmp_path, "off")
    assert not OcrRun.objects.exists()


def test_readers_cannot_see_or_start_runs(client: Any, django_user_model: Any, tmp_path: Path) -> None:
    from tests.factories import make_work

    work = make_work()
    reader = django_user_model.objects.create_user(username="reader", password="a-long-test-password")
    client.force_login(reader)
    assert client.post(f"/staff/ocr/works/{work.pk}/digitise", {"languages": "auto"}).status_code == 302
    assert client.get("/staff/ocr/1").status_code == 302  # to the staff login
    assert not OcrRun.objects.exists()


def test_staff_digitise_a_work_from_its_page(client: Any, staff_user: Any, tmp_path: Path) -> None:
    from javon.storage import services as storage
    from javon.storage.models import File
    from tests.factories import make_work

    client.force_login(staff_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    work = make_work(title="Skan")
    image, _ = scan("en", words=15)
    blob, _ = storage.store_path(image_pdf(tmp_path / "s.pdf", [image]), "application/pdf")
    File.objects.create(work=work, blob=blob, role="original", name="s.pdf", mime="application/pdf", size=blob.size)
    page = client.get(f"/works/{work.pk}").content.decode()
    assert f"/staff/ocr/works/{work.pk}/digitise" in page
    response = client.post(f"/staff/ocr/works/{work.pk}/digitise", {"languages": "eng"})
    run = OcrRun.objects.get(work=work)
    assert response["Location"] == f"/staff/ocr/{run.pk}"
    run.refresh_from_db()
    assert run.status == OcrRun.Status.DONE
    assert f"/staff/ocr/{run.pk}" in client.get(f"/works/{work.pk}").content.decode()
