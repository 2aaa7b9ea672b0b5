"""CSL-JSON (the Citation Style Language's item format) to and from WorkInput.

What CSL cannot say is kept under "custom" (CSL-JSON 1.0's place for extensions), so that an
export read back gives the same record: the exact Javon type, supervisors, subjects,
identifiers CSL has no variable for, and creators' life dates are not carried.
"""

from __future__ import annotations

import json
from typing import Any

from javon.catalog.crosswalk.common import (
    KNOWN_TYPES,
    RecordError,
    first_identifier,
    join_name,
    split_name,
)
from javon.catalog.models import IdentifierScheme, Role, WorkType
from javon.catalog.services import Creator, WorkInput, year_from_date

MEDIA_TYPE = "application/vnd.citationstyles.csl+json"

TYPES: dict[str, str] = {
    WorkType.BOOK: "book",
    WorkType.TEXTBOOK: "book",
    WorkType.MONOGRAPH: "book",
    WorkType.DISSERTATION: "thesis",
    WorkType.ARTICLE: "article-journal",
    WorkType.ABSTRACT: "report",
    WorkType.ENCYCLOPEDIA: "book",
    WorkType.REFERENCE: "book",
    WorkType.PERIODICAL_ISSUE: "periodical",
    WorkType.AUDIO: "song",
    WorkType.VIDEO: "motion_picture",
    WorkType.ARCHIVAL: "manuscript",
}
_FROM_TYPE: dict[str, str] = {
    "book": WorkType.BOOK,
    "thesis": WorkType.DISSERTATION,
    "article": WorkType.ARTICLE,
    "article-journal": WorkType.ARTICLE,
    "article-magazine": WorkType.ARTICLE,
    "article-newspaper": WorkType.ARTICLE,
    "chapter": WorkType.ARTICLE,
    "paper-conference": WorkType.ARTICLE,
    "report": WorkType.ABSTRACT,
    "entry-encyclopedia": WorkType.ENCYCLOPEDIA,
    "entry-dictionary": WorkType.REFERENCE,
    "periodical": WorkType.PERIODICAL_ISSUE,
    "song": WorkType.AUDIO,
    "broadcast": WorkType.AUDIO,
    "motion_picture": WorkType.VIDEO,
    "manuscript": WorkType.ARCHIVAL,
}
# Name variables of CSL 1.0.2 for each role; a supervisor has none and goes under "custom".
ROLE_VARIABLES: dict[str, str] = {
    Role.AUTHOR: "author",
    Role.EDITOR: "editor",
    Role.TRANSLATOR: "translator",
    Role.COMPILER: "compiler",
    Role.ILLUSTRATOR: "illustrator",
    Role.NARRATOR: "narrator",
    Role.CONTRIBUTOR: "contributor",
}
_IDENTIFIER_VARIABLES: dict[str, str] = {
    IdentifierScheme.ISBN: "ISBN",
    IdentifierScheme.ISSN: "ISSN",
    IdentifierScheme.DOI: "DOI",
}


def csl_name(name: str) -> dict[str, str]:
    family, given = split_name(name)
    return {"family": family, "given": given} if given else {"literal": family}


def to_csl(data: WorkInput, *, item_id: str = "item", url: str = "", pages: int | None = None) -> dict[str, Any]:
    """One CSL-JSON item; `url` is the work's page and `pages` its length, when known."""
    item: dict[str, Any] = {"id": item_id, "type": TYPES.get(data.type, "book"), "title": data.title}
    custom: dict[str, Any] = {}
    if _FROM_TYPE.get(item["type"]) != data.type:
        custom["type"] = data.type
    for creator in data.creators:
        variable = ROLE_VARIABLES.get(creator.role)
        if variable:
            item.setdefault(variable, []).append(csl_name(creator.name))
        else:
            custom.setdefault("creators", []).append({"name": creator.name, "role": creator.role})
    if data.year is not None:
        item["issued"] = {"date-parts": [[data.year]]}
    elif data.date:
        item["issued"] = {"raw": data.date}
    if data.date:
        custom["date"] = data.date
    simple = {
        "publisher": data.publisher,
        "publisher-place": data.place,
        "edition": data.edition,
        "collection-title": data.series,
        "collection-number": data.series_number,
        "abstract": data.abstract,
        "language": data.languages[0] if data.languages else "",
        "keyword": ", ".join(data.keywords),
        "number-of-pages": str(pages) if pages else "",
    }
    item.update({k: v for k, v in simple.items() if v})
    if data.type == WorkType.DISSERTATION:
        item["genre"] = "Dissertation"
    carried: set[tuple[str, str]] = set()
    for scheme, variable in _IDENTIFIER_VARIABLES.items():
        if value := first_identifier(data, scheme):
            item[variable] = value
            carried.add((scheme, value))
    uri = first_identifier(data, IdentifierScheme.URI)
    if url:
        item["URL"] = url
    elif uri:
        item["URL"] = uri
        carried.add((IdentifierScheme.URI, uri))
    rest = [[s, v] for s, v in data.identifiers if (s, v.strip()) not in carried]
    extras = {
        "identifiers": rest,
        "languages": data.languages[1:],
        "keywords": data.keywords if any("," in k for k in data.keywords) else [],
        "subjects": data.subjects,
        "title_language": data.title_language,
        "title_script": data.title_script,
        "alternative_titles": data.alternative_titles,
        "collections": data.collections,
        "rights": data.rights,
        "licence": data.licence,
    }
    custom.update({k: v for k, v in extras.items() if v})
    if custom:
        item["custom"] = custom
    return item


