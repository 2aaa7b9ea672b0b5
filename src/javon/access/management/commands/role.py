"""javon role USER reader|librarian|admin — give an account its role (and make it if --create)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from javon.access import services as access


class Command(BaseCommand):
    help = "Give an account a role: reader, librarian (catalogue and files) or admin (everything)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=access.ROLES)
        parser.add_argument(
            "--create", action="store_true", help="make the account (asks nothing; set a password later)"
        )
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        users = get_user_model().objects
        user = users.filter(username=opts["username"]).first()
        if user is None:
            if not opts["create"]:
                raise CommandError(f"no account {opts['username']!r}; add --create to make it")
            user = users.create_user(opts["username"], email=opts["email"])
        access.set_role(user, opts["role"])
        self.stdout.write(f"{user.get_username()}: {access.role_of(user)}")
