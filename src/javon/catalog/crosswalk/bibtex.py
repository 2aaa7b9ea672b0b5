"""BibTeX (with biblatex's fields) to and from WorkInput.

Values are written in braces with LaTeX's special characters escaped and everything else left
as UTF-8 (biber and modern BibTeX read it). Organisations are wrapped in braces so that no tool
splits them into given and family names. Javon's own type, when the entry type cannot say it,
goes into a `javontype` field; other tools ignore fields they do not know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import bibtexparser
from bibtexparser.model import Entry

from javon.catalog.crosswalk.common import KNOWN_TYPES, RecordError, identifiers, one_line, split_name
from javon.catalog.models import IdentifierScheme, Role, WorkType
from javon.catalog.services import Creator, WorkInput, year_from_date

MEDIA_TYPE = "application/x-bibtex"

TYPES: dict[str, str] = {
    WorkType.BOOK: "book",
    WorkType.TEXTBOOK: "book",
    WorkType.MONOGRAPH: "book",
    WorkType.DISSERTATION: "phdthesis",
    WorkType.ARTICLE: "article",
    WorkType.ABSTRACT: "misc",
    WorkType.ENCYCLOPEDIA: "book",
    WorkType.REFERENCE: "book",
    WorkType.PERIODICAL_ISSUE: "periodical",
    WorkType.AUDIO: "audio",
    WorkType.VIDEO: "video",
    WorkType.ARCHIVAL: "unpublished",
}
_FROM_TYPE: dict[str, str] = {
    "book": WorkType.BOOK,
    "mvbook": WorkType.BOOK,
    "phdthesis": WorkType.DISSERTATION,
    "mastersthesis": WorkType.DISSERTATION,
    "thesis": WorkType.DISSERTATION,
    "article": WorkType.ARTICLE,
    "inproceedings": WorkType.ARTICLE,
    "incollection": WorkType.ARTICLE,
    "misc": WorkType.ABSTRACT,
    "report": WorkType.ABSTRACT,
    "techreport": WorkType.ABSTRACT,
    "reference": WorkType.REFERENCE,
    "periodical": WorkType.PERIODICAL_ISSUE,
    "audio": WorkType.AUDIO,
    "video": WorkType.VIDEO,
    "movie": WorkType.VIDEO,
    "unpublished": WorkType.ARCHIVAL,
    "manuscript": WorkType.ARCHIVAL,
}
# One name-list field per role; author, editor, translator and illustrator are biblatex's own.
ROLE_FIELDS = {role.value: role.value for role in Role}
_IDENTIFIER_FIELDS: dict[str, str] = {
    IdentifierScheme.ISBN: "isbn",
    IdentifierScheme.ISSN: "issn",
    IdentifierScheme.DOI: "doi",
    IdentifierScheme.URI: "url",
    IdentifierScheme.UDC: "udc",
    IdentifierScheme.BBK: "bbk",
    IdentifierScheme.CALL_NUMBER: "callnumber",
    IdentifierScheme.OTHER: "identifier",
}
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_COMMANDS = {r"\textbackslash": "\\", r"\textasciitilde": "~", r"\textasciicircum": "^"}
_UNESCAPE = re.compile(r"\\(textbackslash|textasciitilde|textasciicircum)(\{\})?|\\([{}&%$#_])|([{}])|~")
LIST_SEPARATOR = "; "
VERBATIM_FIELDS = {"url", "doi"}


def escape(text: str) -> str:
    return "".join(_SPECIALS.get(ch, ch) for ch in text)


def unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return _COMMANDS["\\" + match.group(1)]
        if match.group(3):
            return match.group(3)
        if match.group(4):
            return ""  # a protecting brace
        return " "  # ~ is a non-breaking space in TeX

    return one_line(_UNESCAPE.sub(one, text))


def _value(field_name: str, value: str) -> str:
    if field_name in ROLE_FIELDS:
        return value  # already escaped name by name
    if field_name in VERBATIM_FIELDS:
        # biblatex reads these verbatim: nothing is escaped, only braces and backslashes must go.
        return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
    return escape(value)


def _name(name: str) -> str:
    family, given = split_name(name)
    if not given:
        return "{" + escape(family) + "}"
    # " and " inside a name would split it: protect the part that holds it.
    family_text = escape(family)
    if re.search(r"\sand\s", family, re.IGNORECASE):
        family_text = "{" + family_text + "}"
    return f"{family_text}, {escape(given)}"


def _split_names(value: str) -> list[str]:
    """Split a name list on ' and ' outside braces."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and value[i : i + 5].lower() == " and ":
            names.append(value[start:i])
            start = i = i + 5
            continue
        i += 1
    names.append(value[start:])
    return [unescape(n) for n in names if n.strip()]


