"""Exit 0 when the PostgreSQL server in the given URL answers, 1 otherwise."""

import sys
from urllib.parse import urlsplit

import psycopg

url = urlsplit(sys.argv[1])
try:
    with psycopg.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres",
        password=url.password or "", dbname="postgres", connect_timeout=5,
    ):
        pass
except psycopg.Error as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
