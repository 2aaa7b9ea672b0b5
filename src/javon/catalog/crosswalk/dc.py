"""Work ↔ simple Dublin Core (oai_dc), the lingua franca of OAI-PMH.

    to_dc(data, urls=[...])  -> <oai_dc:dc> element (lxml), valid against oai_dc.xsd
    from_dc(element)         -> WorkInput, from any repository's oai_dc (DSpace, EPrints, Javon)

Creators stay "Surname, Given"; identifiers are written as urn:isbn:, urn:issn: and
https://doi.org/ forms and recognised back in the many ways repositories write them.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from javon.catalog.models import Role, WorkType
from javon.catalog.services import Creator, WorkInput, parse_creator, split_list, year_from_date

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
NSMAP = {"oai_dc": OAI_DC, "dc": DC, "xsi": XSI}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ISBN = re.compile(r"^(?:urn:isbn:|isbn[:\s]*)?([0-9][0-9\- ]{8,16}[0-9Xx])$", re.IGNORECASE)
_ISSN = re.compile(r"^(?:urn:issn:|issn[:\s]*)?(\d{4}-?\d{3}[\dXx])$", re.IGNORECASE)
_DOI = re.compile(r"(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)

# Our types as DCMI Type words and as the English words repositories use.
_DCMI: dict[str, str] = {WorkType.AUDIO: "Sound", WorkType.VIDEO: "MovingImage"}
_TYPE_WORDS = {
    "text": WorkType.BOOK,
    "book": WorkType.BOOK,
    "book chapter": WorkType.BOOK,
    "textbook": WorkType.TEXTBOOK,
    "learning object": WorkType.TEXTBOOK,
    "monograph": WorkType.MONOGRAPH,
    "thesis": WorkType.DISSERTATION,
    "dissertation": WorkType.DISSERTATION,
    "doctoral thesis": WorkType.DISSERTATION,
    "masterthesis": WorkType.DISSERTATION,
    "article": WorkType.ARTICLE,
    "journal article": WorkType.ARTICLE,
    "preprint": WorkType.ARTICLE,
    "working paper": WorkType.ARTICLE,
    "abstract": WorkType.ABSTRACT,
    "encyclopedia": WorkType.ENCYCLOPEDIA,
    "reference": WorkType.REFERENCE,
    "periodical issue": WorkType.PERIODICAL_ISSUE,
    "sound": WorkType.AUDIO,
    "audio": WorkType.AUDIO,
    "movingimage": WorkType.VIDEO,
    "moving image": WorkType.VIDEO,
    "video": WorkType.VIDEO,
    "archival": WorkType.ARCHIVAL,
}
_LANGUAGES = {
    "uzb": "uz",
    "uzbek": "uz",
    "rus": "ru",
    "russian": "ru",
    "eng": "en",
    "english": "en",
    "kaa": "kaa",
    "tur": "tr",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
}
_CREATOR_ROLES = {Role.AUTHOR, Role.COMPILER}


def clean(text: str) -> str:
    """Text XML can carry: characters XML 1.0 forbids are dropped."""
    return _NOT_XML.sub("", text or "").strip()


def identifier_forms(scheme: str, value: str) -> str:
    """How an identifier is written in dc:identifier ('' for schemes dc does not carry)."""
    value = value.strip()
    if scheme == "isbn":
        return f"urn:isbn:{value}"
    if scheme == "issn":
        return f"urn:issn:{value}"
    if scheme == "doi":
        return f"https://doi.org/{value}"
    if scheme == "uri":
        return value
    return ""


def read_identifier(text: str) -> tuple[str, str] | None:
    """('isbn', '9789943...') etc. from the ways repositories write identifiers; None if unknown."""
    text = text.strip()
    if match := _ISBN.match(text):
        digits = re.sub(r"[\s-]", "", match.group(1)).upper()
        if len(digits) in (10, 13):
            return "isbn", digits
    if match := _ISSN.match(text):
        issn = match.group(1).upper()
        return "issn", issn if "-" in issn else f"{issn[:4]}-{issn[4:]}"
    if match := _DOI.match(text):
        return "doi", match.group(1)
    if re.match(r"^https?://\S+$", text):
        return "uri", text
    return None


def read_language(text: str) -> str:
    code = text.strip().replace("_", "-").split("-")[0].lower()
    return _LANGUAGES.get(code, code if 2 <= len(code) <= 3 and code.isalpha() else "")


def read_type(values: list[str]) -> str:
    """The most specific of our types that the dc:type values name (a DCMI 'Text' says little)."""
    found = [_TYPE_WORDS[v.strip().lower()] for v in values if v.strip().lower() in _TYPE_WORDS]
    specific = [t for t in found if t != WorkType.BOOK]
    return specific[0] if specific else WorkType.BOOK


def _add(parent: Any, name: str, text: str, lang: str = "") -> None:
    text = clean(text)
    if text:
        element = etree.SubElement(parent, f"{{{DC}}}{name}")
        element.text = text
        if lang:
            element.set(XML_LANG, lang)


def to_dc(data: WorkInput, *, urls: list[str] | None = None) -> Any:
    """An <oai_dc:dc> element for the work's metadata; `urls` go first among the identifiers."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap=NSMAP)
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {SCHEMA}")
    _add(root, "title", data.title, data.title_language)
    for alt in data.alternative_titles:
        _add(root, "title", alt.get("title", ""), alt.get("language", ""))
    for creator in data.creators:
        _add(root, "creator" if creator.role in _CREATOR_ROLES else "contributor", creator.name)
    for term in [*data.subjects, *data.keywords]:
        _add(root, "subject", term)
    _add(root, "description", data.abstract)
    _add(root, "publisher", data.publisher)
    _add(root, "date", data.date or (str(data.year) if data.year is not None else ""))
    _add(root, "type", _DCMI.get(data.type, "Text"))
    _add(root, "type", data.type)
    for url in urls or []:
        _add(root, "identifier", url)
    for scheme, value in data.identifiers:
        _add(root, "identifier", identifier_forms(scheme, value))
    for language in data.languages:
        _add(root, "language", language)
    if data.series:
        _add(root, "relation", f"{data.series} ; {data.series_number}" if data.series_number else data.series)
    for statement in dict.fromkeys([data.rights, data.licence]):
        _add(root, "rights", statement)
    return root


