"""Two machines' index replicas, as separate processes, while two other processes edit.

On PostgreSQL (the multi-machine setup): two `javon index-follow` processes keep their own
tantivy indexes, two editor processes create and rename works at the same time, one
follower is stopped half-way and started again later. Both replicas must end with exactly
the answers the database holds. (On SQLite the suite runs the one-process replica test.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from javon.search import query
from javon.search.backend import Filters
from javon.search.tantivy_backend import TantivyBackend
from tests.test_end_to_end_http import child_env, database_url, javon  # noqa: F401 - a fixture

EDITORS = 2
WORKS_PER_EDITOR = 30
RENAMED_PER_EDITOR = 10
CONVERGE_TIMEOUT = 60.0

EDIT_SCRIPT = """
import sys, django
django.setup()
from javon.catalog.services import WorkInput, create_work, to_input, update_work
editor, made, renamed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
works = [create_work(WorkInput(title=f"Replika {editor} {n}", languages=["uz"]), actor="editor") for n in range(made)]
for work in works[:renamed]:
    data = to_input(work)
    data.title = f"Tahrir {editor} " + work.title.split()[-1]
    update_work(work, data, actor="editor")
"""


def follower(env: dict[str, str], index: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "javon.cli", "index-follow", "--interval", "0.1"],
        env={**env, "JAVON_INDEX_DIR": str(index)},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def answers(index: Path, q: str) -> set[int]:
    backend = TantivyBackend(str(index))
    return {h.work_id for h in backend.search(query.parse(q), Filters(), limit=1000, facets=False).hits}


def test_replicas_in_processes_converge_under_concurrent_edits(database_url: str, tmp_path: Path) -> None:  # noqa: F811
    if not database_url.startswith("postgres"):
        pytest.skip("several machines share PostgreSQL; the PostgreSQL run of the suite runs this test")
    site = tmp_path / "site"
    site.mkdir()
    env = child_env(site, database_url)
    javon(env, tmp_path, "migrate", "--no-input", timeout=120)
    a_index, b_index = tmp_path / "replica-a", tmp_path / "replica-b"
    a = follower(env, a_index, tmp_path / "a.log")
    b = follower(env, b_index, tmp_path / "b.log")
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", EDIT_SCRIPT, f"e{i}", str(WORKS_PER_EDITOR), str(RENAMED_PER_EDITOR)],
            env=env,
            cwd=tmp_path,
        )
        for i in range(EDITORS)
    ]
    try:
        time.sleep(1.0)
        os.killpg(b.pid, signal.SIGTERM)  # machine B goes away mid-edit
        b.wait(timeout=15)
        for editor in editors:
            assert editor.wait(timeout=180) == 0
        b = follower(env, b_index, tmp_path / "b.log")  # and comes back
        want = {
            "replika": EDITORS * (WORKS_PER_EDITOR - RENAMED_PER_EDITOR),
            "tahrir": EDITORS * RENAMED_PER_EDITOR,
        }
        deadline = time.monotonic() + CONVERGE_TIMEOUT
        while True:
            got = {q: (answers(a_index, q), answers(b_index, q)) for q in want}
            if all(len(ra) == len(rb) == want[q] and ra == rb for q, (ra, rb) in got.items()):
                break
            assert time.monotonic() < deadline, {q: (len(ra), len(rb)) for q, (ra, rb) in got.items()}
            time.sleep(0.5)
    finally:
        for proc in (a, b, *editors):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM) if proc in (a, b) else proc.kill()
                proc.wait(timeout=15)
