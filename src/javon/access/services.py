"""Who may do what: API tokens, and the access decisions every door asks for."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone

from javon.access import policy
from javon.access.models import ApiToken, Network

log = logging.getLogger(__name__)

TOKEN_PREFIX = "jvn_"  # noqa: S105 - a public marker, not a secret


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: User, name: str, scopes: list[str] | None = None) -> str:
    """Make a token and return it; only its hash is stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[:12], key_hash=_hash(key), scopes=scopes or ["ingest"])
    return key


def user_for_token(key: str) -> Any | None:
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    if token.expires is not None and token.expires < timezone.now():
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user


def is_staff(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_staff", False))


# --- access decisions: every door calls can_see / can_read with the request -------------

Who = HttpRequest | User | AnonymousUser | None

_networks: tuple[float, list[ipaddress.IPv4Network | ipaddress.IPv6Network]] = (0.0, [])
_NETWORKS_TTL = 30.0  # seconds a process trusts its copy of the on-site networks


def forget_networks(**_: Any) -> None:
    global _networks
    _networks = (0.0, [])


def _onsite_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    global _networks
    loaded_at, nets = _networks
    if time.monotonic() - loaded_at > _NETWORKS_TTL:
        nets = []
        for cidr in Network.objects.values_list("cidr", flat=True):
            try:
                nets.append(ipaddress.ip_network(cidr.strip(), strict=False))
            except ValueError:
                log.warning("ignoring on-site network %r: not an address range", cidr)
        _networks = (time.monotonic(), nets)
    return nets


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The reader's address. X-Forwarded-For is believed only from JAVON_TRUSTED_PROXIES,
    read right to left up to the first address that is not one of those proxies."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = [ipaddress.ip_network(c, strict=False) for c in settings.TRUSTED_PROXIES]
    if remote is None or not any(remote in net for net in proxies):
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote
        if not any(address in net for net in proxies):
            return address
    return remote


def is_onsite(request: HttpRequest) -> bool:
    address = client_ip(request)
    return address is not None and any(address in net for net in _onsite_networks())


def viewer_for(who: Who) -> policy.Viewer:
    """What access needs to know about a request (or, without one, a user: never on site)."""
    request = who if isinstance(who, HttpRequest) else None
    user: Any = getattr(request, "user", None) if request is not None else who
    cached = getattr(request, "_javon_viewer", None)
    if cached is not None:
        return cached
    authenticated = bool(user is not None and user.is_authenticated)
    groups: frozenset[str] = frozenset()
    if authenticated and user is not None:
        groups = frozenset(user.groups.values_list("name", flat=True))
    viewer = policy.Viewer(
        authenticated=authenticated,
        staff=is_staff(user),
        groups=groups,
        onsite=request is not None and is_onsite(request),
    )
    if request is not None:
        request._javon_viewer = viewer  # type: ignore[attr-defined]
    return viewer


def work_rule(work: Any) -> policy.Rule:
    try:
        return policy.parse_rule(getattr(work, "access", ""))
    except policy.RuleError:
        return policy.Rule(policy.STAFF)  # an unreadable rule closes, never opens


def file_rule(f: Any) -> policy.Rule:
    own = getattr(f, "access", "")
    if not own:
        return work_rule(f.work)
    try:
        return policy.parse_rule(own)
    except policy.RuleError:
        return policy.Rule(policy.STAFF)


def can_see(who: Who, work: Any) -> bool:
    """May `who` see the work's record (title, authors, description)?"""
    from javon.catalog.models import Work

    viewer = viewer_for(who)
    if viewer.staff:
        return True
    return work.status == Work.Status.READY and policy.may_see_record(viewer, work_rule(work))


def can_read(who: Who, work: Any, file: Any | None = None) -> bool:
    """May `who` have the work's content: its text, pages, images and files (or one `file`)?

    Pass the request, not only its user: on-site rules need the reader's address."""
    if not can_see(who, work):
        return False
    viewer = viewer_for(who)
    rule = file_rule(file) if file is not None else work_rule(work)
    # A file's own rule decides for its bytes (an open sample of a closed book, say), but
    # never past a hidden record: can_see above has already said no to that.
    return policy.may_read(viewer, rule, timezone.localdate())


def explain(work: Any, file: Any | None = None) -> tuple[str, str]:
    """The rule in plain words and what to do to get access (for the reader)."""
    rule = file_rule(file) if file is not None else work_rule(work)
    return policy.explain(rule, timezone.localdate())


def index_visibility(work: Any) -> str:
    """Who may find the work at all: "public", or "staff" for staff-only works."""
    return policy.STAFF if work_rule(work).hides_record else "public"


def index_audience(work: Any) -> str:
    """Who may find the work by its full text (see policy.audience)."""
    return policy.audience(work_rule(work), timezone.localdate())


def public_works() -> Any:
    """Works anyone may find: published, and not kept to staff."""
    from javon.catalog.models import Work

    return Work.objects.filter(status=Work.Status.READY).exclude(access=policy.STAFF)


def search_scope(who: Who) -> tuple[list[str] | None, list[str] | None]:
    """(visibilities, audiences) a search for `who` is limited to; None: no limit (staff)."""
    viewer = viewer_for(who)
    if viewer.staff:
        return None, None
    return ["public"], viewer.audiences()


post_save.connect(forget_networks, sender=Network, dispatch_uid="javon.access.networks.saved")
post_delete.connect(forget_networks, sender=Network, dispatch_uid="javon.access.networks.deleted")


def open_due_embargoes(today: Any = None) -> int:
    """Open the works and files whose embargo ends today or earlier; returns how many.

    Reads already follow the date (policy.Rule.in_force); this makes it permanent, writes
    the history, and re-indexes the works so their text becomes searchable.
    """
    from django.db import transaction

    from javon.catalog.models import Work
    from javon.catalog.services import record_change, snapshot
    from javon.search import services as search_services
    from javon.storage.models import File

    today = today or timezone.localdate()
    opened = 0
    for work in Work.objects.filter(access__startswith=policy.EMBARGO + ":"):
        rule = work_rule(work)
        if rule.kind != policy.EMBARGO or rule.in_force(today).kind != policy.OPEN:
            continue
        with transaction.atomic():
            before = snapshot(work)
            Work.objects.filter(pk=work.pk).update(access=policy.OPEN)
            work.refresh_from_db()
            record_change(work, before, actor="embargo")
        opened += 1
    for f in File.objects.filter(access__startswith=policy.EMBARGO + ":").select_related("work"):
        if file_rule(f).in_force(today).kind == policy.OPEN:
            File.objects.filter(pk=f.pk).update(access=policy.OPEN)
            search_services.work_changed(f.work_id)
            opened += 1
    return opened
