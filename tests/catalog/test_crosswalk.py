"""Crosswalks: GOST and APA citations, BibTeX/RIS/CSL-JSON/CSV export and import, Highwire, JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from javon.catalog.crosswalk import (
    RecordError,
    UnknownFormat,
    bibtex,
    csl,
    format_citation,
    gost,
    read_records,
    ris,
    write_records,
)
from javon.catalog.crosswalk.highwire import meta_tags
from javon.catalog.crosswalk.schemaorg import json_ld, script_json
from javon.catalog.services import Creator, WorkInput

HOSTILE = 'He said "hi" {unbalanced </script><script>alert(1)</script> 50% & $x_1$ ~^\\ a@b,\nER  - \nTY  - JOUR'


def rich() -> WorkInput:
    """A record that uses every field the exchange formats carry."""
    return WorkInput(
        title="Oʻtkan kunlar: roman",
        type="textbook",
        creators=[
            Creator("Qodiriy, Abdulla"),
            Creator("Иванов, Иван Иванович"),
            Creator("UNESCO"),
            Creator("Todd, Mabel Loomis", role="editor"),
            Creator("Karimova, Gʻulnora", role="translator"),
        ],
        languages=["uz", "ru"],
        publisher="Gʻafur Gʻulom",
        place="Toshkent",
        date="1926-05",
        year=1926,
        edition="2",
        series="Oʻzbek adabiyoti durdonalari",
        series_number="5",
        abstract="Roman {Otabek} va Kumush haqida; 100% sevgi & fojia.",
        subjects=["Oʻzbek adabiyoti", "Tarixiy roman"],
        keywords=["roman", "Toshkent"],
        identifiers=[("isbn", "978-9943-01-234-5"), ("doi", "10.1234/javon.5"), ("udc", "821.512.133")],
    )


def same_fields(a: WorkInput, b: WorkInput, names: list[str]) -> None:
    for name in names:
        left, right = getattr(a, name), getattr(b, name)
        if name == "identifiers":
            left, right = sorted((str(s), v) for s, v in left), sorted((str(s), v) for s, v in right)
        if name == "creators":
            left = [(c.name, str(c.role)) for c in left]
            right = [(c.name, str(c.role)) for c in right]
        assert left == right, name


EXCHANGE_FIELDS = [
    "title",
    "type",
    "creators",
    "languages",
    "publisher",
    "place",
    "date",
    "year",
    "edition",
    "series",
    "series_number",
    "abstract",
    "subjects",
    "keywords",
    "identifiers",
]

# --- GOST R 7.0.100-2018 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "pages", "expected"),
    [
        (
            WorkInput(
                title="Герой нашего времени : роман",
                creators=[Creator("Лермонтов, Михаил Юрьевич")],
                languages=["ru"],
                publisher="Эксмо",
                place="Москва",
                year=2019,
                identifiers=[("isbn", "978-5-04-098765-4")],
            ),
            224,
            "Лермонтов, М. Ю. Герой нашего времени : роман / М. Ю. Лермонтов. – Москва : Эксмо, 2019. – 224 с. "
            "– ISBN 978-5-04-098765-4.",
        ),
        (
            WorkInput(
                title="Oʻtkan kunlar: roman",
                creators=[Creator("Qodiriy, Abdulla")],
                languages=["uz"],
                publisher="Gʻafur Gʻulom",
                place="Toshkent",
                year=2019,
                edition="3",
            ),
            384,
            "Qodiriy, A. Oʻtkan kunlar : roman / A. Qodiriy. – 3-nashr. – Toshkent : Gʻafur Gʻulom, 2019. – 384 b.",
        ),
        (
            WorkInput(
                title="Ўзбек тили грамматикаси",
                creators=[Creator("Шоабдураҳмонов, Шоназар"), Creator("Ҳожиев, Азим", role="editor")],
                languages=["uz"],
                publisher="Фан",
                place="Тошкент",
                year=1975,
            ),
            612,
            "Шоабдураҳмонов, Ш. Ўзбек тили грамматикаси / Ш. Шоабдураҳмонов ; муҳаррир А. Ҳожиев. – Тошкент : Фан, "
            "1975. – 612 б.",
        ),
        (
            WorkInput(
                title="Основы информатики",
                type="textbook",
                creators=[
                    Creator("Иванов, Иван Иванович"),
                    Creator("Петров, Пётр Петрович"),
                    Creator("Сидоров, С. С."),
                    Creator("Кузнецова, Анна"),
                ],
                languages=["ru"],
                publisher="Наука",
                place="Москва",
                year=2020,
                edition="2",
                series="Высшее образование",
                series_number="12",
            ),
            None,
            "Основы информатики : учебник / И. И. Иванов, П. П. Петров, С. С. Сидоров [и др.]. – 2-е изд. – "
            "Москва : Наука, 2020. – (Высшее образование ; 12).",
        ),
        (
            WorkInput(title="Pride and Prejudice", creators=[Creator("Austen, Jane")], languages=["en"], year=1813),
            None,
            "Austen, J. Pride and Prejudice / J. Austen. – [S. l. : s. n.], 1813.",
        ),
        (
            WorkInput(
                title="Xorazm vohasi tarixi",
                type="dissertation",
                creators=[Creator("Shukurov, Chori"), Creator("Gʻulomov, Oʻtkir", role="supervisor")],
                languages=["uz"],
                place="Toshkent",
                year=2015,
            ),
            180,
            "Shukurov, Ch. Xorazm vohasi tarixi : dissertatsiya / Ch. Shukurov ; ilmiy rahbar Oʻ. Gʻulomov. – "
            "Toshkent : [s. n.], 2015. – 180 b.",
        ),
    ],
)
def test_gost_records_follow_the_standard(data: WorkInput, pages: int | None, expected: str) -> None:
    assert gost.format_record(data, pages=pages) == expected


def test_gost_names_an_online_copy_with_the_access_date() -> None:
    data = WorkInput(title="Тарих", creators=[Creator("Каримов, Ислом")], languages=["ru"], year=1998)
    text = format_citation(data, "gost", url="https://javon.example/works/7", accessed=dt.date(2026, 11, 29))
    assert text.endswith("– URL: https://javon.example/works/7 (дата обращения: 29.11.2026).")
    assert "[Б. м. : б. и.], 1998" in text
    assert ".." not in text


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Иван Иванович", "И. И."), ("Shavkat", "Sh."), ("Chingiz", "Ch."), ("Oʻtkir", "Oʻ."), ("Jean-Paul", "J.-P.")],
)
def test_initials_keep_uzbek_digraphs(given: str, expected: str) -> None:
    assert gost.initials(given) == expected


# --- APA --------------------------------------------------------------------------------


def test_apa_through_citeproc() -> None:
    text = format_citation(rich(), "apa")
    assert text.startswith("Qodiriy, A., Иванов, И. И., & UNESCO. (1926). Oʻtkan kunlar: roman")
    assert "(M. L. Todd, ed.; G. Karimova, trans.; 2nd ed.)" in text
    assert "Gʻafur Gʻulom." in text
    assert text.endswith("https://doi.org/10.1234/javon.5")


def test_apa_dissertation_and_markup_in_titles() -> None:
    thesis = WorkInput(title="Tarix", type="dissertation", creators=[Creator("Shukurov, Chori")], year=2015)
    assert format_citation(thesis, "apa") == "Shukurov, C. (2015). Tarix [Dissertation]."
    marked = WorkInput(title='A <span class="nocase">B</span> </script>', year=2000)
    assert '<span class="nocase">B</span> </script>' in format_citation(marked, "apa")


def test_unknown_style_is_refused() -> None:
    with pytest.raises(UnknownFormat):
        format_citation(rich(), "mla")


# --- exchange formats: round trips ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "csv"])
def test_round_trip_keeps_every_field(fmt: str) -> None:
    original = rich()
    [back] = read_records(write_records([original], fmt).encode(), fmt)
    assert isinstance(back, WorkInput), back
    same_fields(original, back, EXCHANGE_FIELDS)


def test_round_trip_through_ris() -> None:
    original = rich()
    [back] = read_records(write_records([original], "ris").encode(), "ris")
    assert isinstance(back, WorkInput), back
    same_fields(original, back, EXCHANGE_FIELDS)


def test_csv_and_csl_keep_the_rest_too() -> None:
    original = replace(
        rich(),
        creators=[Creator("Qodiriy, Abdulla", dates="1894-1938"), Creator("Ali, Vali", role="supervisor")],
        title_language="uz",
        title_script="Latn",
        collections=["Tarix fakulteti/Dissertatsiyalar"],
        rights="© 1926",
        licence="CC BY 4.0",
    )
    [from_csv] = read_records(write_records([original], "csv").encode(), "csv")
    assert from_csv == original
    [from_csl] = read_records(write_records([original], "csl-json").encode(), "csl-json")
    assert isinstance(from_csl, WorkInput)
    same_fields(original, from_csl, [*EXCHANGE_FIELDS, "title_language", "title_script", "collections", "licence"])


def test_every_type_survives_every_format() -> None:
    from javon.catalog.models import WorkType

    records = [WorkInput(title=f"T {kind}", type=kind) for kind in WorkType.values]
    for fmt in ("bibtex", "ris", "csl-json", "csv"):
        back = read_records(write_records(records, fmt).encode(), fmt)
        assert [r.type for r in back if isinstance(r, WorkInput)] == WorkType.values, fmt


# --- hostile text -----------------------------------------------------------------------


def test_hostile_title_in_bibtex_stays_one_balanced_entry() -> None:
    data = WorkInput(title=HOSTILE, creators=[Creator("Tom and Jerry, Ltd"), Creator("O'Brien, Seán")])
    text = bibtex.entry(data, key="javon1")
    depth = 0
    for ch in text.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert "\\{unbalanced" in text and "50\\%" in text and "\\&" in text and "Seán" in text
    [back] = bibtex.loads(text)
    assert isinstance(back, WorkInput)
    assert back.title == " ".join(HOSTILE.split())
    assert [c.name for c in back.creators] == ["Tom and Jerry, Ltd", "O'Brien, Seán"]


def test_hostile_title_in_ris_cannot_start_a_record() -> None:
    text = ris.record(WorkInput(title=HOSTILE, abstract="line one\nline two"))
    assert text.count("TY  - ") == 1 and text.count("ER  - ") == 1
    assert all(line[:2].isupper() and line[2:6] == "  - " for line in text.splitlines())
    [back] = ris.loads(text)
    assert isinstance(back, WorkInput)
    assert back.title == " ".join(HOSTILE.split())
    assert back.abstract == "line one line two"


def test_hostile_title_in_csl_json_and_csv() -> None:
    data = WorkInput(title=HOSTILE, keywords=['=HYPERLINK("http://evil")', "+1", "ok"])
    [from_json] = csl.loads(csl.dumps([csl.to_csl(data)]))
    assert isinstance(from_json, WorkInput) and from_json.title == HOSTILE
    text = write_records([data], "csv")
    assert "'=HYPERLINK" in text  # a spreadsheet shows it as text and never runs it
    [from_csv] = read_records(text.encode(), "csv")
    assert isinstance(from_csv, WorkInput)
    assert from_csv.title == HOSTILE
    assert from_csv.keywords == data.keywords


# --- imports with broken records ---------------------------------------------------------


def test_broken_bibtex_entry_is_one_error_and_the_rest_are_read() -> None:
    text = (
        "@book{good1, title={Birinchi}, author={Qodiriy, Abdulla}, year={1926}}\n\n"
        "@book{notitle, author={Nobody, A}}\n\n"
        "@book{broken, title={Unclosed\n\n"
        "@article{good2, title={Ikkinchi}, year={2001}}\n"
        "@book{badyear, title={Yil}, year={someday}}\n"
    )
    records = bibtex.loads(text)
    assert [r.title for r in records if isinstance(r, WorkInput)] == ["Birinchi", "Ikkinchi"]
    errors = [r for r in records if isinstance(r, RecordError)]
    assert len(errors) == 3
    assert "no title" in errors[0].message and "line 3" in errors[0].message
    assert "brace or quote is left open" in errors[1].message
    assert "someday" in errors[2].message
    assert records[3].type == "article"  # type: ignore[union-attr]


def test_broken_ris_records_are_errors_one_each() -> None:
    text = (
        "TY  - BOOK\nTI  - Birinchi\nAU  - Qodiriy, Abdulla\nPY  - 1926\nER  - \n\n"
        "stray words\n"
        "TY  - BOOK\nAU  - Untitled, A\nER  - \n"
        "TY  - JOUR\nTI  - Unended\n"
        "TY  - THES\nTI  - Ikkinchi\nER  - \n"
        "TY  - BOOK\nTI  - Endless\n"
    )
    records = ris.loads(text)
    good = [r for r in records if isinstance(r, WorkInput)]
    assert [(r.title, r.type, r.year) for r in good] == [
        ("Birinchi", "book", 1926),
        ("Ikkinchi", "dissertation", None),
    ]
    messages = [r.message for r in records if isinstance(r, RecordError)]
    assert len(messages) == 4
    assert "outside a record" in messages[0]
    assert "no TI" in messages[1]
    assert "no ER line before the next TY" in messages[2]
    assert messages[3].endswith("the record has no ER line")


def test_broken_csl_json_and_csv() -> None:
    items = [{"type": "book", "title": "Yaxshi"}, {"type": "book"}, "nonsense", {"title": "X", "author": "Ali"}]
    records = csl.loads(json.dumps(items))
    assert isinstance(records[0], WorkInput)
    assert [type(r).__name__ for r in records[1:]] == ["RecordError"] * 3
    assert csl.loads("[{")[0].message.startswith("not valid JSON")  # type: ignore[union-attr]
    text = (
        "title,year,creators\n"
        'Birinchi,1926,"Qodiriy, Abdulla (1894-1938)"\n'
        ",2000,\n"
        "Uchinchi,kecha,\n"
        "Toʻrtinchi,2001,,extra\n"
    )
    records = read_records(text.encode(), "csv")
    assert isinstance(records[0], WorkInput) and records[0].creators[0].dates == "1894-1938"
    errors = [r for r in records if isinstance(r, RecordError)]
    assert len(errors) == 3
    assert "no title" in errors[0].message
    assert "kecha" in errors[1].message
    assert "more cells" in errors[2].message
    assert "line 3" in str(errors[0])


def test_read_records_from_a_path_guesses_the_format(tmp_path: Path) -> None:
    path = tmp_path / "export.ris"
    path.write_text(write_records([rich()], "ris"), encoding="utf-8")
    [record] = read_records(path)
    assert isinstance(record, WorkInput) and record.title == rich().title
    assert isinstance(read_records(b"\xff\xfe\x00", "bibtex")[0], RecordError)
    with pytest.raises(UnknownFormat):
        read_records(b"", "marc")


# --- Highwire and schema.org ------------------------------------------------------------


def test_highwire_tags() -> None:
    data = replace(rich(), type="dissertation")
    tags = meta_tags(data, page_url="https://j.example/works/1", pdf_url="https://j.example/works/1/files/2/download")
    names = [name for name, _ in tags]
    assert tags[0] == ("citation_title", "Oʻtkan kunlar: roman")
    assert [v for n, v in tags if n == "citation_author"] == ["Qodiriy, Abdulla", "Иванов, Иван Иванович", "UNESCO"]
    assert ("citation_dissertation_institution", "Gʻafur Gʻulom") in tags and "citation_publisher" not in names
    assert ("citation_isbn", "978-9943-01-234-5") in tags and ("citation_doi", "10.1234/javon.5") in tags
    assert [v for n, v in tags if n == "citation_language"] == ["uz", "ru"]
    assert ("citation_publication_date", "1926") in tags
    assert "citation_pdf_url" in names
    assert "citation_pdf_url" not in [n for n, _ in meta_tags(data, page_url="u")]


def test_json_ld_and_its_script_escaping() -> None:
    doc = json_ld(rich(), url="https://j.example/works/1", pages=300)
    assert doc["@type"] == "Book" and doc["isbn"] == "978-9943-01-234-5" and doc["numberOfPages"] == 300
    person = {"@type": "Person", "name": "Abdulla Qodiriy", "familyName": "Qodiriy", "givenName": "Abdulla"}
    assert doc["author"][0] == person
    assert doc["author"][2] == {"@type": "Organization", "name": "UNESCO"}
    assert doc["about"][0] == {"@type": "Thing", "name": "Oʻzbek adabiyoti"}
    assert doc["inLanguage"] == ["uz", "ru"] and doc["datePublished"] == "1926"
    assert json_ld(WorkInput(title="V", type="video"))["@type"] == "VideoObject"
    assert json_ld(WorkInput(title="T", type="dissertation"))["@type"] == "Thesis"
    text = script_json({"name": HOSTILE})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": HOSTILE}
