"""The whole stack over real HTTP, as a newcomer uses it.

`javon migrate`, `createsuperuser`, `token`, `import --json --wait` over a folder of real
files, then `javon serve` (granian + task worker + index follower) on a free local port;
pages, search, ranged downloads and an upload go over HTTP to it, and SIGTERM must stop
every process it started. Everything runs in subprocesses with their own data folder and
database (a fresh PostgreSQL database when the suite runs on PostgreSQL, else SQLite):
this module never touches the pytest process's database.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from javon.ingest import samples

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HOST = "127.0.0.1"
SERVE_START_TIMEOUT = 30.0
UPLOAD_SEARCHABLE_TIMEOUT = 20.0
SHUTDOWN_TIMEOUT = 15.0


# ---------------------------------------------------------------- helpers
def made_up_word() -> str:
    """A word no corpus text holds and no stemmer shortens: consonant-vowel pairs, then 'qx'."""
    rnd = secrets.SystemRandom()
    return "zv" + "".join(rnd.choice("bdfgklmnprstv") + rnd.choice("aeiou") for _ in range(4)) + "qx"


def excerpt(name: str, chars: int) -> str:
    """The first `chars` characters (about) of a corpus text, cut at a paragraph end."""
    path = CORPUS / name
    assert path.is_file(), f"the shared corpus is missing {path}"
    text = path.read_text(encoding="utf-8").strip()
    if len(text) <= chars:
        return text
    cut = text.rfind("\n\n", 0, chars)
    return text[: cut if cut > chars // 2 else chars].strip()


def with_word(text: str, word: str) -> str:
    """`text` with `word` put between two words in its middle."""
    middle = text.find(" ", len(text) // 2)
    assert middle > 0, "the excerpt has no space in its second half"
    return f"{text[:middle]} {word}{text[middle:]}"


@dataclass
class Book:
    name: str
    word: str
    path: Path


def write_books(folder: Path) -> dict[str, Book]:
    """One PDF, one EPUB, one DOCX and one TXT from real corpus text, each with its own made-up word."""
    plan = [
        ("time-machine.pdf", "en-wells-the-time-machine.txt", 14000, "The Time Machine", "Wells, H. G."),
        ("asya.epub", "ru-turgenev-asya.txt", 12000, "Ася", "Тургенев, Иван"),
        ("zumrad-va-qimmat.docx", "uz-xalq-ertagi-zumrad-va-qimmat.txt", 12000, "Zumrad va Qimmat", "Xalq ertagi"),
        ("alice.txt", "en-carroll-alices-adventures-in-wonderland.txt", 9000, "", ""),
    ]
    books: dict[str, Book] = {}
    for name, source, chars, title, author in plan:
        word = made_up_word()
        text = with_word(excerpt(source, chars), word)
        path = folder / name
        if name.endswith(".pdf"):
            path.write_bytes(samples.text_to_pdf(text, title=title, author=author))
        elif name.endswith(".epub"):
            path.write_bytes(samples.text_to_epub(text, title=title, author=author))
        elif name.endswith(".docx"):
            path.write_bytes(samples.text_to_docx(text, title=title, author=author))
        else:
            path.write_text(text, encoding="utf-8")
        # The ranged downloads below ask for bytes 1000-4999 of every file.
        assert path.stat().st_size > 5000, f"{name} is only {path.stat().st_size} bytes"
        books[name] = Book(name, word, path)
    return books


def child_env(data_dir: Path, database_url: str) -> dict[str, str]:
    """This process's environment without any JAVON_* setting of the test suite, plus the site's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAVON_") and k != "DJANGO_SUPERUSER_PASSWORD"}
    env.update(
        DJANGO_SETTINGS_MODULE="javon.settings",
        PYTHONUNBUFFERED="1",
        JAVON_DATA_DIR=str(data_dir),
        JAVON_DATABASE_URL=database_url,
        JAVON_TASKS="database",
        JAVON_LOG_LEVEL="WARNING",
    )
    return env


def javon(
    env: dict[str, str], cwd: Path, *args: str, check: bool = True, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "javon.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, (
            f"javon {' '.join(args)} exited with {result.returncode}\n"
            f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
        )
    return result


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError as exc:
        return f"(no log: {exc})"


