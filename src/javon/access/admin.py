from django.contrib import admin

from javon.access.models import ApiToken, AuditEvent, Network


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked"]
    readonly_fields = ["prefix", "key_hash", "created", "last_used"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["library", "cidr"]
    search_fields = ["library", "cidr"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the system, never edited."""

    list_display = ["time", "actor", "action", "target", "address"]
    list_filter = ["action"]
    search_fields = ["actor", "target", "action"]
    date_hierarchy = "time"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
