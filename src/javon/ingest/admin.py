from django.contrib import admin

from javon.ingest.models import ImportItem, ImportJob


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    extra = 0
    fields = ("name", "status", "stage", "work", "error")
    readonly_fields = fields
    can_delete = False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "source", "actor", "created"]
    list_filter = ["source"]
    inlines = [ImportItemInline]
