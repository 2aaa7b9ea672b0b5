"""Staff bits on the work page: the work's OCR runs and the digitise form."""

from __future__ import annotations

from typing import Any

from django import template

from javon.ocr import services
from javon.ocr.forms import RerunForm

register = template.Library()


@register.inclusion_tag("ocr/_work_digitise.html")
def ocr_for_work(work: Any) -> dict[str, Any]:
    runs = services.runs_for_work(work.pk)[:5]
    return {"work": work, "runs": [(run, services.progress(run)) for run in runs], "form": RerunForm()}