def _values(element: Any, name: str) -> list[str]:
    return [clean(e.text or "") for e in element.iter(f"{{{DC}}}{name}") if clean(e.text or "")]


def _looks_like_licence(text: str) -> bool:
    lowered = text.lower()
    return "creativecommons.org" in lowered or bool(re.match(r"^(cc[ -]|cc0|public domain mark)", lowered))


def from_dc(element: Any) -> WorkInput:
    """A WorkInput from an oai_dc record (the <oai_dc:dc> element or anything holding dc elements)."""
    titles = [e for e in element.iter(f"{{{DC}}}title") if clean(e.text or "")]
    title = clean(titles[0].text) if titles else ""
    creators: list[Creator] = [parse_creator(name) for name in _values(element, "creator")]
    creators += [parse_creator(name, role=Role.CONTRIBUTOR) for name in _values(element, "contributor")]
    subjects: list[str] = []
    for value in _values(element, "subject"):
        subjects += split_list(value)
    identifiers = [found for v in _values(element, "identifier") if (found := read_identifier(v))]
    # DSpace lists the accession and availability instants before the date of issue: a date
    # without a time of day is the publication date.
    dates = _values(element, "date")
    plain_dates = [d for d in dates if "T" not in d]
    date = (plain_dates or dates or [""])[0][:10]
    rights = list(dict.fromkeys(_values(element, "rights")))
    licences = [r for r in rights if _looks_like_licence(r)]
    languages = [code for v in _values(element, "language") if (code := read_language(v))]
    publishers = _values(element, "publisher")
    return WorkInput(
        title=title,
        type=read_type(_values(element, "type")),
        creators=creators,
        languages=list(dict.fromkeys(languages)),
        title_language=read_language(titles[0].get(XML_LANG, "")) if titles else "",
        alternative_titles=[
            {"title": clean(t.text), "language": read_language(t.get(XML_LANG, ""))} for t in titles[1:]
        ],
        publisher=publishers[0] if publishers else "",
        date=date,
        year=year_from_date(date),
        abstract="\n\n".join(_values(element, "description")),
        subjects=list(dict.fromkeys(subjects)),
        identifiers=list(dict.fromkeys(identifiers)),
        rights="\n".join(r for r in rights if r not in licences),
        licence=licences[0] if licences else "",
    )
