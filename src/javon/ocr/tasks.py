"""OCR tasks: one per page, so workers on any machine share a book. They take ids and call the services."""

from __future__ import annotations

from django.tasks import task

from javon.ocr import services


@task(queue_name="ocr")
def ocr_page(page_id: int) -> str:
    return services.run_page(page_id)
