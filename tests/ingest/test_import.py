"""End to end: real PDF, EPUB, DOCX and TXT files imported, found by a word of their body,
and downloaded byte-identical, whole and by Range."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from javon.catalog.models import MetadataChange, Work
from javon.ingest import services as ingest
from javon.ingest.models import ImportItem
from javon.search import services as search
from javon.storage.models import File, FileRole, PageText
from tests.factories import sidecar, write_docx, write_epub, write_pdf

pytestmark = pytest.mark.django_db(transaction=True)

# Made-up words that occur nowhere else, each hidden in one file's body text.
UNIQUE = {"pdf": "zarbuldoq", "epub": "qimirlatgich", "docx": "shovvozlik", "txt": "tovlanuvchan"}


def _body(corpus: Path, name: str, secret: str, at: int) -> str:
    text = (corpus / name).read_text(encoding="utf-8")[:12000]
    words = text.split(" ")
    words.insert(at, secret)
    return " ".join(words)


@pytest.fixture
def library(tmp_path: Path, corpus: Path) -> dict[str, Path]:
    folder = tmp_path / "incoming"
    (folder / "sub").mkdir(parents=True)
    files = {
        "pdf": write_pdf(
            folder,
            "hikmatlar.pdf",
            _body(corpus, "uz-navoiy-hikmatli-sozlar.txt", UNIQUE["pdf"], 900),
            title="Hikmatli soʻzlar",
            author="Alisher Navoiy",
        ),
        "epub": write_epub(
            folder / "sub",
            "alice.epub",
            _body(corpus, "en-carroll-alices-adventures-in-wonderland.txt", UNIQUE["epub"], 1500),
            title="Alice's Adventures in Wonderland",
            author="Carroll, Lewis",
        ),
        "docx": write_docx(
            folder,
            "shinel.docx",
            _body(corpus, "ru-gogol-shinel.txt", UNIQUE["docx"], 50),
            title="Шинель",
            author="Гоголь, Николай",
        ),
    }
    txt = folder / "sub" / "ertak.txt"
    txt.write_text(_body(corpus, "uz-xalq-ertagi-kenja-botir.txt", UNIQUE["txt"], 300), encoding="utf-8")
    sidecar(
        txt,
        {
            "title": "Kenja botir",
            "creators": ["Xalq ogʻzaki ijodi"],
            "type": "book",
            "languages": ["uz"],
            "year": 1965,
            "subjects": "ertak; folklor",
        },
    )
    files["txt"] = txt
    return files


def test_import_find_and_download_each_format(library: dict[str, Path], client: Any) -> None:
    job = ingest.import_paths([library["pdf"].parent], actor="test", defaults={"collections": ["Test/Import"]})
    report = ingest.job_report(job)
    assert report["counts"]["ok"] == 4, report
    assert report["counts"]["failed"] == 0

    for kind, secret in UNIQUE.items():
        response = client.get("/api/v1/search", {"q": secret})
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == 1, (kind, body)
        hit = body["hits"][0]
        work = Work.objects.get(pk=hit["id"])
        original = work.files.get(role=FileRole.ORIGINAL)
        assert original.name == library[kind].name
        assert f"<mark>{secret}</mark>" in hit["snippet"]
        assert hit["page"] is not None
        page_text = PageText.objects.get(file=original, number=hit["page"]).text
        assert secret in page_text, f"{kind}: the hit's page must hold the word"

        # Whole download, byte-identical.
        data = library[kind].read_bytes()
        url = f"/works/{work.pk}/files/{original.pk}/download"
        whole = client.get(url)
        assert whole.status_code == 200
        assert b"".join(whole.streaming_content) == data
        assert whole["Accept-Ranges"] == "bytes"
        # By Range: the middle of the file, then the tail.
        part = client.get(url, HTTP_RANGE="bytes=100-2099")
        assert part.status_code == 206
        assert b"".join(part.streaming_content) == data[100:2100]
        assert part["Content-Range"] == f"bytes 100-2099/{len(data)}"
        tail = client.get(url, HTTP_RANGE="bytes=-500")
        assert b"".join(tail.streaming_content) == data[-500:]
        beyond = client.get(url, HTTP_RANGE=f"bytes={len(data) + 10}-")
        assert beyond.status_code == 416


def test_metadata_precedence_and_derivatives(library: dict[str, Path]) -> None:
    job = ingest.import_paths(
        [library["txt"]], actor="test", defaults={"type": "textbook", "collections": ["Ertaklar"]}
    )
    item = job.items.get()
    assert item.status == ImportItem.Status.OK, item.error
    work = item.work
    assert work is not None
    # The sidecar's word beats the options; options fill what the sidecar leaves.
    assert work.type == "book"
    assert work.title == "Kenja botir"
    assert work.year == 1965
    assert [c.name for c in work.collections.all()] == ["Ertaklar"]
    assert sorted(s.term for s in work.subjects.all()) == ["ertak", "folklor"]
    roles = set(work.files.values_list("role", flat=True))
    assert {FileRole.ORIGINAL, FileRole.TEXT} <= roles
    text_file = work.files.get(role=FileRole.TEXT)
    from javon.storage.services import read_blob

    assert UNIQUE["txt"] in read_blob(text_file.blob).decode("utf-8")
    assert MetadataChange.objects.filter(work=work, action="create", actor="test").exists()


def test_embedded_metadata_is_used_when_nothing_else_is_given(tmp_path: Path, corpus: Path) -> None:
    pdf = write_pdf(
        tmp_path, "asya.pdf", (corpus / "ru-turgenev-asya.txt").read_text()[:5000],
        title="Ася", author="Тургенев, Иван", language="ru",
    )
    plain = tmp_path / "kazaki.txt"
    plain.write_text((corpus / "ru-tolstoy-kazaki.txt").read_text()[:5000], encoding="utf-8")
    job = ingest.import_paths([pdf, plain], actor="test")
    work = job.items.get(name="asya.pdf").work
    assert work is not None
    assert work.title == "Ася"
    assert work.creator_names() == ["Тургенев, Иван"]
    assert work.languages == ["ru"]
    # A plain text file says nothing about itself: the title comes from its name, the
    # language is detected from the text.
    guessed = job.items.get(name="kazaki.txt").work
    assert guessed is not None
    assert guessed.title == "kazaki"
    assert guessed.languages == ["ru"]


def test_duplicate_is_recognised_not_stored_twice(library: dict[str, Path], tmp_path: Path) -> None:
    first = ingest.import_paths([library["pdf"]], actor="test")
    copy = tmp_path / "copy-of-hikmatlar.pdf"
    copy.write_bytes(library["pdf"].read_bytes())
    second = ingest.import_paths([copy], actor="test")
    item = second.items.get()
    assert item.status == ImportItem.Status.DUPLICATE
    assert item.work_id == first.items.get().work_id
    assert File.objects.filter(role=FileRole.ORIGINAL).count() == 1


def test_bad_files_fail_alone_with_clear_messages(tmp_path: Path, library: dict[str, Path]) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "broken.pdf").write_bytes(library["pdf"].read_bytes()[:700])
    (bad / "not-really.epub").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (bad / "good.pdf").write_bytes(library["pdf"].read_bytes())
    (bad / "broken.json").write_text("{not json")  # a sidecar that cannot be read
    (bad / "broken").write_bytes(b"plain words for the sidecar's file")
    job = ingest.import_paths([bad, tmp_path / "does-not-exist"], actor="test")
    by_name = {i.name: i for i in job.items.all()}
    assert by_name["good.pdf"].status == ImportItem.Status.OK
    for name in ("empty.pdf", "broken.pdf", "not-really.epub", "broken", "does-not-exist"):
        assert by_name[name].status == ImportItem.Status.FAILED, name
        assert by_name[name].error, name
    assert "empty" in by_name["empty.pdf"].error
    assert "JSON" in by_name["broken"].error
    assert "no such file" in by_name["does-not-exist"].error
    # Nothing half-made: only the good file became a work.
    assert Work.objects.count() == 1


def test_cli_json_report_and_wait(library: dict[str, Path]) -> None:
    out = StringIO()
    call_command(
        "import", str(library["docx"]), str(library["txt"]), "--json", "--wait", "--language", "uz", stdout=out
    )
    report = json.loads(out.getvalue())
    assert report["counts"]["ok"] == 2
    assert {i["status"] for i in report["items"]} == {"ok"}
    assert all(set(i) == {"path", "status", "work_id", "error"} for i in report["items"])
    assert search.search(UNIQUE["docx"]).total == 1


def test_processing_twice_is_harmless(library: dict[str, Path]) -> None:
    job = ingest.import_paths([library["txt"]], actor="test")
    item = job.items.get()
    assert ingest.process_item(item.pk) == ImportItem.Status.OK
    assert Work.objects.count() == 1
