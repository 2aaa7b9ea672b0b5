"""A bibliographic record after GOST R 7.0.100-2018, the style of Uzbekistan and the CIS.

    Qodiriy, A. Oʻtkan kunlar : roman / A. Qodiriy. – Toshkent : Gʻafur Gʻulom, 2019. – 384 b.

Areas are joined by ". – " (en dash), other title information follows " : ", the statement
of responsibility " / ", further statements " ; ". With one to three personal authors the first
heads the record; with four or more the record starts with the title and the statement names
the first three and "[и др.]". The words the standard adds (pages, editor, et al., "no place")
are written in the record's own language and script: Russian for Cyrillic records, Uzbek
Latin or Cyrillic for Uzbek ones, English for other Latin-script records. Why not a CSL style:
the official GOST styles follow GOST R 7.0.5-2008 and know no Uzbek words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from javon.catalog.crosswalk.common import (
    creators_with,
    first_identifier,
    language_of,
    one_line,
    script_of,
    split_name,
    title_parts,
)
from javon.catalog.models import IdentifierScheme, Role, WorkType
from javon.catalog.services import Creator, WorkInput

DASH = "\u2013"
MAX_NAMED = 3


@dataclass(frozen=True)
class Words:
    pages: str
    et_al: str
    no_place: str
    no_publisher: str
    no_year: str
    accessed: str
    roles: dict[str, str]
    types: dict[str, str]
    edition: str  # with {n} for the number and {th} for an English ordinal's ending

    def edition_of(self, text: str) -> str:
        text = one_line(text)
        return self.edition.format(n=text, th=_ordinal_suffix(text)) if text.isdigit() else text


def _ordinal_suffix(number: str) -> str:
    n = int(number)
    if n % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


_RU = Words(
    pages="с.",
    et_al="[и др.]",
    no_place="Б. м.",
    no_publisher="б. и.",
    no_year="б. г.",
    accessed="дата обращения",
    roles={
        Role.EDITOR: "редактор",
        Role.TRANSLATOR: "перевод",
        Role.COMPILER: "составитель",
        Role.SUPERVISOR: "научный руководитель",
        Role.ILLUSTRATOR: "художник",
        Role.NARRATOR: "читает",
    },
    types={
        WorkType.TEXTBOOK: "учебник",
        WorkType.MONOGRAPH: "монография",
        WorkType.DISSERTATION: "диссертация",
        WorkType.ABSTRACT: "реферат",
        WorkType.ENCYCLOPEDIA: "энциклопедия",
        WorkType.REFERENCE: "справочник",
    },
    edition="{n}-е изд.",
)
_UZ_LATN = Words(
    pages="b.",
    et_al="[va boshq.]",
    no_place="S. l.",
    no_publisher="s. n.",
    no_year="s. a.",
    accessed="murojaat sanasi",
    roles={
        Role.EDITOR: "muharrir",
        Role.TRANSLATOR: "tarjimon",
        Role.COMPILER: "tuzuvchi",
        Role.SUPERVISOR: "ilmiy rahbar",
        Role.ILLUSTRATOR: "rassom",
        Role.NARRATOR: "oʻqiydi",
    },
    types={
        WorkType.TEXTBOOK: "darslik",
        WorkType.MONOGRAPH: "monografiya",
        WorkType.DISSERTATION: "dissertatsiya",
        WorkType.ABSTRACT: "referat",
        WorkType.ENCYCLOPEDIA: "ensiklopediya",
        WorkType.REFERENCE: "maʼlumotnoma",
    },
    edition="{n}-nashr",
)
_UZ_CYRL = Words(
    pages="б.",
    et_al="[ва бошқ.]",
    no_place="Б. м.",
    no_publisher="б. и.",
    no_year="б. г.",
    accessed="мурожаат санаси",
    roles={
        Role.EDITOR: "муҳаррир",
        Role.TRANSLATOR: "таржимон",
        Role.COMPILER: "тузувчи",
        Role.SUPERVISOR: "илмий раҳбар",
        Role.ILLUSTRATOR: "рассом",
        Role.NARRATOR: "ўқийди",
    },
    types={
        WorkType.TEXTBOOK: "дарслик",
        WorkType.MONOGRAPH: "монография",
        WorkType.DISSERTATION: "диссертация",
        WorkType.ABSTRACT: "реферат",
        WorkType.ENCYCLOPEDIA: "энциклопедия",
        WorkType.REFERENCE: "маълумотнома",
    },
    edition="{n}-нашр",
)
_EN = Words(
    pages="p.",
    et_al="[et al.]",
    no_place="S. l.",
    no_publisher="s. n.",
    no_year="s. a.",
    accessed="accessed",
    roles={
        Role.EDITOR: "editor",
        Role.TRANSLATOR: "translator",
        Role.COMPILER: "compiler",
        Role.SUPERVISOR: "supervisor",
        Role.ILLUSTRATOR: "illustrator",
        Role.NARRATOR: "narrator",
    },
    types={
        WorkType.TEXTBOOK: "textbook",
        WorkType.MONOGRAPH: "monograph",
        WorkType.DISSERTATION: "dissertation",
        WorkType.ABSTRACT: "abstract",
        WorkType.ENCYCLOPEDIA: "encyclopedia",
        WorkType.REFERENCE: "reference book",
    },
    edition="{n}{th} ed.",
)

# Uzbek Latin letters written with two characters keep both in an initial: Sh., Ch., Oʻ., Gʻ.
_INITIAL = re.compile(r"^(?:[SsCc][Hh]|[OoGg][\u02bb\u02bc\u2018\u2019'`])")
_ALREADY_INITIAL = re.compile(r"^\w{1,2}[\u02bb\u02bc\u2018\u2019'`]?\.$")


def words_for(data: WorkInput) -> Words:
    language = language_of(data)
    if script_of(data) == "Cyrl":
        return _UZ_CYRL if language == "uz" else _RU
    return _UZ_LATN if language == "uz" else _EN


def initials(given: str) -> str:
    """'Иван Иванович' -> 'И. И.'; 'Shavkat' -> 'Sh.'; 'Jean-Paul' -> 'J.-P.'."""
    out = []
    for word in given.split():
        if _ALREADY_INITIAL.match(word):
            out.append(word)
            continue
        parts = []
        for part in word.split("-"):
            if not part:
                continue
            match = _INITIAL.match(part)
            parts.append((match.group(0) if match else part[0]).capitalize() + ".")
        out.append("-".join(parts))
    return " ".join(out)


def heading_name(name: str) -> str:
    family, given = split_name(one_line(name))
    return f"{family}, {initials(given)}" if given else family


def statement_name(name: str) -> str:
    family, given = split_name(one_line(name))
    return f"{initials(given)} {family}" if given else family


def _is_person(creator: Creator) -> bool:
    return bool(split_name(creator.name)[1])


def _join_areas(areas: list[str]) -> str:
    """Areas joined by '. – ', without doubling a full stop that ends an abbreviation."""
    text = ""
    for area in (a.strip() for a in areas if a and a.strip()):
        if text:
            text += (" " if text.endswith(".") else ". ") + DASH + " "
        text += area
    return text if text.endswith((".", "?", "!")) else text + "."


def _responsibility(data: WorkInput, words: Words) -> str:
    authors = creators_with(data, Role.AUTHOR)
    named = ", ".join(statement_name(c.name) for c in authors[:MAX_NAMED])
    if len(authors) > MAX_NAMED:
        named += " " + words.et_al
    statements = [named] if named else []
    for role, word in words.roles.items():
        names = [statement_name(c.name) for c in creators_with(data, role)]
        if names:
            statements.append(f"{word} {', '.join(names)}")
    return " ; ".join(statements)


def _publication(data: WorkInput, words: Words) -> str:
    place, publisher = one_line(data.place), one_line(data.publisher)
    when = str(data.year) if data.year is not None else one_line(data.date)
    if place and publisher:
        where = f"{place} : {publisher}"
    elif place:
        where = f"{place} : [{words.no_publisher}]"
    elif publisher:
        where = f"[{words.no_place}] : {publisher}"
    else:
        where = f"[{words.no_place} : {words.no_publisher}]"
    return f"{where}, {when or '[' + words.no_year + ']'}"


def format_record(
    data: WorkInput,
    *,
    pages: int | None = None,
    url: str = "",
    accessed: dt.date | None = None,
) -> str:
    """The record as one line of text (not HTML: escape it where it is shown)."""
    words = words_for(data)
    authors = creators_with(data, Role.AUTHOR)
    heading = ""
    if 1 <= len(authors) <= MAX_NAMED and _is_person(authors[0]):
        heading = heading_name(authors[0].name)
    main, subtitle = title_parts(data.title)
    title = " : ".join(part for part in (main, subtitle, words.types.get(data.type, "")) if part)
    first = f"{heading} {title}" if heading else title
    responsibility = _responsibility(data, words)
    if responsibility:
        first += f" / {responsibility}"
    series = one_line(data.series)
    if series and one_line(data.series_number):
        series += f" ; {one_line(data.series_number)}"
    isbn = first_identifier(data, IdentifierScheme.ISBN)
    online = ""
    if url:
        day = (accessed or dt.date.today()).strftime("%d.%m.%Y")
        online = f"URL: {url} ({words.accessed}: {day})"
    areas = [
        first,
        words.edition_of(data.edition),
        _publication(data, words),
        f"{pages} {words.pages}" if pages else "",
        f"({series})" if series else "",
        f"ISBN {isbn}" if isbn else "",
        online,
    ]
    return _join_areas(areas)