def _name_text(name: Any) -> str:
    if not isinstance(name, dict):
        raise ValueError(f"a name must be an object, not {type(name).__name__}")
    if name.get("literal"):
        return str(name["literal"])
    family = " ".join(str(name.get(k, "")) for k in ("non-dropping-particle", "family") if name.get(k)).strip()
    given = " ".join(str(name.get(k, "")) for k in ("given", "dropping-particle") if name.get(k)).strip()
    return join_name(family, given)


def _year(issued: Any) -> tuple[int | None, str]:
    if not isinstance(issued, dict):
        return None, ""
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            return int(parts[0][0]), ""
        except (TypeError, ValueError):
            return None, ""
    raw = str(issued.get("raw") or issued.get("literal") or "")
    return year_from_date(raw), raw


def from_csl(item: dict[str, Any]) -> WorkInput:
    """A CSL-JSON item as WorkInput; raises ValueError on what cannot be one."""
    if not isinstance(item, dict):
        raise ValueError("an item must be a JSON object")
    title = str(item.get("title") or "").strip()
    if not title:
        raise ValueError("the item has no title")
    custom: dict[str, Any] = item["custom"] if isinstance(item.get("custom"), dict) else {}
    kind = str(custom.get("type") or _FROM_TYPE.get(str(item.get("type", "")), WorkType.BOOK))
    if kind not in KNOWN_TYPES:
        kind = WorkType.BOOK
    creators = []
    for role, variable in ROLE_VARIABLES.items():
        names = item.get(variable) or []
        if not isinstance(names, list):
            raise ValueError(f"{variable} must be a list of names")
        creators += [Creator(name=_name_text(n), role=role) for n in names]
    creators += [
        Creator(name=str(c["name"]), role=str(c.get("role", Role.CONTRIBUTOR))) for c in custom.get("creators", [])
    ]
    year, raw_date = _year(item.get("issued"))
    keywords = custom.get("keywords") or [k.strip() for k in str(item.get("keyword") or "").split(",") if k.strip()]
    identifiers = [(scheme, str(item[v]).strip()) for scheme, v in _IDENTIFIER_VARIABLES.items() if item.get(v)]
    if item.get("URL"):
        identifiers.append((str(IdentifierScheme.URI), str(item["URL"]).strip()))
    identifiers += [(str(s), str(v)) for s, v in custom.get("identifiers", [])]
    return WorkInput(
        title=title,
        type=kind,
        creators=creators,
        languages=[str(item["language"])] + list(custom.get("languages", [])) if item.get("language") else [],
        title_language=str(custom.get("title_language", "")),
        title_script=str(custom.get("title_script", "")),
        alternative_titles=list(custom.get("alternative_titles", [])),
        publisher=str(item.get("publisher") or ""),
        place=str(item.get("publisher-place") or ""),
        date=str(custom.get("date") or raw_date),
        year=year,
        edition=str(item.get("edition") or ""),
        series=str(item.get("collection-title") or ""),
        series_number=str(item.get("collection-number") or ""),
        abstract=str(item.get("abstract") or ""),
        subjects=list(custom.get("subjects", [])),
        keywords=list(keywords),
        identifiers=identifiers,
        collections=list(custom.get("collections", [])),
        rights=str(custom.get("rights", "")),
        licence=str(custom.get("licence", "")),
    )


def dumps(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2)


def loads(text: str) -> list[WorkInput | RecordError]:
    """A CSL-JSON array (or one item); each broken item is one RecordError."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        return [RecordError(1, f"not valid JSON ({exc})")]
    items = raw if isinstance(raw, list) else [raw]
    out: list[WorkInput | RecordError] = []
    for position, item in enumerate(items, start=1):
        try:
            out.append(from_csl(item))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            out.append(RecordError(position, str(exc), raw=json.dumps(item, ensure_ascii=False)[:500]))
    return out
