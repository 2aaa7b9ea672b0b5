"""schema.org JSON-LD for a work's page, and JSON that is safe inside an HTML <script> element."""

from __future__ import annotations

import json
from typing import Any

from javon.catalog.crosswalk.common import creators_with, identifiers, one_line, split_name
from javon.catalog.models import IdentifierScheme, Role, WorkType
from javon.catalog.services import WorkInput

TYPES: dict[str, str] = {
    WorkType.BOOK: "Book",
    WorkType.TEXTBOOK: "Book",
    WorkType.MONOGRAPH: "Book",
    WorkType.ENCYCLOPEDIA: "Book",
    WorkType.REFERENCE: "Book",
    WorkType.DISSERTATION: "Thesis",
    WorkType.ARTICLE: "ScholarlyArticle",
    WorkType.ABSTRACT: "ScholarlyArticle",
    WorkType.PERIODICAL_ISSUE: "PublicationIssue",
    WorkType.AUDIO: "AudioObject",
    WorkType.VIDEO: "VideoObject",
    WorkType.ARCHIVAL: "CreativeWork",
}
_ROLE_PROPERTIES = {Role.AUTHOR: "author", Role.EDITOR: "editor", Role.TRANSLATOR: "translator"}
# What the HTML parser would read as markup or the end of the script, written as JSON escapes.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def agent(name: str) -> dict[str, str]:
    family, given = split_name(one_line(name))
    if not given:
        return {"@type": "Organization", "name": family}
    return {"@type": "Person", "name": f"{given} {family}", "familyName": family, "givenName": given}


def json_ld(data: WorkInput, *, url: str = "", pages: int | None = None) -> dict[str, Any]:
    kind = TYPES.get(data.type, "CreativeWork")
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": kind, "name": one_line(data.title)}
    if url:
        doc["@id"] = doc["url"] = url
    for role, prop in _ROLE_PROPERTIES.items():
        people = [agent(c.name) for c in creators_with(data, role)]
        if people:
            doc[prop] = people
    others = [c for c in data.creators if c.role not in _ROLE_PROPERTIES]
    if others:
        doc["contributor"] = [agent(c.name) for c in others]
    when = str(data.year) if data.year is not None else one_line(data.date)
    optional: dict[str, Any] = {
        "datePublished": when,
        "inLanguage": data.languages[0] if len(data.languages) == 1 else list(data.languages),
        "publisher": {"@type": "Organization", "name": one_line(data.publisher)} if data.publisher else None,
        "about": [{"@type": "Thing", "name": s} for s in data.subjects],
        "keywords": ", ".join(data.keywords),
        "abstract": data.abstract,
        "alternateName": [t["title"] for t in data.alternative_titles if t.get("title")],
        "license": data.licence,
    }
    if kind == "Book":
        optional["isbn"] = identifiers(data, IdentifierScheme.ISBN)
        optional["bookEdition"] = data.edition
        optional["numberOfPages"] = pages
    else:
        optional["identifier"] = [f"ISBN {v}" for v in identifiers(data, IdentifierScheme.ISBN)]
    if kind == "Thesis" and data.publisher:
        optional["sourceOrganization"] = optional["publisher"]
    doi = identifiers(data, IdentifierScheme.DOI)
    if doi:
        optional["sameAs"] = [f"https://doi.org/{v}" for v in doi]
    for key, value in optional.items():
        if value:
            doc[key] = value[0] if isinstance(value, list) and len(value) == 1 and key == "isbn" else value
    return doc


def script_json(value: Any) -> str:
    """JSON to place between <script> tags as is: '</script>' or '<!--' in a title cannot end it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