def _processes() -> dict[int, tuple[str, int, int, str]]:
    """pid -> (state, ppid, pgrp, command line) of every process, read from /proc."""
    found: dict[int, tuple[str, int, int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        # The command name is in parentheses and may hold spaces: the fields follow the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        command = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
        found[int(entry.name)] = (fields[0], int(fields[1]), int(fields[2]), command)
    return found


def descendants(pid: int) -> dict[int, str]:
    """Living descendants of `pid`: pid -> command line."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for child, (_, ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(child)
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        if procs[child][0] != "Z":
            found[child] = procs[child][3]
        todo += children.get(child, [])
    return found


def alive(pgid: int, pids: set[int]) -> dict[int, str]:
    """Processes (zombies aside) in process group `pgid` or among `pids`."""
    return {
        pid: command
        for pid, (state, _, pgrp, command) in _processes().items()
        if state != "Z" and (pgrp == pgid or pid in pids)
    }


# ---------------------------------------------------------------- the site
@dataclass
class Site:
    root: Path
    base_url: str
    token: str
    env: dict[str, str]
    proc: subprocess.Popen[bytes]
    log_path: Path
    books: dict[str, Book]
    report: dict[str, Any]
    stopped: bool = False
    started_helpers: dict[int, str] = field(default_factory=dict)

    def work_id(self, name: str) -> int:
        for item in self.report.get("items", []):
            if Path(item["path"]).name == name and isinstance(item.get("work_id"), int):
                return int(item["work_id"])
        raise AssertionError(f"the import report has no work for {name}: {self.report}")

    def log(self) -> str:
        return tail(self.log_path)


def stop_server(site: Site, timeout: float = SHUTDOWN_TIMEOUT) -> tuple[dict[int, str], float]:
    """SIGTERM the serve process group; return what still runs after `timeout` (then killed) and the time taken."""
    site.stopped = True
    pgid = site.proc.pid  # start_new_session: the serve process leads its own group
    tree = descendants(site.proc.pid)
    site.started_helpers = tree
    started = time.monotonic()
    with suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = started + timeout
    while True:
        with suppress(subprocess.TimeoutExpired):
            site.proc.wait(timeout=0.1)  # reap our own child, or it stays a zombie
        left = alive(pgid, set(tree))
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    took = time.monotonic() - started
    if not left:
        # Zombies count as gone; reap serve itself so that its exit status is known.
        with suppress(subprocess.TimeoutExpired):
            site.proc.wait(timeout=5)
    if left:
        with suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            site.proc.wait(timeout=5)
    return left, took


def wait_until_serving(site: Site, timeout: float = SERVE_START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    with httpx.Client(base_url=site.base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if site.proc.poll() is not None:
                raise AssertionError(f"javon serve exited with {site.proc.returncode}:\n{site.log()}")
            try:
                response = client.get("/")
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            except httpx.TransportError as exc:
                last = repr(exc)
            time.sleep(0.2)
    raise AssertionError(f"javon serve did not answer within {timeout:.0f} s ({last}):\n{site.log()}")


@pytest.fixture(scope="module", autouse=True)
def quiet_httpx() -> Iterator[None]:
    """httpx logs every request at INFO: a failure's captured output should show the server's log instead."""
    httpx_log = logging.getLogger("httpx")
    level = httpx_log.level
    httpx_log.setLevel(logging.WARNING)
    yield
    httpx_log.setLevel(level)


@contextmanager
def scratch_database(prefix: str, sqlite_name: str) -> Iterator[str]:
    """A fresh PostgreSQL database when the suite runs on PostgreSQL (dropped at the end), else
    SQLite (`sqlite_name`, relative to the site's own data folder)."""
    outer = os.environ.get("JAVON_DATABASE_URL", "")
    if not outer.startswith("postgres"):
        yield f"sqlite:///{sqlite_name}"
        return
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(6)}"
    parts = urlsplit(outer)
    admin_url = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield parts._replace(path="/" + name).geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with scratch_database("javon_e2e", "e2e.sqlite3") as url:
        yield url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("e2e")
    data_dir = root / "data"
    books_dir = root / "books"
    data_dir.mkdir()
    books_dir.mkdir()
    env = child_env(data_dir, database_url)

    javon(env, root, "migrate", "--noinput")
    password = "e2e-" + secrets.token_urlsafe(16)
    javon(
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
        root,
        "createsuperuser",
        "--noinput",
        "--username",
        "librarian",
        "--email",
        "librarian@example.org",
    )
    token = javon(env, root, "token", "librarian").stdout.strip().splitlines()[-1].strip()

    books = write_books(books_dir)
    imported = javon(
        env, root, "import", str(books_dir), "--json", "--wait", "--timeout", "60", check=False, timeout=90
    )
    lines = [line for line in imported.stdout.splitlines() if line.startswith("{")]
    assert lines, f"javon import --json printed no JSON (exit {imported.returncode}):\n{imported.stderr[-3000:]}"
    report = json.loads(lines[-1])
    report["exit_status"] = imported.returncode
    report["stderr"] = imported.stderr[-3000:]

    port = free_port()
    log_path = root / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "javon.cli", "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = Site(
        root=root,
        base_url=f"http://{HOST}:{port}",
        token=token,
        env=env,
        proc=proc,
        log_path=log_path,
        books=books,
        report=report,
    )
    try:
        wait_until_serving(site)
    except BaseException:
        stop_server(site)
        raise
    yield site
    if not site.stopped:
        left, took = stop_server(site)
        assert not left, f"{len(left)} process(es) of javon serve outlived SIGTERM by {took:.1f} s (killed): {left}"


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base_url, timeout=10.0, trust_env=False) as c:
        yield c


