"""Who may do what. For now: staff act through the pages and API tokens; every
published work is open. (The access-rules issue replaces `can_read`.)"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from javon.access.models import ApiToken

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


def can_read(user: User | AnonymousUser | None, work: Any) -> bool:
    """Whether `user` may see the work's files and text. Unfinished works are staff's only."""
    from javon.catalog.models import Work

    return work.status == Work.Status.READY or is_staff(user)
