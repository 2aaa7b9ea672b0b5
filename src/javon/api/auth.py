"""Who may call the API's writing endpoints: staff, by bearer token (with a scope) or by
their signed-in session (with CSRF, as in the web pages)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from javon.access import services as access


class TokenAuth(HttpBearer):
    """A staff member's bearer token that has `scope`."""

    def __init__(self, scope: str = "ingest") -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = access.user_for_token(token, self.scope)
        if user is None or not access.is_staff(user):
            return None
        request.user = user
        return user


class StaffSession(SessionAuth):
    """A signed-in librarian's browser session (ninja checks CSRF for it)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and access.is_staff(user) else None


def staff(scope: str) -> list[Any]:
    return [TokenAuth(scope), StaffSession()]