# ---------------------------------------------------------------- the tests
def test_import_reports_every_file_as_a_work(site: Site) -> None:
    report = site.report
    assert report["exit_status"] == 0, report
    assert report["counts"]["ok"] == 4, report
    assert report["counts"]["failed"] == 0, report
    assert sorted(Path(item["path"]).name for item in report["items"]) == sorted(site.books), report
    for item in report["items"]:
        assert item["status"] == "ok", item
        assert isinstance(item["work_id"], int), item
    assert len({item["work_id"] for item in report["items"]}) == 4, report


def test_home_and_search_pages(site: Site, client: httpx.Client) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"].startswith("text/html")
    assert "<html" in home.text.lower()

    ids = {name: site.work_id(name) for name in site.books}
    for name, book in site.books.items():
        page = client.get("/search", params={"q": book.word})
        assert page.status_code == 200, (name, page.status_code)
        assert page.headers["content-type"].startswith("text/html")
        listed = {int(n) for n in re.findall(r'href="/works/([0-9]+)[?"]', page.text)}
        assert listed == {ids[name]}, f"/search?q={book.word} lists works {listed}, not only {name} ({ids[name]})"


def test_api_search_finds_each_work_with_a_marked_snippet(site: Site, client: httpx.Client) -> None:
    for name, book in site.books.items():
        response = client.get("/api/v1/search", params={"q": book.word})
        assert response.status_code == 200, response.text
        data = response.json()
        assert [hit["id"] for hit in data["hits"]] == [site.work_id(name)], (name, book.word, data)
        assert data["total"] == 1, data
        snippet = data["hits"][0]["snippet"]
        assert f"<mark>{book.word}</mark>" in snippet, (name, snippet)


def test_originals_download_whole_and_by_range(site: Site, client: httpx.Client) -> None:
    for name, book in site.books.items():
        record = client.get(f"/api/v1/works/{site.work_id(name)}")
        assert record.status_code == 200, record.text
        originals = [f for f in record.json()["files"] if f["role"] == "original"]
        assert len(originals) == 1, record.json()["files"]
        url = originals[0]["download_url"]
        data = book.path.read_bytes()
        size = len(data)

        whole = client.get(url)
        assert whole.status_code == 200, (name, whole.status_code)
        assert whole.content == data, f"{name}: downloaded {len(whole.content)} bytes differ from the {size} sent"
        assert whole.headers["accept-ranges"] == "bytes"
        assert whole.headers["etag"] == f'"{originals[0]["sha256"]}"'
        assert originals[0]["size"] == size
        etag = whole.headers["etag"]

        part = client.get(url, headers={"Range": "bytes=1000-4999"})
        assert part.status_code == 206, (name, part.status_code)
        assert part.headers["content-range"] == f"bytes 1000-4999/{size}"
        assert part.headers["content-length"] == "4000"
        assert part.content == data[1000:5000], name

        resumed = client.get(url, headers={"Range": "bytes=1000-4999", "If-Range": etag})
        assert resumed.status_code == 206, (name, resumed.status_code)
        assert resumed.content == data[1000:5000], name

        stale = client.get(url, headers={"Range": "bytes=1000-4999", "If-Range": '"not-this-one"'})
        assert stale.status_code == 200, (name, stale.status_code)
        assert stale.content == data, name

        beyond = client.get(url, headers={"Range": f"bytes={size}-{size + 100}"})
        assert beyond.status_code == 416, (name, beyond.status_code)
        assert beyond.headers["content-range"] == f"bytes */{size}"


