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
from javon.access.models import ApiToken, AuditEvent, Network

log = logging.getLogger(__name__)

# What a token may do: "ingest" adds works and follows imports; "catalogue" edits records.
SCOPES = ("ingest", "catalogue")
TOKEN_PREFIX = "jvn_"  # noqa: S105 - a public marker, not a secret


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: User, name: str, scopes: list[str] | None = None) -> str:
    """Make a token and return it; only its hash is stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[:12], key_hash=_hash(key), scopes=scopes or ["ingest"])
    return key


def user_for_token(key: str, scope: str | None = None) -> Any | None:
    """The user a token acts for, if it is valid (and has `scope`, when one is asked)."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    if scope is not None and scope not in (token.scopes or []):
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


def _split(who: Who) -> tuple[HttpRequest | None, Any]:
    """(the request, its user) when `who` is a request; (None, `who`) when it is a user."""
    if isinstance(who, HttpRequest):
        return who, getattr(who, "user", None)
    return None, who


def viewer_for(who: Who) -> policy.Viewer:
    """What access needs to know about a request (or, without one, a user: never on site)."""
    request, user = _split(who)
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


def can_read(who: Who, work: Any, file: Any | None = None, *, online: bool = False) -> bool:
    """May `who` have the work's content: its text, pages, images and files (or one `file`)?

    `online`: for the online reader (page images, chapters, search inside); otherwise the
    content leaves the library (downloads, text exports), which lent works never allow.
    Pass the request, not only its user: on-site rules need the reader's address."""
    if not can_see(who, work):
        return False
    viewer = viewer_for(who)
    if viewer.staff:
        return True
    rule = file_rule(file) if file is not None else work_rule(work)
    # A file's own rule decides for its bytes (an open sample of a closed book, say), but
    # never past a hidden record: can_see above has already said no to that.
    if not policy.may_read(viewer, rule, timezone.localdate()):
        return False
    if is_lent(work):
        return online and has_loan(who, work)
    return True


def is_lent(work: Any) -> bool:
    return bool(getattr(work, "lending_copies", 0))


def has_loan(who: Who, work: Any) -> bool:
    """Does the reader hold an open loan of the work? (Remembered for the request.)"""
    from javon.access.models import Loan

    request, user = _split(who)
    if user is None or not user.is_authenticated:
        return False
    cache: dict[int, bool] = getattr(request, "_javon_loans", {}) if request is not None else {}
    if work.pk not in cache:
        cache[work.pk] = Loan.objects.filter(work_id=work.pk, user=user, returned=None, due__gt=timezone.now()).exists()
        if request is not None:
            request._javon_loans = cache  # type: ignore[attr-defined]
    return cache[work.pk]


def explain(work: Any, file: Any | None = None) -> tuple[str, str]:
    """The rule in plain words and what to do to get access (for the reader)."""
    rule = file_rule(file) if file is not None else work_rule(work)
    return policy.explain(rule, timezone.localdate())


def index_visibility(work: Any) -> str:
    """Who may find the work at all: "public", or "staff" for staff-only works."""
    return policy.STAFF if work_rule(work).hides_record else "public"


def index_audience(work: Any) -> str:
    """Who may find the work by its full text (see policy.audience). A lent work's text is
    matched for staff only: whether a reader holds a loan changes too often for an index."""
    if is_lent(work):
        return policy.STAFF
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


# --- audit log, personal data ---------------------------------------------------------------
def audit(who: Who, action: str, *, target: str = "", detail: dict[str, Any] | None = None, actor: str = "") -> None:
    """Record an action. `who`: the request (user and address), a user, or None with `actor`."""
    request, user = _split(who)
    if user is not None and not user.is_authenticated:
        user = None
    if user is not None and actor and actor != user.get_username():
        actor = f"{actor} ({user.get_username()})"
    address = client_ip(request) if request is not None else None
    AuditEvent.objects.create(
        user=user,
        actor=actor or (user.get_username() if user is not None else "anonymous"),
        action=action,
        target=target,
        address=str(address) if address else None,
        detail=detail or {},
    )


def audit_read(request: HttpRequest, work: Any, what: str) -> None:
    """Note a read of a restricted work (open works are not logged: nothing to account for)."""
    if work_rule(work).kind != policy.OPEN:
        audit(request, "read." + what, target=f"work:{work.pk}", detail={"rule": work.access})


def personal_data(user: Any) -> dict[str, Any]:
    """Everything kept about one reader, for them to take away."""
    from javon.access import models

    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "groups": list(user.groups.values_list("name", flat=True)),
        },
        "api_tokens": list(models.ApiToken.objects.filter(user=user).values("name", "prefix", "created", "last_used")),
        "activity": list(
            models.AuditEvent.objects.filter(user=user).values("time", "action", "target", "address")[:10000]
        ),
        **{name: collect(user) for name, collect in PERSONAL_DATA.items()},
    }


# Other apps add what they keep about a reader (shelves, loans, reading positions …):
# name -> function(user) returning plain data.
PERSONAL_DATA: dict[str, Any] = {}


def delete_account(user: Any) -> None:
    """Delete the account and what hangs on it; the audit log keeps a pseudonym."""
    from django.db import transaction

    with transaction.atomic():
        AuditEvent.objects.filter(user=user).update(actor=f"deleted-user-{user.pk}")
        user.delete()


# --- roles -----------------------------------------------------------------------------------
ROLES = ("reader", "librarian", "admin")
LIBRARIANS = "librarians"
LIBRARIAN_APPS = ("catalog", "storage", "ingest", "search")


def librarian_group() -> Any:
    """The group that gives librarians the catalogue and files in the admin (made on first use)."""
    from django.contrib.auth.models import Group, Permission

    group, made = Group.objects.get_or_create(name=LIBRARIANS)
    if made:
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=LIBRARIAN_APPS))
        group.permissions.add(*Permission.objects.filter(codename__in=["view_network", "view_auditevent"]))
    return group


def set_role(user: Any, role: str, *, by: Who = None) -> None:
    """reader: no staff rights; librarian: catalogue and files; admin: everything."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use {', '.join(ROLES)}")
    user.is_staff = role in ("librarian", "admin")
    user.is_superuser = role == "admin"
    user.save(update_fields=["is_staff", "is_superuser"])
    if role == "reader":
        user.groups.remove(librarian_group())
    else:
        user.groups.add(librarian_group())
    audit(by, "account.role", target=f"user:{user.pk}", detail={"role": role}, actor="" if by else "cli")


def role_of(user: Any) -> str:
    if user.is_superuser:
        return "admin"
    return "librarian" if user.is_staff else "reader"
