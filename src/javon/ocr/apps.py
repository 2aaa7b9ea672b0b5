from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OcrConfig(AppConfig):
    name = "javon.ocr"
    verbose_name = _("Digitisation (OCR)")
    default_auto_field = "django.db.models.BigAutoField"
