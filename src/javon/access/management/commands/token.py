from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from javon.access.services import SCOPES, create_token


class Command(BaseCommand):
    help = "Create an API token for a staff user (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--scope",
            action="append",
            choices=SCOPES,
            help="what the token may do (repeatable; default: ingest)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None or not user.is_staff:
            raise CommandError(f"no staff user {opts['username']!r}")
        self.stdout.write(create_token(user, opts["name"], scopes=opts["scope"]))
