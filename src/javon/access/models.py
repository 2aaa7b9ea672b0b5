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


class AuditEvent(models.Model):
    """Who did what, when, from where: staff actions and reads of restricted works.

    Kept apart from the things it speaks of, so that deleting a work or an account keeps
    the record that it happened (the actor's name is kept as text).
    """

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor = models.CharField(_("actor"), max_length=200, help_text=_("user name, or cli/worker/system"))
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target = models.CharField(_("target"), max_length=200, blank=True, db_index=True, help_text=_("e.g. work:12"))
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"


class Loan(models.Model):
    """One digital copy of a work lent to one reader until `due` (controlled digital lending).

    A loan is over when it is returned or when `due` has passed, whichever comes first: the
    reader's access ends at `due` even before the housekeeping marks it returned.
    """

    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="loans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loans")
    start = models.DateTimeField(auto_now_add=True)
    due = models.DateTimeField(db_index=True)
    returned = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("loan")
        constraints = [
            models.UniqueConstraint(
                fields=["work", "user"], condition=models.Q(returned=None), name="one_open_loan_per_reader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_id} → {self.user_id} until {self.due:%Y-%m-%d}"


class Hold(models.Model):
    """A place on a work's waiting list. When a copy comes free the first reader is told and
    the copy is kept for them until `offer_expires`."""

    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="holds")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holds")
    created = models.DateTimeField(auto_now_add=True)
    offered = models.DateTimeField(null=True, blank=True)
    offer_expires = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("hold")
        constraints = [models.UniqueConstraint(fields=["work", "user"], name="one_hold_per_reader")]

    def __str__(self) -> str:
        return f"{self.user_id} waits for {self.work_id}"
