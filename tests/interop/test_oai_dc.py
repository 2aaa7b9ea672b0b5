"""The Dublin Core crosswalk: a work survives the round trip, and other repositories' ways of
writing identifiers, languages, types and dates are understood."""

from __future__ import annotations

import pytest
from lxml import etree

from javon.catalog.crosswalk import dc
from javon.catalog.services import Creator, WorkInput
from tests.interop.conftest import OAI_XSD, LocalSchemas


def oai_dc_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas())
    return etree.XMLSchema(etree.parse(str(OAI_XSD / "oai_dc.xsd"), parser))


def test_round_trip_keeps_what_dublin_core_can_carry() -> None:
    data = WorkInput(
        title="Oʻtkan kunlar",
        type="dissertation",
        creators=[Creator("Qodiriy, Abdulla"), Creator("Karimova, Nilufar", role="editor")],
        languages=["uz", "ru"],
        title_language="uz",
        alternative_titles=[{"title": "Ўткан кунлар", "language": "uz"}],
        publisher="Sharq",
        date="1926-05",
        abstract="Roman \x01haqida.",
        subjects=["roman", "tarix"],
        identifiers=[("isbn", "9789943012345"), ("doi", "10.1234/ABC.5"), ("issn", "1234-5678"), ("udc", "821")],
        rights="Mualliflik huquqi himoyalangan",
        licence="CC BY 4.0",
    )
    element = dc.to_dc(data, urls=["https://kutubxona.uz/works/7"])
    assert oai_dc_schema().validate(element), oai_dc_schema().error_log
    back = dc.from_dc(etree.fromstring(etree.tostring(element)))
    assert back.title == data.title and back.title_language == "uz"
    assert back.alternative_titles == [{"title": "Ўткан кунлар", "language": "uz"}]
    assert [(c.name, c.role) for c in back.creators] == [
        ("Qodiriy, Abdulla", "author"),
        ("Karimova, Nilufar", "contributor"),
    ]
    assert back.type == "dissertation" and back.languages == ["uz", "ru"]
    assert back.date == "1926-05" and back.year == 1926 and back.publisher == "Sharq"
    assert back.abstract == "Roman haqida."  # a control character XML cannot carry is dropped
    assert back.subjects == ["roman", "tarix"]
    assert set(back.identifiers) == {
        ("uri", "https://kutubxona.uz/works/7"),
        ("isbn", "9789943012345"),
        ("doi", "10.1234/ABC.5"),
        ("issn", "1234-5678"),
    }
    assert back.licence == "CC BY 4.0" and back.rights == "Mualliflik huquqi himoyalangan"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ISBN 978-9943-01-234-5", ("isbn", "9789943012345")),
        ("urn:isbn:0-19-852663-6", ("isbn", "0198526636")),
        ("isbn:080442957X", ("isbn", "080442957X")),
        ("urn:ISSN:0317-8471", ("issn", "0317-8471")),
        ("doi:10.1000/182", ("doi", "10.1000/182")),
        ("https://dx.doi.org/10.5281/zenodo.4412345", ("doi", "10.5281/zenodo.4412345")),
        ("http://hdl.handle.net/123456789/1024", ("uri", "http://hdl.handle.net/123456789/1024")),
        ("Inv. 1234", None),
    ],
)
def test_identifiers_as_repositories_write_them(text: str, expected: tuple[str, str] | None) -> None:
    assert dc.read_identifier(text) == expected


@pytest.mark.parametrize(
    ("text", "code"), [("uzb", "uz"), ("ru_RU", "ru"), ("en-GB", "en"), ("English", "en"), ("kaa", "kaa"), ("??", "")]
)
def test_languages(text: str, code: str) -> None:
    assert dc.read_language(text) == code


def test_types_prefer_the_specific_word() -> None:
    assert dc.read_type(["Text", "Thesis"]) == "dissertation"
    assert dc.read_type(["info:eu-repo/semantics/article", "Article"]) == "article"
    assert dc.read_type(["Sound"]) == "audio"
    assert dc.read_type(["Image"]) == "book"
