"""The language choices a librarian picks from when digitising or re-running OCR."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from javon.ocr.engine import normalise_languages

LANGUAGE_CHOICES = [
    ("auto", _("Detect per page (script and confidence)")),
    ("uzb", _("Uzbek, Latin script")),
    ("uzb_cyrl", _("Uzbek, Cyrillic script")),
    ("rus", _("Russian")),
    ("eng", _("English")),
    ("uzb+eng", _("Uzbek (Latin) and English")),
    ("uzb_cyrl+rus", _("Uzbek (Cyrillic) and Russian")),
    ("uzb+uzb_cyrl+rus+eng", _("All four (slowest)")),
]
DIGITISE_CHOICES = [
    ("", _("Automatically: PDFs without a text layer, TIFF, DjVu")),
    *LANGUAGE_CHOICES,
    ("off", _("Never")),
]


class RerunForm(forms.Form):
    languages = forms.ChoiceField(label=_("Languages"), choices=LANGUAGE_CHOICES, initial="auto")

    def clean_languages(self) -> str:
        return normalise_languages(self.cleaned_data["languages"])
