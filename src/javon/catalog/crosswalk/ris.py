"""RIS (the tagged format of reference managers) to and from WorkInput.

RIS is line-based, so every value is written on one line. Javon's type (when TY cannot say it)
goes in C1, subjects in C2, UDC and BBK numbers in C3 and C4. Translators are A4 (subsidiary
authors); compilers, supervisors and the other contributors are A3 and come back as contributors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import rispy

from javon.catalog.crosswalk.common import KNOWN_TYPES, RecordError, identifiers, one_line
from javon.catalog.models import IdentifierScheme, Role, WorkType
from javon.catalog.services import Creator, WorkInput, year_from_date

MEDIA_TYPE = "application/x-research-info-systems"

TYPES: dict[str, str] = {
    WorkType.BOOK: "BOOK",
    WorkType.TEXTBOOK: "BOOK",
    WorkType.MONOGRAPH: "BOOK",
    WorkType.DISSERTATION: "THES",
    WorkType.ARTICLE: "JOUR",
    WorkType.ABSTRACT: "RPRT",
    WorkType.ENCYCLOPEDIA: "ENCYC",
    WorkType.REFERENCE: "DICT",
    WorkType.PERIODICAL_ISSUE: "JFULL",
    WorkType.AUDIO: "SOUND",
    WorkType.VIDEO: "VIDEO",
    WorkType.ARCHIVAL: "MANSCPT",
}
_FROM_TYPE: dict[str, str] = {ris: kind for kind, ris in reversed(TYPES.items())} | {
    "EBOOK": WorkType.BOOK,
    "CHAP": WorkType.ARTICLE,
    "MGZN": WorkType.ARTICLE,
    "NEWS": WorkType.ARTICLE,
    "CONF": WorkType.ARTICLE,
    "CPAPER": WorkType.ARTICLE,
    "MPCT": WorkType.VIDEO,
    "ADVS": WorkType.VIDEO,
}
_ROLE_TAGS: dict[str, str] = {Role.AUTHOR: "AU", Role.EDITOR: "A2", Role.TRANSLATOR: "A4"}
_OTHER_ROLES_TAG = "A3"
_FROM_ROLE_TAG: dict[str, str] = {
    "AU": Role.AUTHOR,
    "A1": Role.AUTHOR,
    "A2": Role.EDITOR,
    "ED": Role.EDITOR,
    "A4": Role.TRANSLATOR,
}
_LIST_TAGS = ["AU", "A1", "A2", "A3", "A4", "ED", "KW", "UR", "SN", "LA", "N1", "C2"]
_IDENTIFIER_TAGS: dict[str, str] = {
    IdentifierScheme.ISBN: "SN",
    IdentifierScheme.ISSN: "SN",
    IdentifierScheme.DOI: "DO",
    IdentifierScheme.URI: "UR",
    IdentifierScheme.CALL_NUMBER: "CN",
    IdentifierScheme.UDC: "C3",
    IdentifierScheme.BBK: "C4",
}
# Tags as keys: rispy's default names would hide which tag a value came from.
_MAPPING = {tag: tag for tag in rispy.TAG_KEY_MAPPING} | {tag: tag for tag in _LIST_TAGS}


def record(data: WorkInput, *, url: str = "", pages: int | None = None) -> str:
    lines: list[tuple[str, str]] = [("TY", TYPES.get(data.type, "GEN"))]
    if _FROM_TYPE.get(lines[0][1]) != data.type:
        lines.append(("C1", data.type))
    for creator in data.creators:
        lines.append((_ROLE_TAGS.get(creator.role, _OTHER_ROLES_TAG), creator.name))
    lines.append(("TI", data.title))
    lines += [("LA", lang) for lang in data.languages]
    lines += [
        ("PY", str(data.year) if data.year is not None else ""),
        ("DA", data.date),
        ("PB", data.publisher),
        ("CY", data.place),
        ("ET", data.edition),
        ("T3", data.series),
        ("IS", data.series_number),
        ("SP", str(pages) if pages else ""),
        ("M3", "Dissertation" if data.type == WorkType.DISSERTATION else ""),
        ("AB", data.abstract),
    ]
    lines += [("KW", keyword) for keyword in data.keywords]
    if data.subjects:
        lines += [("C2", subject) for subject in data.subjects]
    if url:
        lines.append(("UR", url))
    for scheme, tag in _IDENTIFIER_TAGS.items():
        lines += [(tag, value) for value in identifiers(data, scheme)]
    body = "".join(f"{tag}  - {one_line(value)}\n" for tag, value in lines if one_line(value))
    return body + "ER  - \n"


def dumps(records: Iterable[WorkInput], *, urls: list[str] | None = None) -> str:
    urls = urls or []
    return "\n".join(record(data, url=urls[i] if i < len(urls) else "") for i, data in enumerate(records))


def _isbn_or_issn(value: str) -> str:
    digits = [ch for ch in value if ch.isdigit() or ch in "Xx"]
    return str(IdentifierScheme.ISSN) if len(digits) == 8 else str(IdentifierScheme.ISBN)


def from_fields(fields: dict[str, Any]) -> WorkInput:
    def text(tag: str) -> str:
        value = fields.get(tag, "")
        return (" ".join(value) if isinstance(value, list) else str(value)).strip()

    def many(tag: str) -> list[str]:
        value = fields.get(tag, [])
        return [v.strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip()]

    title = text("TI") or text("T1") or text("BT")
    if not title:
        raise ValueError("the record has no TI (title)")
    kind = text("C1") if text("C1") in KNOWN_TYPES else _FROM_TYPE.get(text("TY").upper(), WorkType.BOOK)
    creators = [Creator(name=n, role=role) for tag, role in _FROM_ROLE_TAG.items() for n in many(tag)]
    creators += [Creator(name=n, role=str(Role.CONTRIBUTOR)) for n in many(_OTHER_ROLES_TAG)]
    found = [(_isbn_or_issn(v), v) for v in many("SN")]
    for scheme, tag in _IDENTIFIER_TAGS.items():
        if tag != "SN":
            found += [(scheme, v) for v in many(tag)]
    year_text = text("PY") or text("Y1")
    year = year_from_date(year_text) if year_text else None
    if year_text and year is None:
        raise ValueError(f"PY {year_text!r} is not a year")
    return WorkInput(
        title=title,
        type=kind,
        creators=creators,
        languages=many("LA"),
        publisher=text("PB"),
        place=text("CY"),
        date=text("DA"),
        year=year if year is not None else year_from_date(text("DA")),
        edition=text("ET"),
        series=text("T3"),
        series_number=text("IS"),
        abstract=text("AB") or text("N2"),
        subjects=many("C2"),
        keywords=many("KW"),
        identifiers=found,
    )


def _chunks(text: str) -> Iterable[tuple[int, int, list[str] | str]]:
    """(first line number, record number, lines) per TY…ER record, or an error message instead of lines."""
    current: list[str] = []
    start = 0
    number = 0
    for line_no, line in enumerate(text.splitlines(), start=1):
        tag = line[:2] if line[2:5] == "  -" else ""
        if tag == "TY":
            if current:
                number += 1
                yield start, number, f"line {start}: the record has no ER line before the next TY"
            current, start = [line], line_no
        elif not current:
            if line.strip():
                number += 1
                yield line_no, number, f"line {line_no}: text outside a record (a record starts with 'TY  - ')"
        elif tag == "ER":
            number += 1
            yield start, number, [*current, line]
            current = []
        else:
            current.append(line)
    if current:
        number += 1
        yield start, number, f"line {start}: the record has no ER line"


def loads(text: str) -> list[WorkInput | RecordError]:
    """Every record of a RIS text; each broken one is one RecordError and the rest go through."""
    out: list[WorkInput | RecordError] = []
    for line_no, number, chunk in _chunks(text.lstrip("\ufeff")):
        if isinstance(chunk, str):
            out.append(RecordError(number, chunk))
            continue
        try:
            parsed = rispy.loads("\n".join(chunk), mapping=_MAPPING, list_tags=_LIST_TAGS)
            out.append(from_fields(parsed[0]))
        except (ValueError, IndexError, KeyError) as exc:
            out.append(RecordError(number, f"line {line_no}: {exc}", raw="\n".join(chunk)[:500]))
    return out