def test_upload_while_serving_becomes_searchable(site: Site, client: httpx.Client) -> None:
    word = made_up_word()
    body = with_word(excerpt("uz-navoiy-hikmatli-sozlar.txt", 8000), word).encode("utf-8")
    metadata = {"title": "Hikmatli soʻzlar (yuklangan)", "creators": ["Navoiy, Alisher (1441-1501)"], "type": "book"}
    auth = {"Authorization": f"Bearer {site.token}"}

    sent = time.monotonic()
    response = client.post(
        "/api/v1/works",
        headers=auth,
        files={"file": ("hikmatli-sozlar.txt", body, "text/plain")},
        data={"metadata": json.dumps(metadata, ensure_ascii=False)},
    )
    assert response.status_code == 202, response.text
    status_url = response.json()["status_url"]

    deadline = sent + UPLOAD_SEARCHABLE_TIMEOUT
    data: dict[str, Any] = {}
    while time.monotonic() < deadline:
        data = client.get("/api/v1/search", params={"q": word}).json()
        if data.get("hits"):
            break
        time.sleep(0.2)
    delay = time.monotonic() - sent
    job = client.get(status_url, headers=auth)
    assert data.get("hits"), (
        f"the uploaded work was not searchable {delay:.1f} s after the upload; "
        f"import: {job.text}\n--- serve log\n{site.log()}"
    )
    assert job.status_code == 200, job.text
    items = job.json()["items"]
    assert [item["status"] for item in items] == ["ok"], job.json()
    assert [hit["id"] for hit in data["hits"]] == [items[0]["work_id"]], (data, job.json())
    assert f"<mark>{word}</mark>" in data["hits"][0]["snippet"], data
    assert data["hits"][0]["title"] == metadata["title"], f"{data['hits'][0]} (searchable after {delay:.2f} s)"

    record = client.get(f"/api/v1/works/{items[0]['work_id']}").json()
    original = next(f for f in record["files"] if f["role"] == "original")
    assert client.get(original["download_url"]).content == body
    # The delay from upload to search hit, on record (pytest -rA shows it with the passes).
    print(f"upload searchable after {delay:.2f} s")


def test_api_needs_a_token_to_write_and_describes_itself(site: Site, client: httpx.Client) -> None:
    upload = {"file": ("x.txt", b"an upload without a token", "text/plain")}
    assert client.post("/api/v1/works", files=upload).status_code == 401
    assert client.post("/api/v1/works", files=upload, headers={"Authorization": "Bearer wrong"}).status_code == 401

    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.headers["content-type"].startswith("application/json")
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/works", "/api/v1/search"} <= set(document["paths"]), sorted(document["paths"])


def test_sigterm_stops_every_process_of_serve(site: Site) -> None:
    assert site.proc.poll() is None, f"javon serve died early:\n{site.log()}"
    left, took = stop_server(site)
    commands = list(site.started_helpers.values())
    assert not left, (
        f"{len(left)} process(es) of javon serve outlived SIGTERM by {took:.1f} s (killed): {left}\n"
        f"--- serve log\n{site.log()}"
    )
    for helper in ("granian --interface wsgi", "-m javon.cli index-follow", "-m javon.cli worker"):
        assert any(helper in command for command in commands), f"javon serve ran no {helper!r}: {commands}"
    assert site.proc.returncode == 0, f"javon serve exited with {site.proc.returncode}\n{site.log()}"
