from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from javon.catalog.models import WorkType
from javon.ocr.forms import DIGITISE_CHOICES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Files"),
        help_text=_("Documents, or catalogue records: each record of a MARC 21 (.mrc) or MARCXML file becomes a work"),
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=1000, help_text=_("Leave empty to take it from the file")
    )
    creators = forms.CharField(
        label=_("Authors"), required=False, help_text=_("Surname, Given (dates); several separated by ;")
    )
    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *WorkType.choices], required=False)
    language = forms.CharField(
        label=_("Language"), required=False, max_length=12, help_text=_("uz, ru, en … — detected when empty")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=-3000, max_value=3000)
    subjects = forms.CharField(label=_("Subjects"), required=False, help_text=_("separated by ;"))
    collection = forms.CharField(
        label=_("Collection"), required=False, help_text=_("Parent/Child for nested collections")
    )
    licence = forms.CharField(label=_("Licence"), required=False, max_length=200)
    digitise = forms.ChoiceField(
        label=_("Digitise (OCR)"),
        choices=DIGITISE_CHOICES,
        required=False,
        help_text=_("Recognise the text of scans, page by page, in these languages"),
    )
