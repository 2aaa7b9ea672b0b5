"""API tokens and the networks of the libraries (for on-site access)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its sha256 is kept; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=12, help_text=_("first characters, to recognise it"))
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, blank=True, help_text=_('e.g. ["ingest"]'))
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Network(models.Model):
    """An address range of a library (a campus, a reading room): readers inside it are on site."""

    library = models.CharField(_("library"), max_length=200)
    cidr = models.CharField(_("address range"), max_length=64, help_text=_("e.g. 10.20.0.0/16 or 2001:db8::/32"))

    class Meta:
        verbose_name = _("on-site network")
        ordering = ["library", "cidr"]

    def __str__(self) -> str:
        return f"{self.library}: {self.cidr}"

    def clean(self) -> None:
        import ipaddress

        from django.core.exceptions import ValidationError

        try:
            ipaddress.ip_network(self.cidr, strict=False)
        except ValueError as error:
            raise ValidationError({"cidr": str(error)}) from error
