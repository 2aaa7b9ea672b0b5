"""Typed readers of JAVON_* environment variables, in one place.

Every setting has a default that works on one machine with nothing installed:
SQLite, a tantivy index and files under ./var.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

PREFIX = "JAVON_"


def env_str(name: str, default: str) -> str:
    return os.environ.get(PREFIX + name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(PREFIX + name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{PREFIX}{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{PREFIX}{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(PREFIX + name)
    return Path(raw).expanduser().resolve() if raw else default


def database_from_url(url: str, base_dir: Path) -> dict[str, object]:
    """Turn sqlite:///path or postgres://user:pw@host:port/name?opt=v into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        raw_path = unquote(parts.path)
        # sqlite:///relative.db is relative to the data dir; sqlite:////abs.db is absolute.
        path = Path(raw_path[1:]) if raw_path.startswith("/") else Path(raw_path)
        if not path.is_absolute():
            path = base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                # WAL lets the web process read while the worker writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            "TEST": {"NAME": str(base_dir / "test.sqlite3")},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "javon",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"{PREFIX}DATABASE_URL: unsupported scheme {parts.scheme!r} (sqlite or postgres)")
