from django.contrib import admin

from javon.storage.models import Blob, File


@admin.register(Blob)
class BlobAdmin(admin.ModelAdmin):
    list_display = ["sha256", "size", "mime", "created", "verified", "fixity_ok"]
    list_filter = ["mime", "fixity_ok"]
    search_fields = ["sha256"]
    readonly_fields = ["sha256", "size", "mime", "storage_name", "created", "verified", "fixity_ok"]


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    list_display = ["name", "work", "role", "mime", "size"]
    list_filter = ["role", "mime"]
    search_fields = ["name", "blob__sha256", "work__title"]
    readonly_fields = ["blob", "mime", "size", "page_count", "duration", "derived_from", "created"]
    raw_id_fields = ["work"]
