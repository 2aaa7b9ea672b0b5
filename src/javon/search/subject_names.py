"""Subject facet ids -> subjects, in a small SQLite file beside the index.

The index counts subjects by a numeric id (tantivy_backend.subject_id), and a search shows
its top ones by name. Reading names back from stored documents cost ~3.5 ms per search at
a million works (a document-store block per id); this file answers in a fraction of a
millisecond. The process that writes the index adds the names of what it indexes before
each commit, so a searcher never meets an id without its name; any process reads. Names
are never removed: an id that nothing counts any more is never asked for.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path


class SubjectNames:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        # One connection per thread and process (a connection must not cross a fork).
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            # No fsync per commit: a name lost in a crash is read back from the works.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def add(self, pairs: Iterable[tuple[int, str]]) -> None:
        db = self._db()
        db.execute("BEGIN")
        try:
            db.executemany("INSERT OR IGNORE INTO names (id, name) VALUES (?, ?)", pairs)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def get(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return dict(self._db().execute(f"SELECT id, name FROM names WHERE id IN ({marks})", ids))  # noqa: S608
