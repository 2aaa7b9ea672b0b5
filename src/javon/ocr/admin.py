from django.contrib import admin

from javon.ocr.models import OcrPage, OcrRun


@admin.register(OcrRun)
class OcrRunAdmin(admin.ModelAdmin):
    list_display = ("id", "work", "languages", "status", "pages_total", "created", "finished")
    list_filter = ("status",)
    raw_id_fields = ("work", "source")


@admin.register(OcrPage)
class OcrPageAdmin(admin.ModelAdmin):
    list_display = ("run", "number", "status", "model", "confidence", "attempts")
    list_filter = ("status",)
    raw_id_fields = ("run", "hocr", "pdf", "image")