def entry(data: WorkInput, *, key: str, url: str = "", pages: int | None = None) -> str:
    """One @entry; `key` must be unique within the file (the work's id does it)."""
    fields: list[tuple[str, str]] = []
    kind = TYPES.get(data.type, "misc")
    if _FROM_TYPE.get(kind) != data.type:
        fields.append(("javontype", data.type))
    for role, field_name in ROLE_FIELDS.items():
        names = [_name(c.name) for c in data.creators if c.role == role]
        if names:
            fields.append((field_name, " and ".join(names)))
    fields.append(("title", one_line(data.title)))
    publisher_field = "school" if data.type == WorkType.DISSERTATION else "publisher"
    plain = [
        ("language", ", ".join(data.languages)),
        (publisher_field, data.publisher),
        ("address", data.place),
        ("date", data.date),
        ("year", str(data.year) if data.year is not None else ""),
        ("edition", data.edition),
        ("series", data.series),
        ("number", data.series_number),
        ("pagetotal", str(pages) if pages else ""),
        ("abstract", data.abstract),
        ("keywords", ", ".join(data.keywords)),
        ("subject", LIST_SEPARATOR.join(data.subjects)),
    ]
    fields += [(k, one_line(v)) for k, v in plain if v.strip()]
    for scheme, field_name in _IDENTIFIER_FIELDS.items():
        values = identifiers(data, scheme)
        if scheme == IdentifierScheme.URI and url:
            values = [url, *values]
        if values:
            fields.append((field_name, LIST_SEPARATOR.join(values)))
    body = ",\n".join(f"  {name} = {{{_value(name, value)}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def dumps(records: Iterable[tuple[str, WorkInput]], *, urls: dict[str, str] | None = None) -> str:
    """(key, record) pairs as one .bib text."""
    return "\n".join(entry(data, key=key, url=(urls or {}).get(key, "")) for key, data in records)


def _creators(fields: dict[str, str]) -> list[Creator]:
    creators = []
    for role, field_name in ROLE_FIELDS.items():
        creators += [Creator(name=n, role=role) for n in _split_names(fields.get(field_name, ""))]
    return creators


def from_entry(item: Entry) -> WorkInput:
    fields = {k.lower(): str(f.value) for k, f in item.fields_dict.items()}
    text = {k: one_line(v) if k in VERBATIM_FIELDS else unescape(v) for k, v in fields.items() if k not in ROLE_FIELDS}
    if not text.get("title"):
        raise ValueError("the entry has no title")
    kind = text.get("javontype") or _FROM_TYPE.get(item.entry_type.lower(), WorkType.BOOK)
    if kind not in KNOWN_TYPES:
        raise ValueError(f"javontype {kind!r} is not one of {', '.join(sorted(KNOWN_TYPES))}")
    year = None
    if text.get("year"):
        year = year_from_date(text["year"])
        if year is None:
            raise ValueError(f"year {text['year']!r} is not a year")
    found: list[tuple[str, str]] = []
    for scheme, field_name in _IDENTIFIER_FIELDS.items():
        found += [(scheme, v.strip()) for v in text.get(field_name, "").split(";") if v.strip()]
    return WorkInput(
        title=text["title"],
        type=kind,
        creators=_creators(fields),
        languages=[v.strip() for v in text.get("language", "").split(",") if v.strip()],
        publisher=text.get("publisher") or text.get("school") or text.get("institution", ""),
        place=text.get("address") or text.get("location", ""),
        date=text.get("date", ""),
        year=year if year is not None else year_from_date(text.get("date", "")),
        edition=text.get("edition", ""),
        series=text.get("series", ""),
        series_number=text.get("number", ""),
        abstract=text.get("abstract", ""),
        subjects=[v.strip() for v in text.get("subject", "").split(";") if v.strip()],
        keywords=[v.strip() for v in text.get("keywords", "").split(",") if v.strip()],
        identifiers=found,
    )


def loads(text: str) -> list[WorkInput | RecordError]:
    """Every entry of a .bib text, in file order; a broken entry is one RecordError."""
    library = bibtexparser.parse_string(text)
    located: list[tuple[int, WorkInput | RecordError]] = []
    for item in library.entries:
        try:
            located.append((item.start_line or 0, from_entry(item)))
        except ValueError as exc:
            error = RecordError(0, f"@{item.entry_type}{{{item.key}: {exc}", raw=item.raw or "")
            located.append((item.start_line or 0, error))
    for block in library.failed_blocks:
        said = str(getattr(block, "error", "")).strip().splitlines()
        reason = said[0] if said else "the entry is not well formed: a brace or quote is left open"
        located.append((block.start_line or 0, RecordError(0, reason, raw=(block.raw or "")[:500])))
    located.sort(key=lambda pair: pair[0])
    out: list[WorkInput | RecordError] = []
    for position, (line, record) in enumerate(located, start=1):
        if isinstance(record, RecordError):
            record.position = position
            record.message = f"line {line + 1}: {record.message}"
        out.append(record)
    return out
