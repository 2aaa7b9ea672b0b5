"""MARC 21 and MARCXML files through every door: `javon import`, the API, the upload page, and back out
with `javon export` and /api/v1/works/{id}/marc."""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from lxml import etree
from pymarc import Field, Indicators, Record, Subfield

from javon.catalog.crosswalk.marc import input_to_record
from javon.catalog.crosswalk.marc_files import read_marc, write_marc, write_marcxml
from javon.catalog.models import MetadataChange, Work
from javon.catalog.services import Creator, WorkInput
from javon.ingest import records
from javon.ingest.models import ImportItem
from javon.search import services as search
from javon.search.models import IndexChange

pytestmark = pytest.mark.django_db(transaction=True)

XSD = Path("/work/shared/data/standards/marc/MARC21slim.xsd")

SEVEN = [
    WorkInput(title="Oʻtkan kunlar", creators=[Creator("Qodiriy, Abdulla")], languages=["uz"], year=1926),
    WorkInput(title="Mehrobdan chayon", languages=["uz"]),
    WorkInput(title="Кеча ва кундуз", creators=[Creator("Чўлпон, Абдулҳамид")], languages=["uz"], year=1936),
    WorkInput(title="Война и мир", creators=[Creator("Толстой, Лев Николаевич")], languages=["ru"]),
    WorkInput(title="Shaytanat", languages=["uz"]),
    WorkInput(title="The Old Man and the Sea", creators=[Creator("Hemingway, Ernest")], languages=["en"]),
    WorkInput(
        title="Zarbuldoqlar tarixi", subjects=["Tarix"], languages=["uz"], identifiers=[("isbn", "9789943111112")]
    ),
]


def _chunks() -> list[bytes]:
    out = []
    for i, data in enumerate(SEVEN, start=1):
        record = input_to_record(data)
        record.add_ordered_field(Field(tag="001", data=f"rec{i}"), Field(tag="003", data="UzTaNL"))
        out.append(record.as_marc())
    return out


def _damaged_file(tmp_path: Path) -> Path:
    chunks = _chunks()
    chunks[1] = b"9x999" + chunks[1][5:]  # record 2: a leader whose length is not a number
    chunks[4] = chunks[4][:40] + b"\x1d"  # record 5: cut short inside its directory
    path = tmp_path / "catalogue.mrc"
    path.write_bytes(b"".join(chunks))
    return path


