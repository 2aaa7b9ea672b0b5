"""The query language, the same for every backend.

    kitob oʻqish          both words (AND by default), any spelling or script
    "oʻtkan kunlar"       a phrase
    tarix OR tarixi       either
    -roman                not this word
    author:Navoiy title:… subject:…   one field
    year:1990 year:1990-2000          a year or a range
    kutub*                a prefix

Every word is analysed by javon.text with every plausible analyser (query_variants), so
the keys are the ones the index holds whatever script or apostrophe the reader typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from javon.text import query_variants

FIELDS = {"author": "creators", "creator": "creators", "title": "title", "subject": "subjects"}
_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?("([^"]*)"?|\S+)')
_YEAR_RANGE = re.compile(r"^(\d{1,4})?\s*(?:-|\.\.)\s*(\d{1,4})?$")


@dataclass(frozen=True)
class TermKeys:
    key: str
    stem: str
    loose: str = ""


@dataclass
class Clause:
    field: str | None
    variants: list[list[TermKeys]]
    phrase: bool = False
    prefix: bool = False
    text: str = ""


@dataclass
class ParsedQuery:
    text: str = ""
    groups: list[list[Clause]] = field(default_factory=list)  # AND over groups, OR within
    excluded: list[Clause] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def highlight_keys(self) -> set[str]:
        keys: set[str] = set()
        for group in self.groups:
            for clause in group:
                for variant in clause.variants:
                    for term in variant:
                        keys.add(term.key)
                        keys.add(term.stem)
        return keys

    def prefixes(self) -> list[str]:
        return [c.variants[0][-1].key for g in self.groups for c in g if c.prefix and c.variants and c.variants[0]]


def _analyse(text: str) -> list[list[TermKeys]]:
    seen: set[tuple[TermKeys, ...]] = set()
    variants: list[list[TermKeys]] = []
    for tokens in query_variants(text):
        terms = tuple(TermKeys(t.key, t.stem, t.loose) for t in tokens if t.key)
        if terms and terms not in seen:
            seen.add(terms)
            variants.append(list(terms))
    return variants


def parse(text: str) -> ParsedQuery:
    query = ParsedQuery(text=text.strip())
    pending_or = False
    for match in _TOKEN.finditer(text):
        negated, field_name, raw, quoted = match.group(1), match.group(2), match.group(3), match.group(4)
        if raw == "OR" and not negated and not field_name:
            pending_or = bool(query.groups)
            continue
        field_key = field_name.lower() if field_name else None
        if field_key == "year":
            years = _YEAR_RANGE.match(raw)
            if raw.isdigit():
                query.year_from = query.year_to = int(raw)
            elif years:
                query.year_from = int(years.group(1)) if years.group(1) else None
                query.year_to = int(years.group(2)) if years.group(2) else None
            continue
        target = FIELDS.get(field_key) if field_key else None
        if field_key and target is None:
            # An unknown "field:" is just text (a title with a colon, a URL).
            raw = f"{field_name}:{raw}"
        phrase = quoted is not None
        body = quoted if phrase else raw
        prefix = not phrase and body.endswith("*") and len(body.rstrip("*")) >= 2
        body = body.rstrip("*") if prefix else body
        variants = _analyse(body)
        if not variants:
            continue
        clause = Clause(
            field=target,
            variants=variants,
            phrase=phrase and any(len(v) > 1 for v in variants),
            prefix=prefix,
            text=body,
        )
        if negated:
            query.excluded.append(clause)
        elif pending_or:
            query.groups[-1].append(clause)
        else:
            query.groups.append([clause])
        pending_or = False
    return query
