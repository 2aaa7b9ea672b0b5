"""The MARC 21 crosswalk: Work ↔ record, ISO 2709 in UTF-8, MARC-8 and CP1251, MARCXML, broken records."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from pymarc import Field, Indicators, Record, Subfield

from javon.catalog import bulk
from javon.catalog.crosswalk.marc import input_to_record, record_to_input, work_to_record
from javon.catalog.crosswalk.marc8 import guess_encoding
from javon.catalog.crosswalk.marc_files import (
    marc_bytes,
    read_marc,
    read_marcxml,
    record_format,
    write_marc,
    write_marcxml,
)
from javon.catalog.models import MetadataChange
from javon.catalog.services import Creator, WorkInput, snapshot
from javon.search.models import IndexChange
from tests.factories import make_work

XSD = Path("/work/shared/data/standards/marc/MARC21slim.xsd")

UZBEK = WorkInput(
    title="Oʻtkan kunlar: tarixiy roman",
    type="book",
    creators=[
        Creator("Qodiriy, Abdulla", dates="1894-1938"),
        Creator("Karimov, Anvar", role="editor"),
        Creator("Oʻzbekiston Fanlar akademiyasi", role="contributor"),
    ],
    languages=["uz", "ru"],
    title_language="uz",
    title_script="Latn",
    alternative_titles=[{"title": "Ўткан кунлар", "language": "", "script": "Cyrl"}],
    publisher="Sharq",
    place="Toshkent",
    date="2019",
    year=2019,
    edition="3-nashr",
    series="Oʻzbek adabiyoti durdonalari",
    series_number="12",
    abstract="Roman XIX asr Toshkentida kechadi.",
    subjects=["Oʻzbek adabiyoti -- Roman", "Tarix"],
    keywords=["Otabek", "Kumush"],
    identifiers=[
        ("isbn", "978-9943-00-001-5"),
        ("issn", "1234-5679"),
        ("doi", "10.1234/otkan.2019"),
        ("udc", "821.512.133-31"),
        ("bbk", "84(5Ўзб)6"),
        ("call_number", "S 821 Q-62"),
        ("other", "(UzNL)000123"),
        ("uri", "https://example.org/otkan"),
    ],
    rights="Faqat shaxsiy foydalanish uchun",
    licence="CC BY 4.0",
)


def _record(title: str, *, control: str = "", leader9: str = "a", extra: list[Field] | None = None) -> Record:
    # to_unicode off for a non-UTF-8 leader: pymarc then writes the strings' code points as bytes.
    record = Record(leader=f"00000nam {leader9}22000007i 4500", force_utf8=leader9 == "a", to_unicode=leader9 == "a")
    if control:
        record.add_field(Field(tag="001", data=control))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title)]))
    for field in extra or []:
        record.add_field(field)
    return record


def _read(data: bytes) -> list:
    return list(read_marc(io.BytesIO(data), "test.mrc"))


def test_round_trip_keeps_every_field() -> None:
    back = record_to_input(input_to_record(UZBEK))
    assert back.title == UZBEK.title
    assert [(c.name, c.role, c.dates) for c in back.creators] == [(c.name, c.role, c.dates) for c in UZBEK.creators]
    for name in ("languages", "publisher", "place", "date", "year", "edition", "series", "series_number"):
        assert getattr(back, name) == getattr(UZBEK, name), name
    assert back.abstract == UZBEK.abstract
    assert back.subjects == UZBEK.subjects and back.keywords == UZBEK.keywords
    assert sorted(back.identifiers) == sorted(UZBEK.identifiers)
    assert back.rights == UZBEK.rights and back.licence == UZBEK.licence
    assert back.title_script == "Latn"
    assert [(t["title"], t["script"]) for t in back.alternative_titles] == [("Ўткан кунлар", "Cyrl")]


def test_the_cyrillic_title_travels_as_a_linked_880() -> None:
    record = input_to_record(UZBEK)
    assert record["245"].get_subfields("6") == ["880-01"]
    assert record["880"].get_subfields("6", "a") == ["245-01/(N", "Ўткан кунлар"]


@pytest.mark.parametrize(
    ("kind", "expected_leader", "extra_tag"),
    [
        ("dissertation", "am", "502"),
        ("audio", "im", None),
        ("article", "ab", None),
        ("textbook", "am", "655"),
        ("encyclopedia", "am", None),
    ],
)
def test_work_types_go_through_leader_008_and_genre(kind: str, expected_leader: str, extra_tag: str | None) -> None:
    data = WorkInput(title="Test", type=kind, year=2001, publisher="ToshDU")
    record = input_to_record(data)
    assert str(record.leader)[6:8] == expected_leader
    if extra_tag:
        assert record.get_fields(extra_tag)
    assert record_to_input(record).type == kind


@pytest.mark.parametrize("encoding", ["utf-8", "marc-8"])
def test_binary_round_trip_in_both_encodings(encoding: str) -> None:
    titles = [
        "Oʻtkan kunlar",  # Uzbek Latin with the turned comma (ANSEL has it)
        "Ўткан кунлар: қўшиқлар ва ғазаллар",  # Uzbek Cyrillic: қ ғ are not in MARC-8, written as &#x...;
        "Война и мир",
        "Müller's café in Łódź",
        "The Old Man and the Sea",
    ]
    out = io.BytesIO()
    write_marc((input_to_record(WorkInput(title=t, languages=["uz"])) for t in titles), out, encoding=encoding)
    data = out.getvalue()
    leaders = [chunk[9:10] for chunk in data.split(b"\x1d") if chunk]
    assert set(leaders) == ({b"a"} if encoding == "utf-8" else {b" "})
    if encoding == "marc-8":
        assert b"\x1b(N" in data  # Cyrillic reached by its escape sequence
    results = _read(data)
    assert [r.data.title for r in results] == titles
    assert {r.encoding for r in results} == {encoding}


def test_cp1251_records_flagged_as_marc8_are_read_as_cp1251() -> None:
    title, author = "Война и мир: роман-эпопея", "Толстой, Лев Николаевич"
    record = _record(
        title.encode("cp1251").decode("latin-1"),
        control="RU-001",
        leader9=" ",
        extra=[Field("100", Indicators("1", " "), [Subfield("a", author.encode("cp1251").decode("latin-1"))])],
    )
    chunk = record.as_marc()
    assert guess_encoding(chunk) == "cp1251"
    (result,) = _read(chunk)
    assert result.encoding == "cp1251"
    assert result.data.title == title
    assert result.data.creators[0].name == author


def test_real_marc8_with_diacritics_is_not_taken_for_cp1251() -> None:
    # 'Müller, café' in ANSEL: the combining diaeresis (0xE8) and acute (0xE2) precede their letters.
    record = _record("M\xe8uller, caf\xe2e", leader9=" ")
    (result,) = _read(record.as_marc())
    assert result.encoding == "marc-8"
    assert result.data.title == "Müller, café"


def test_utf8_bytes_under_a_blank_leader_are_read_as_utf8() -> None:
    record = _record("Oʻzbekiston tarixi", leader9="a")
    chunk = bytearray(record.as_marc())
    chunk[9] = ord(" ")
    (result,) = _read(bytes(chunk))
    assert result.encoding == "utf-8" and result.data.title == "Oʻzbekiston tarixi"


def test_broken_records_fail_alone_and_the_rest_are_read() -> None:
    chunks = [_record(f"Kitob {i}", control=f"c{i}").as_marc() for i in range(1, 8)]
    chunks[1] = b"x2345" + chunks[1][5:]  # record 2: bad leader (length not a number)
    directory_broken = bytearray(chunks[4])
    directory_broken[36 + 3 : 36 + 7] = b"ZZZZ"  # record 5: bad directory (its 245 entry)
    chunks[4] = bytes(directory_broken)
    chunks[6] = chunks[6][:-20]  # record 7: truncated (the file ends early)
    results = _read(b"".join(chunks))
    assert [r.position for r in results if r.error] == [2, 5, 7]
    assert [r.data.title for r in results if r.data] == ["Kitob 1", "Kitob 3", "Kitob 4", "Kitob 6"]
    errors = {r.position: str(r.error) for r in results if r.error}
    assert "bad leader" in errors[2] and "001 c2" in errors[2]
    assert "record 5" in errors[5] and "c5" in errors[5]
    assert "truncated" in errors[7] or "leader says" in errors[7]


def test_invalid_utf8_is_an_undecodable_record() -> None:
    good = _record("Yaxshi", control="g1").as_marc()
    bad = bytearray(_record("Yomon kitob", control="b1").as_marc())
    at = bytes(bad).index(b"Yomon")
    bad[at : at + 2] = b"\xff\xfe"
    results = _read(good + bytes(bad) + good)
    assert [bool(r.error) for r in results] == [False, True, False]
    assert "undecodable" in str(results[1].error) and "b1" in str(results[1].error)


def test_a_record_without_title_is_reported() -> None:
    record = Record(leader="00000nam  22000007i 4500", force_utf8=True)
    record.add_field(Field(tag="001", data="nt1"), Field("650", Indicators(" ", "4"), [Subfield("a", "Tarix")]))
    (result,) = _read(marc_bytes(record))
    assert result.data is None and "no title" in str(result.error) and "nt1" in str(result.error)


def test_marcxml_validates_and_reads_back() -> None:
    out = io.BytesIO()
    write_marcxml([input_to_record(UZBEK), input_to_record(WorkInput(title="Война и мир"))], out)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(out.getvalue())
    schema.assertValid(document)
    results = list(read_marcxml(io.BytesIO(out.getvalue())))
    assert [r.data.title for r in results] == [UZBEK.title, "Война и мир"]
    assert sorted(results[0].data.identifiers) == sorted(UZBEK.identifiers)


def test_marcxml_with_broken_xml_reports_and_keeps_what_came_before() -> None:
    out = io.BytesIO()
    write_marcxml([input_to_record(WorkInput(title="Birinchi"))], out)
    broken = out.getvalue().replace(b"</marc:collection>", b"<marc:record><marc:leader>")
    results = list(read_marcxml(io.BytesIO(broken)))
    assert results[0].data.title == "Birinchi"
    assert results[-1].error and "broken XML" in str(results[-1].error)


def test_marcxml_does_not_expand_entities() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 i 4500</leader>'
        b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">T &x;</subfield></datafield></record></collection>'
    )
    results = list(read_marcxml(io.BytesIO(hostile)))
    assert all("root:" not in (r.data.title if r.data else "") for r in results)


def test_record_format_sniffs_names_and_contents() -> None:
    chunk = _record("X").as_marc()
    assert record_format("books.mrc", chunk[:4096]) == "marc"
    assert record_format("books.ISO", chunk[:4096]) == "marc"
    assert record_format("books.xml", b'<collection xmlns="http://www.loc.gov/MARC21/slim">') == "marcxml"
    assert record_format("other.xml", b"<html/>") is None
    assert record_format("book.pdf", b"%PDF-1.7") is None


@pytest.mark.django_db
def test_work_to_record_carries_its_id_and_validates_as_marcxml() -> None:
    work = make_work(title="Sarob", identifiers=[("isbn", "9789943000015")])
    record = work_to_record(work)
    assert record["001"].data == str(work.pk)
    assert record["245"].get_subfields("a")[0].startswith("Sarob")
    out = io.BytesIO()
    write_marcxml([record], out)
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.fromstring(out.getvalue()))


@pytest.mark.django_db
def test_bulk_create_keeps_history_and_the_search_log() -> None:
    make_work(title="Avvalgi", creators=[Creator("Qodiriy, Abdulla", dates="1894-1938")])
    second = WorkInput(title="Ikkinchi", creators=[Creator("Қодирий, Абдулла")], subjects=["Tarix"])
    log_before = IndexChange.objects.count()
    works = bulk.create_works([UZBEK, second, UZBEK], actor="test")
    assert len(works) == 3
    assert IndexChange.objects.count() == log_before + 3
    for work in works:
        change = MetadataChange.objects.get(work=work, action="create")
        # The history written in bulk says exactly what snapshot() reads back from the database.
        assert {k: v[1] for k, v in change.changes.items()} == {
            k: v for k, v in snapshot(work).items() if v not in ("", [], None, 0) or k in change.changes
        }
    # One agent per name however it is written (the Cyrillic spelling meets the Latin one, dates apart).
    assert works[0].contributions.first().agent_id == works[2].contributions.first().agent_id
    assert bulk.works_with_identifiers("isbn", ["978-9943-00-001-5"])["978-9943-00-001-5"] in {works[0].pk, works[2].pk}


def test_the_crosswalk_document_names_every_field_the_code_maps() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "crosswalk-marc.md").read_text(encoding="utf-8")
    tags = "001 003 008 020 022 024 035 041 080 084 090 099 100 110 111 245 246 250 260 264 300 490 502 506"
    tags += " 520 540 546 600 610 650 651 653 655 700 710 711 830 856 880"
    assert [tag for tag in tags.split() if tag not in doc] == []
    assert "skipped, not updated" in doc  # the duplicate rule is written down


def test_a_file_whose_first_record_is_broken_is_still_a_marc_file() -> None:
    chunks = [_record(f"Kitob {i}", control=f"c{i}").as_marc() for i in range(1, 4)]
    data = b"zz" + chunks[0][2:] + chunks[1] + chunks[2]
    assert record_format("broken.mrc", data[:4096]) == "marc"
    assert [bool(r.error) for r in _read(data)] == [True, False, False]