def _import(*args: str) -> tuple[dict[str, Any], int]:
    out = StringIO()
    try:
        call_command("import", *args, "--json", "--wait", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return json.loads(out.getvalue()), code


def test_cli_imports_records_reports_broken_ones_and_skips_them_next_time(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(records, "BATCH", 2)  # several batches, each its own transaction
    path = _damaged_file(tmp_path)
    report, code = _import(str(path), "--collection", "Kutubxona/MARC")
    assert code == 1  # some records failed, as for any import
    by_path = {i["path"]: i for i in report["items"]}
    assert by_path[str(path)]["status"] == "ok"
    failed = {p: i["error"] for p, i in by_path.items() if i["status"] == "failed"}
    assert sorted(failed) == [f"{path}#2", f"{path}#5"]
    assert "bad leader" in failed[f"{path}#2"] and "truncated" in failed[f"{path}#5"]
    assert Work.objects.count() == 5
    assert report["counts"]["ok"] == 6  # five records and the file itself
    assert ImportItem.objects.get(path=str(path)).metadata["records"] == {"ok": 5, "duplicate": 0, "failed": 2}

    work = Work.objects.get(title="Кеча ва кундуз")
    assert [c.agent.name for c in work.contributions.all()] == ["Чўлпон, Абдулҳамид"]
    assert ("other", "(UzTaNL)rec3") in work.identifiers.values_list("scheme", "value")
    assert [c.name for c in work.collections.all()] == ["MARC"]
    assert MetadataChange.objects.filter(action="create").count() == 5
    assert IndexChange.objects.filter(work_id=work.pk).exists()
    assert search.search("kecha kunduz").total == 1  # found in the other script: the index followed
    assert search.search("zarbuldoqlar").total == 1

    again, _code = _import(str(path))
    statuses = [i["status"] for i in again["items"] if "#" in i["path"]]
    assert statuses.count("duplicate") == 5 and statuses.count("failed") == 2
    assert Work.objects.count() == 5


def test_marcxml_file_and_isbn_duplicates(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    write_marcxml([input_to_record(d) for d in SEVEN], buffer)
    path = tmp_path / "records.xml"
    path.write_bytes(buffer.getvalue())
    report, code = _import(str(path), "--access", "registered")
    assert code == 0 and Work.objects.count() == 7
    assert set(Work.objects.values_list("access", flat=True)) == {"registered"}
    # The same book from another catalogue, with another control number but the same ISBN.
    other = input_to_record(SEVEN[6])
    other.add_ordered_field(Field(tag="001", data="x-99"))
    marc = tmp_path / "other.mrc"
    marc.write_bytes(other.as_marc())
    report, _code = _import(str(marc))
    (record,) = [i for i in report["items"] if "#" in i["path"]]
    assert record["status"] == "duplicate" and record["work_id"] == Work.objects.get(title=SEVEN[6].title).pk


def test_a_worker_that_died_mid_file_is_followed_by_one_that_finishes(tmp_path: Path, monkeypatch: Any) -> None:
    from javon.ingest import services as ingest

    monkeypatch.setattr(records, "BATCH", 3)
    path = tmp_path / "good.mrc"
    path.write_bytes(b"".join(_chunks()))
    calls = {"n": 0}
    real_flush = records._Batch.flush

    def dying_flush(self: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        real_flush(self)

    monkeypatch.setattr(records._Batch, "flush", dying_flush)
    job = ingest.import_paths([path], actor="test")  # the task runs at once and dies on the second batch
    assert Work.objects.count() == 3
    monkeypatch.setattr(records._Batch, "flush", real_flush)
    item = job.items.get(path=str(path))
    ImportItem.objects.filter(pk=item.pk).update(status=ImportItem.Status.QUEUED)
    assert ingest.process_item(item.pk) == ImportItem.Status.OK
    assert Work.objects.count() == 7
    assert job.items.filter(path__contains="#").count() == 7


def test_api_takes_a_marc_file_and_gives_records_back(client: Any, api_token: str) -> None:
    upload = SimpleUploadedFile("books.mrc", b"".join(_chunks()), "application/marc")
    response = client.post("/api/v1/works", {"file": [upload]}, HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert response.status_code == 202
    job = client.get(response.json()["status_url"], HTTP_AUTHORIZATION=f"Bearer {api_token}").json()
    assert job["counts"]["ok"] == 8 and job["counts"]["failed"] == 0
    work = Work.objects.get(title="Война и мир")

    xml = client.get(f"/api/v1/works/{work.pk}/marc")
    assert xml.status_code == 200 and xml["Content-Type"].startswith("application/marcxml+xml")
    document = etree.fromstring(xml.content)
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(document)
    assert "Война и мир" in xml.content.decode()

    binary = client.get(f"/api/v1/works/{work.pk}/marc", {"format": "mrc", "encoding": "marc-8"})
    (result,) = list(read_marc(io.BytesIO(binary.content)))
    assert result.encoding == "marc-8" and result.data.title == "Война и мир"
    assert client.get("/api/v1/works/999999/marc").status_code == 404


def test_staff_work_is_not_given_out_as_marc(client: Any) -> None:
    from tests.factories import make_work

    hidden = make_work(title="Yashirin", access="staff")
    assert client.get(f"/api/v1/works/{hidden.pk}/marc").status_code == 404


def test_upload_page_takes_marc_files(client: Any, staff_user: Any) -> None:
    client.force_login(staff_user)
    upload = SimpleUploadedFile("yangi.mrc", b"".join(_chunks()[:2]), "application/octet-stream")
    response = client.post("/staff/upload", {"uploads": [upload], "collections": ""})
    assert response.status_code == 302
    assert set(Work.objects.values_list("title", flat=True)) == {"Oʻtkan kunlar", "Mehrobdan chayon"}
    assert "rec2" in client.get(response["Location"]).content.decode()  # each record listed by its 001


@pytest.mark.parametrize(("fmt", "encoding"), [("marc", "utf-8"), ("marc", "marc-8"), ("marcxml", "utf-8")])
def test_export_then_import_elsewhere_gives_the_same_records(tmp_path: Path, fmt: str, encoding: str) -> None:
    source = tmp_path / "in.mrc"
    source.write_bytes(b"".join(_chunks()))
    _import(str(source), "--collection", "Eksport")
    out = tmp_path / ("out.xml" if fmt == "marcxml" else "out.mrc")
    call_command("export", str(out), "--format", fmt, "--encoding", encoding, "--collection", "Eksport")
    exported = out.read_bytes()
    if fmt == "marc":
        titles = [r.data.title for r in read_marc(io.BytesIO(exported))]
        assert sorted(titles) == sorted(d.title for d in SEVEN)
    # Our own export comes back as duplicates of the works it was made from.
    report, _code = _import(str(out))
    assert [i["status"] for i in report["items"] if "#" in i["path"]] == ["duplicate"] * 7
    assert Work.objects.count() == 7


def test_binary_written_by_write_marc_for_many_records(tmp_path: Path) -> None:
    def many() -> Any:
        for i in range(250):
            record = Record(leader="00000nam a22000007i 4500", force_utf8=True)
            record.add_field(Field(tag="001", data=f"m{i}"))
            record.add_field(Field("245", Indicators("1", "0"), [Subfield("a", f"Kitob {i}")]))
            yield record

    path = tmp_path / "many.mrc"
    with path.open("wb") as out:
        assert write_marc(many(), out) == 250
    report, code = _import(str(path))
    assert code == 0 and Work.objects.count() == 250
