"""CSV of catalogue records, one work a row, to and from WorkInput.

The columns are those of the import manifests (see javon.ingest.metadata) less `file`:
lists are separated by "; ", creators are written "Surname, Given (role, dates)", and each
identifier scheme has its own column. A cell that a spreadsheet would run as a formula gets
a leading apostrophe on export, which import takes away again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from javon.catalog.crosswalk.common import KNOWN_ROLES, RecordError
from javon.catalog.models import IdentifierScheme, Role
from javon.catalog.services import Creator, WorkInput, parse_creator, split_list, year_from_date

MEDIA_TYPE = "text/csv"
SEPARATOR = "; "
IDENTIFIER_COLUMNS = [s.value for s in IdentifierScheme]
COLUMNS = [
    "title",
    "type",
    "creators",
    "languages",
    "title_language",
    "title_script",
    "alternative_titles",
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
    *IDENTIFIER_COLUMNS,
    "collections",
    "rights",
    "licence",
]
_ALIASES = {
    "author": "creators",
    "authors": "creators",
    "language": "languages",
    "subject": "subjects",
    "collection": "collections",
    "license": "licence",
    "description": "abstract",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ROLE_ONLY = re.compile(r"\s*\(([a-z]+)\)\s*$")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def creator_text(creator: Creator) -> str:
    details = [creator.role] if creator.role != Role.AUTHOR else []
    details += [creator.dates] if creator.dates else []
    return f"{creator.name} ({', '.join(details)})" if details else creator.name


def parse_creator_text(text: str) -> Creator:
    """Reads what creator_text writes; 'Name (editor)' as well as parse_creator's forms."""
    match = _ROLE_ONLY.search(text)
    if match and match.group(1) in KNOWN_ROLES:
        return Creator(name=text[: match.start()].strip(), role=match.group(1))
    return parse_creator(text)


def row(data: WorkInput) -> dict[str, str]:
    values = {
        "title": data.title,
        "type": data.type,
        "creators": SEPARATOR.join(creator_text(c) for c in data.creators),
        "languages": SEPARATOR.join(data.languages),
        "title_language": data.title_language,
        "title_script": data.title_script,
        "alternative_titles": SEPARATOR.join(t.get("title", "") for t in data.alternative_titles),
        "publisher": data.publisher,
        "place": data.place,
        "date": data.date,
        "year": str(data.year) if data.year is not None else "",
        "edition": data.edition,
        "series": data.series,
        "series_number": data.series_number,
        "abstract": data.abstract,
        "subjects": SEPARATOR.join(data.subjects),
        "keywords": SEPARATOR.join(data.keywords),
        "collections": SEPARATOR.join(data.collections),
        "rights": data.rights,
        "licence": data.licence,
    }
    for scheme in IDENTIFIER_COLUMNS:
        values[scheme] = SEPARATOR.join(v for s, v in data.identifiers if s == scheme)
    return {k: _cell(v) for k, v in values.items()}


def dumps(records: Iterable[WorkInput]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(row(data) for data in records)
    return out.getvalue()


def from_row(raw: dict[str, str]) -> WorkInput:
    cells = {}
    for key, value in raw.items():
        if key:
            name = key.strip().lower()
            cells[_ALIASES.get(name, name)] = _uncell((value or "").strip())
    if not cells.get("title"):
        raise ValueError("the row has no title")
    year = None
    if cells.get("year"):
        year = year_from_date(cells["year"])
        if year is None:
            raise ValueError(f"year {cells['year']!r} is not a year")
    found = [(scheme, v) for scheme in IDENTIFIER_COLUMNS for v in split_list(cells.get(scheme, ""))]
    return WorkInput(
        title=cells["title"],
        type=cells.get("type") or "book",
        creators=[parse_creator_text(part) for part in split_list(cells.get("creators", ""))],
        languages=split_list(cells.get("languages", "")),
        title_language=cells.get("title_language", ""),
        title_script=cells.get("title_script", ""),
        alternative_titles=[{"title": t} for t in split_list(cells.get("alternative_titles", ""))],
        publisher=cells.get("publisher", ""),
        place=cells.get("place", ""),
        date=cells.get("date", ""),
        year=year,
        edition=cells.get("edition", ""),
        series=cells.get("series", ""),
        series_number=cells.get("series_number", ""),
        abstract=cells.get("abstract", ""),
        subjects=split_list(cells.get("subjects", "")),
        keywords=split_list(cells.get("keywords", "")),
        identifiers=found,
        collections=split_list(cells.get("collections", "")),
        rights=cells.get("rights", ""),
        licence=cells.get("licence", ""),
    )


def loads(text: str) -> list[WorkInput | RecordError]:
    """Every row of a CSV with a header; each broken row is one RecordError (its line is named)."""
    out: list[WorkInput | RecordError] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    position = 0
    try:
        for raw in reader:
            position += 1
            try:
                if None in raw:
                    raise ValueError("the row has more cells than the header")
                out.append(from_row(raw))
            except ValueError as exc:
                out.append(RecordError(position, f"line {reader.line_num}: {exc}", raw=str(raw)[:500]))
    except csv.Error as exc:
        out.append(RecordError(position + 1, f"line {reader.line_num}: {exc}"))
    return out
