"""A real `javon serve` over a small library, and Debian's chromium driven by Playwright.

The site is built once per session in subprocesses with their own data folder and database
(a fresh PostgreSQL database when the suite runs on PostgreSQL, else SQLite): migrate, a staff
user, `javon import --wait` of a few real works, then `javon serve` on a free port. Tests only
read from it, so each one stands alone; every test gets a fresh browser context (empty cache,
no cookies).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from javon.ingest import samples
from javon.text import to_cyrillic
from tests.test_end_to_end_http import scratch_database

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = "127.0.0.1"
STAFF_USER = "librarian"
STAFF_PASSWORD = "browser-" + secrets.token_urlsafe(12)


@dataclass(frozen=True)
class Book:
    """A work the site holds: the file sent, its made-up word (on a late page) and its id there."""

    key: str
    path: Path
    word: str
    work_id: int = 0


@dataclass
class Site:
    base_url: str
    books: dict[str, Book]
    proc: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError as exc:
            return f"(no log: {exc})"


# ---------------------------------------------------------------- the library
def made_up_word(seed: str) -> str:
    """A word no corpus text holds and no stemmer shortens (Latin letters only, ends in 'qx')."""
    rnd = secrets.SystemRandom()
    return seed + "".join(rnd.choice("bdfgklmnprstv") + rnd.choice("aeiou") for _ in range(3)) + "qx"


def corpus_text(name: str, chars: int) -> str:
    path = CORPUS / name
    assert path.is_file(), f"the shared corpus is missing {path}"
    text = path.read_text(encoding="utf-8").strip()
    cut = text.rfind("\n\n", 0, chars)
    return text if len(text) <= chars else text[: cut if cut > chars // 2 else chars].strip()


def with_late_word(text: str, word: str) -> str:
    """`text` with `word` put between two words at 85% of its length: on a later page than the first."""
    at = text.find(" ", int(len(text) * 0.85))
    assert at > 0
    return f"{text[:at]} {word}{text[at:]}"


def silent_wav(path: Path, seconds: float = 1.0) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))


def write_library(folder: Path) -> dict[str, Book]:
    """Uzbek Latin PDF, Uzbek Cyrillic text, Russian EPUB, English text and a recording, with sidecars."""
    books: dict[str, Book] = {}

    def add(key: str, name: str, data: bytes, word: str, meta: dict[str, Any]) -> None:
        path = folder / name
        path.write_bytes(data)
        path.with_name(name + ".json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        books[key] = Book(key, path, word)

    folk = "Oʻzbek xalq ogʻzaki ijodi"
    word = made_up_word("zv")
    text = with_late_word(corpus_text("uz-xalq-ertagi-kenja-botir.txt", 20000), word)
    add(
        "uz_pdf",
        "kenja-botir.pdf",
        samples.text_to_pdf(text, title="Kenja Botir", author=folk, language="uz"),
        word,
        {
            "title": "Kenja Botir",
            "creators": [folk],
            "languages": ["uz"],
            "script": "Latn",
            "type": "book",
            "subjects": "ertaklar",
        },
    )
    word = made_up_word("zk")
    text = to_cyrillic(corpus_text("uz-xalq-ertagi-zumrad-va-qimmat.txt", 20000))
    add(
        "uz_cyrl_text",
        "zumrad-va-qimmat.txt",
        with_late_word(text, word).encode("utf-8"),
        word,
        {
            "title": "Зумрад ва Қиммат",
            "creators": [to_cyrillic(folk)],
            "languages": ["uz"],
            "script": "Cyrl",
            "type": "book",
        },
    )
    word = made_up_word("zr")
    text = with_late_word(corpus_text("ru-turgenev-asya.txt", 30000), word)
    add(
        "ru_epub",
        "asya.epub",
        samples.text_to_epub(text, title="Ася", author="Тургенев, Иван", language="ru"),
        word,
        {
            "title": "Ася",
            "creators": ["Тургенев, Иван Сергеевич (1818-1883)"],
            "languages": ["ru"],
            "type": "book",
            "year": 1858,
        },
    )
    word = made_up_word("ze")
    text = with_late_word(corpus_text("en-carroll-alices-adventures-in-wonderland.txt", 12000), word)
    add(
        "en_text",
        "alice.txt",
        text.encode("utf-8"),
        word,
        {
            "title": "Alice's Adventures in Wonderland",
            "creators": ["Carroll, Lewis (1832-1898)"],
            "languages": ["en"],
            "type": "book",
            "year": 1865,
        },
    )
    silent_wav(folder / "silence.wav")
    folder.joinpath("silence.wav.json").write_text(
        json.dumps({"title": "Jimjitlik", "creators": ["Javon"], "type": "audio", "languages": ["uz"]}),
        encoding="utf-8",
    )
    books["audio"] = Book("audio", folder / "silence.wav", "")
    return books


# ---------------------------------------------------------------- the server
def child_env(data_dir: Path, database_url: str) -> dict[str, str]:
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


def javon(env: dict[str, str], cwd: Path, *args: str, timeout: float = 120.0) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "javon.cli", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"javon {' '.join(args)} exited with {result.returncode}\n"
        f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )
    return result.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_until_serving(site: Site, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    with httpx.Client(base_url=site.base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if site.proc.poll() is not None:
                raise AssertionError(f"javon serve exited with {site.proc.returncode}:\n{site.log()}")
            with suppress(httpx.TransportError):
                response = client.get("/")
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            time.sleep(0.2)
    raise AssertionError(f"javon serve did not answer within {timeout:.0f} s ({last}):\n{site.log()}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM serve's process group (it stops its children), SIGKILL what is left after 15 s."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with scratch_database("javon_browser", "browser.sqlite3") as url:
        yield url


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser-site")
    data_dir, books_dir = root / "data", root / "books"
    data_dir.mkdir()
    books_dir.mkdir()
    env = child_env(data_dir, database_url)
    javon(env, root, "migrate", "--noinput")
    javon(
        {**env, "DJANGO_SUPERUSER_PASSWORD": STAFF_PASSWORD},
        root,
        *("createsuperuser", "--noinput", "--username", STAFF_USER, "--email", "librarian@example.org"),
    )
    books = write_library(books_dir)
    out = javon(env, root, "import", str(books_dir), "--json", "--wait", "--timeout", "90", timeout=150)
    report = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    ids = {Path(item["path"]).name: item.get("work_id") for item in report["items"]}
    for key, book in books.items():
        assert isinstance(ids.get(book.path.name), int), f"{book.path.name} was not imported: {report}"
        books[key] = Book(key, book.path, book.word, ids[book.path.name])

    port = free_port()
    log_path = root / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "javon.cli", "serve", "--host", HOST, "--port", str(port), "--task-workers", "1"],
            env=env,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = Site(f"http://{HOST}:{port}", books, proc, log_path)
    try:
        wait_until_serving(site)
        yield site
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def api(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base_url, timeout=10.0, trust_env=False) as client:
        yield client


# ---------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: scripts/system-packages installs it"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh context (no cache, no cookies) in the default language, Uzbek."""
    ctx = browser.new_context(locale="uz-UZ", accept_downloads=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def staff_page(browser: Any, site: Site) -> Iterator[Any]:
    """A page signed in as staff, through the sign-in form."""
    ctx = browser.new_context(locale="uz-UZ")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.goto(site.url("/accounts/login?next=/staff/jobs"))
    page.fill("input[name=username]", STAFF_USER)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url("**/staff/jobs")
    yield page
    ctx.close()
