"""The `javon` command: Django's management commands under one name.

`javon import`, `javon search`, `javon worker`, `javon serve`, `javon reindex`, … are
management commands of the apps; `javon` only points Django at our settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "javon.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["javon", *argv])
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
