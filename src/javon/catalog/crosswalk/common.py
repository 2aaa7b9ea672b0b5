"""What every crosswalk shares: the error for one broken record, names, scripts and words.

A crosswalk turns a WorkInput (see javon.catalog.services) into an exchange or citation
format and back. Creators are catalogued as "Surname, Given" (or an organisation's name);
formats that split names get family and given parts from that one comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from javon.catalog.models import Role, WorkType
from javon.catalog.services import Creator, WorkInput

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SPACE = re.compile(r"\s+")


@dataclass
class RecordError:
    """One record that could not be read; the others in the same file still are."""

    position: int
    message: str
    source: str = ""
    raw: str = field(default="", repr=False)

    def __str__(self) -> str:
        where = f"{self.source} " if self.source else ""
        return f"{where}record {self.position}: {self.message}"


def one_line(text: str) -> str:
    """Newlines and runs of spaces become one space: line-based formats cannot carry them."""
    return _SPACE.sub(" ", text or "").strip()


def split_name(name: str) -> tuple[str, str]:
    """'Qodiriy, Abdulla' -> ('Qodiriy', 'Abdulla'); an organisation keeps its whole name as family."""
    family, sep, given = name.partition(",")
    if not sep:
        return name.strip(), ""
    return family.strip(), given.strip()


def join_name(family: str, given: str) -> str:
    family, given = family.strip(), given.strip()
    return f"{family}, {given}" if family and given else family or given


def script_of(data: WorkInput) -> str:
    """The script the record is written in: its declared title script, else what its title shows."""
    if data.title_script in {"Latn", "Cyrl"}:
        return data.title_script
    sample = " ".join([data.title, *(c.name for c in data.creators[:1])])
    return "Cyrl" if len(_CYRILLIC.findall(sample)) > len(_LATIN.findall(sample)) else "Latn"


def language_of(data: WorkInput) -> str:
    return (data.title_language or (data.languages[0] if data.languages else "")).split("-")[0].lower()


def identifiers(data: WorkInput, scheme: str) -> list[str]:
    return [value.strip() for s, value in data.identifiers if s == scheme and value.strip()]


def first_identifier(data: WorkInput, scheme: str) -> str:
    found = identifiers(data, scheme)
    return found[0] if found else ""


def creators_with(data: WorkInput, role: str) -> list[Creator]:
    return [c for c in data.creators if c.role == role]


def title_parts(title: str) -> tuple[str, str]:
    """'Main: subtitle' or 'Main : subtitle' -> ('Main', 'subtitle'); the catalogue keeps both in `title`."""
    main, sep, sub = one_line(title).partition(":")
    if not sep or not main.strip() or not sub.strip():
        return one_line(title), ""
    return main.strip(), sub.strip()


KNOWN_TYPES = set(WorkType.values)
KNOWN_ROLES = set(Role.values)
