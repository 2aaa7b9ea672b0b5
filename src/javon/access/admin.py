from django.contrib import admin

from javon.access.models import ApiToken, Network


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked"]
    readonly_fields = ["prefix", "key_hash", "created", "last_used"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["library", "cidr"]
    search_fields = ["library", "cidr"]
