"""Work ↔ MARC 21 bibliographic record (pymarc.Record). The table is docs/crosswalk-marc.md.

    work_to_record(work)          -> Record   (what `javon export`, the API and OAI-PMH marcxml send)
    input_to_record(data, ...)    -> Record
    record_to_input(record)       -> WorkInput (raises RecordProblem when the record has no title)

Reading and writing files (ISO 2709 in UTF-8, MARC-8 or CP1251; MARCXML) is in marc_files.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from pymarc import Field, Indicators, Record, Subfield

from javon.catalog.crosswalk.common import script_of
from javon.catalog.models import IdentifierScheme, Role, Work, WorkType
from javon.catalog.services import Creator, WorkInput, to_input, year_from_date

# ISO 639-2/B (MARC) <-> the ISO 639-1 codes the catalogue keeps.
_TO_MARC_LANGUAGE = {
    "uz": "uzb", "ru": "rus", "en": "eng", "kaa": "kaa", "tg": "tgk", "kk": "kaz", "ky": "kir", "tk": "tuk",
    "tt": "tat", "tr": "tur", "de": "ger", "fr": "fre", "ar": "ara", "fa": "per", "zh": "chi", "uk": "ukr",
    "be": "bel", "es": "spa", "it": "ita", "ja": "jpn", "ko": "kor", "la": "lat", "az": "aze",
}  # fmt: skip
_FROM_MARC_LANGUAGE = {v: k for k, v in _TO_MARC_LANGUAGE.items()} | {"deu": "de", "fra": "fr", "fas": "fa"}

# Relator codes ($4) and terms ($e, in English, Russian and Uzbek) -> role; first code per role is written.
_RELATOR_CODES = {
    "aut": Role.AUTHOR, "cre": Role.AUTHOR, "edt": Role.EDITOR, "trl": Role.TRANSLATOR, "com": Role.COMPILER,
    "ths": Role.SUPERVISOR, "dgs": Role.SUPERVISOR, "nrt": Role.NARRATOR, "ill": Role.ILLUSTRATOR,
    "ctb": Role.CONTRIBUTOR,
}  # fmt: skip
_ROLE_CODES: dict[str, str] = {role: code for code, role in reversed(list(_RELATOR_CODES.items()))}
_RELATOR_TERMS = {
    "author": Role.AUTHOR, "editor": Role.EDITOR, "translator": Role.TRANSLATOR, "compiler": Role.COMPILER,
    "thesis advisor": Role.SUPERVISOR, "supervisor": Role.SUPERVISOR, "narrator": Role.NARRATOR,
    "illustrator": Role.ILLUSTRATOR, "автор": Role.AUTHOR, "редактор": Role.EDITOR, "ред": Role.EDITOR,
    "переводчик": Role.TRANSLATOR, "пер": Role.TRANSLATOR, "составитель": Role.COMPILER, "сост": Role.COMPILER,
    "научный руководитель": Role.SUPERVISOR, "иллюстратор": Role.ILLUSTRATOR, "muallif": Role.AUTHOR,
    "muharrir": Role.EDITOR, "tarjimon": Role.TRANSLATOR, "tuzuvchi": Role.COMPILER,
    "ilmiy rahbar": Role.SUPERVISOR, "rassom": Role.ILLUSTRATOR,
}  # fmt: skip

# Types the leader and 008 cannot say travel as a 655 genre term.
_GENRE_TERMS: dict[str, str] = {
    WorkType.TEXTBOOK: "Textbooks",
    WorkType.MONOGRAPH: "Monographs",
    WorkType.ABSTRACT: "Abstracts",
}
_GENRE_WORDS = {
    "textbooks": WorkType.TEXTBOOK, "textbook": WorkType.TEXTBOOK, "учебники": WorkType.TEXTBOOK,
    "учебник": WorkType.TEXTBOOK, "darslik": WorkType.TEXTBOOK, "monographs": WorkType.MONOGRAPH,
    "монография": WorkType.MONOGRAPH, "monografiya": WorkType.MONOGRAPH, "abstracts": WorkType.ABSTRACT,
    "реферат": WorkType.ABSTRACT, "referat": WorkType.ABSTRACT,
}  # fmt: skip
# Leader/06-07 and 008/24 (nature of contents) for each type.
_LEADER_TYPE: dict[str, str] = {
    WorkType.AUDIO: "im", WorkType.VIDEO: "gm", WorkType.ARCHIVAL: "pc", WorkType.ARTICLE: "ab",
    WorkType.PERIODICAL_ISSUE: "as",
}  # fmt: skip
_NATURE: dict[str, str] = {WorkType.DISSERTATION: "m", WorkType.ENCYCLOPEDIA: "e", WorkType.REFERENCE: "d"}
_NATURE_TYPES = {
    "m": WorkType.DISSERTATION,
    "e": WorkType.ENCYCLOPEDIA,
    "d": WorkType.REFERENCE,
    "r": WorkType.REFERENCE,
}

_TRAILING_MARKS = re.compile(r"[\s/:;,=]+$")
_ABBREVIATION = re.compile(r"(?:^|[\s.\-])\w{1,3}\.$")
_ISBN = re.compile(r"[0-9Xx][0-9Xx\- ]{8,16}[0-9Xx]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Control characters, among them ISO 2709's own separators (0x1D-0x1F), would break a record.
_SEPARATORS = re.compile(r"[\x00-\x08\x0b-\x1f]")


class RecordProblem(ValueError):
    """A MARC record that parsed but cannot become a work (no title, say)."""


def control_identifier(number: str, organisation: str = "") -> str:
    """001 + 003 as one identifier, written like MARC 035: '(UzTaNL)000123', or '000123' alone."""
    number = number.strip()
    return f"({organisation.strip()}){number}" if organisation.strip() and number else number


def own_organisation() -> str:
    """What this library writes in 003: the OAI repository id (a domain name), stable across exports."""
    return str(getattr(settings, "OAI_REPOSITORY_ID", "") or "javon.local")


# ------------------------------------------------------------------ MARC -> Javon
def _tidy(text: str) -> str:
    """Subfield text without the ISBD punctuation that ends it ('Toshkent :' -> 'Toshkent').

    A final full stop goes too, unless it ends an abbreviation or initial ('3rd ed.', 'A.').
    """
    text = _TRAILING_MARKS.sub("", " ".join((text or "").split()))
    if text.endswith(".") and not _ABBREVIATION.search(text):
        text = text[:-1].rstrip()
    return text


def _values(record: Record, tag: str, code: str) -> list[str]:
    return [_tidy(v) for f in record.get_fields(tag) for v in f.get_subfields(code) if _tidy(v)]


def _first(record: Record, tag: str, code: str) -> str:
    found = _values(record, tag, code)
    return found[0] if found else ""


def _control(record: Record, tag: str) -> str:
    fields = record.get_fields(tag)
    return (fields[0].data or "") if fields and fields[0].is_control_field() else ""


def _role(field: Field) -> str:
    for code in field.get_subfields("4"):
        role = _RELATOR_CODES.get(code.strip().lower()[:3])
        if role:
            return role
    for term in field.get_subfields("e"):
        role = _RELATOR_TERMS.get(_tidy(term).lower())
        if role:
            return role
    return Role.AUTHOR if field.tag[0] == "1" else Role.CONTRIBUTOR


def _creators(record: Record) -> list[Creator]:
    out: list[Creator] = []
    for field in record.get_fields("100", "110", "111", "700", "710", "711"):
        name = " ".join(_tidy(v) for v in field.get_subfields("a", "b") if _tidy(v))
        if name:
            out.append(Creator(name=name, role=_role(field), dates=_tidy(" ".join(field.get_subfields("d")))))
    return out


def _script(text: str) -> str:
    return "Cyrl" if _CYRILLIC.search(text) else "Latn" if text else ""


def _title(field: Field) -> str:
    main = " ".join(_tidy(v) for v in field.get_subfields("a", "n", "p") if _tidy(v))
    rest = _tidy(" ".join(field.get_subfields("b")))
    return f"{main}: {rest}" if main and rest else main or rest


def _identifiers(record: Record) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    control = control_identifier(_control(record, "001"), _control(record, "003"))
    if control:
        found.append((IdentifierScheme.OTHER, control))
    for value in _values(record, "020", "a"):
        match = _ISBN.search(value)
        if match:
            found.append((IdentifierScheme.ISBN, match.group(0).replace(" ", "")))
    found += [(IdentifierScheme.ISSN, v) for v in _values(record, "022", "a")]
    for field in record.get_fields("024"):
        source = " ".join(field.get_subfields("2")).strip().lower()
        for value in field.get_subfields("a"):
            if source == "doi" or value.strip().startswith("10."):
                found.append((IdentifierScheme.DOI, value.strip()))
    found += [(IdentifierScheme.OTHER, v) for v in _values(record, "035", "a") if v != control]
    found += [(IdentifierScheme.UDC, v) for v in _values(record, "080", "a")]
    for field in record.get_fields("084"):
        source = " ".join(field.get_subfields("2")).strip().lower()
        scheme = IdentifierScheme.BBK if source.startswith(("rubbk", "bbk")) else IdentifierScheme.OTHER
        found += [(scheme, _tidy(v)) for v in field.get_subfields("a") if _tidy(v)]
    for field in record.get_fields("090", "099"):
        number = " ".join(v.strip() for v in field.get_subfields("a", "b") if v.strip())
        if number:
            found.append((IdentifierScheme.CALL_NUMBER, number))
    found += [(IdentifierScheme.URI, v) for v in _values(record, "856", "u")]
    return list(dict.fromkeys(found))


def _languages(record: Record) -> list[str]:
    codes = [v.lower() for f in record.get_fields("041") for v in f.get_subfields("a")]
    fixed = _control(record, "008")
    if len(fixed) >= 38 and fixed[35:38].strip(" |"):
        codes.insert(0, fixed[35:38].lower())
    # 041 $a may pack several codes together ("uzbrus"), as older records do.
    split = [code[i : i + 3] for code in codes for i in range(0, len(code.strip()), 3)]
    return list(dict.fromkeys(_FROM_MARC_LANGUAGE.get(c, c) for c in split if len(c) == 3 and c.isalpha()))


def _type(record: Record) -> str:
    leader = str(record.leader)
    kind, level = leader[6:7], leader[7:8]
    fixed = _control(record, "008")
    for term in _values(record, "655", "a"):
        found = _GENRE_WORDS.get(term.lower())
        if found:
            return found
    if record.get_fields("502") or (len(fixed) > 24 and "m" in fixed[24:28] and kind in ("a", "t")):
        return WorkType.DISSERTATION
    if kind in ("i", "j"):
        return WorkType.AUDIO
    if kind == "g":
        return WorkType.VIDEO
    if kind == "p" or level == "c":
        return WorkType.ARCHIVAL
    if level in ("a", "b"):
        return WorkType.ARTICLE
    if level == "s":
        return WorkType.PERIODICAL_ISSUE
    if len(fixed) > 24 and kind in ("a", "t"):
        for code in fixed[24:28]:
            if code in _NATURE_TYPES:
                return _NATURE_TYPES[code]
    return WorkType.BOOK


def _linked_titles(record: Record) -> list[dict[str, str]]:
    """880 fields that give the title (245, 246) in another script."""
    titles = []
    for field in record.get_fields("880"):
        link = " ".join(field.get_subfields("6"))
        if link[:3] in ("245", "246"):
            title = _title(field)
            if title:
                titles.append({"title": title, "language": "", "script": _script(title)})
    return titles


def record_to_input(record: Record) -> WorkInput:
    titles = record.get_fields("245")
    title = _title(titles[0]) if titles else ""
    if not title:
        raise RecordProblem("no title (245 $a)")
    published = record.get_fields("264", "260")
    publication = next((f for f in published if f.tag == "260" or f.indicator2 in ("1", " ")), None)
    place = publisher = when = ""
    if publication is not None:
        place = _tidy(" ".join(publication.get_subfields("a")[:1]))
        publisher = _tidy(" ".join(publication.get_subfields("b")[:1]))
        when = _tidy(" ".join(publication.get_subfields("c")[:1])).strip("[]©c ")
    fixed = _control(record, "008")
    year = year_from_date(when) or (int(fixed[7:11]) if len(fixed) > 10 and fixed[7:11].isdigit() else None)
    series = _first(record, "490", "a") or _first(record, "830", "a")
    number = _first(record, "490", "v") or _first(record, "830", "v")
    alternative = [{"title": t, "language": "", "script": _script(t)} for t in _values(record, "246", "a")]
    alternative += _linked_titles(record)
    scripts = [v.lower() for v in _values(record, "546", "b")]
    declared = "Cyrl" if any("cyr" in s or "кирил" in s for s in scripts) else ""
    declared = declared or ("Latn" if any("lat" in s or "лат" in s for s in scripts) else "")
    languages = _languages(record)
    subjects = [
        " -- ".join(_tidy(v) for v in f.get_subfields("a", "x", "y", "z", "v") if _tidy(v))
        for f in record.get_fields("600", "610", "650", "651")
    ]
    rights = "\n".join(_values(record, "540", "a")) or "\n".join(_values(record, "506", "a"))
    return WorkInput(
        title=title,
        type=_type(record),
        creators=_creators(record),
        languages=languages,
        title_language=languages[0] if languages else "",
        title_script=declared or _script(title),
        alternative_titles=[t for t in alternative if t["title"] != title],
        publisher=publisher,
        place=place,
        date=when,
        year=year,
        edition=_first(record, "250", "a"),
        series=series,
        series_number=number,
        abstract="\n\n".join(" ".join(f.get_subfields("a")).strip() for f in record.get_fields("520")).strip(),
        subjects=list(dict.fromkeys(s for s in subjects if s)),
        keywords=list(dict.fromkeys(_values(record, "653", "a"))),
        identifiers=_identifiers(record),
        rights=rights,
        licence=_first(record, "540", "f"),
    )


# ------------------------------------------------------------------ Javon -> MARC
def _field(tag: str, ind: str, *pairs: tuple[str, str]) -> Field | None:
    subfields = [
        Subfield(code, _SEPARATORS.sub(" ", value).strip()) for code, value in pairs if value and value.strip()
    ]
    if not subfields:
        return None
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def _fixed_field(data: WorkInput, created: date | None) -> str:
    """008 for books (and, close enough, the other kinds): entered, dates, nature of contents, language."""
    entered = (created or date.today()).strftime("%y%m%d")
    year = data.year if data.year is not None else year_from_date(data.date)
    when = f"s{year:04d}    " if year is not None and 0 <= year <= 9999 else "n        "
    nature = _NATURE.get(data.type, " ")
    language = _TO_MARC_LANGUAGE.get(data.languages[0], data.languages[0])[:3] if data.languages else "und"
    fixed = f"{entered}{when}xx {' ' * 6}{nature}{' ' * 10}{language:<3} d"
    assert len(fixed) == 40, fixed
    return fixed


def _person(creator: Creator, main: bool) -> Field:
    organisation = "," not in creator.name
    tag = ("1" if main else "7") + ("10" if organisation else "00")
    ind = "2 " if organisation else "1 "
    role = creator.role if creator.role in _ROLE_CODES else Role.CONTRIBUTOR
    field = _field(tag, ind, ("a", creator.name), ("d", creator.dates), ("e", role), ("4", _ROLE_CODES[role]))
    assert field is not None
    return field


def input_to_record(
    data: WorkInput, *, control_number: str = "", created: date | None = None, extent: str = ""
) -> Record:
    """A MARC 21 record (UTF-8, leader/09 'a') for the metadata; 001/003 when a control number is given."""
    leader = "00000n" + _LEADER_TYPE.get(data.type, "am") + " a22000007i 4500"
    record = Record(force_utf8=True, leader=leader)
    if control_number:
        record.add_field(Field(tag="001", data=control_number), Field(tag="003", data=own_organisation()))
    record.add_field(Field(tag="008", data=_fixed_field(data, created)))
    by_scheme: dict[str, list[str]] = {}
    for scheme, value in data.identifiers:
        by_scheme.setdefault(scheme, []).append(value)
    fields: list[Field | None] = []
    fields += [_field("020", "  ", ("a", v)) for v in by_scheme.get(IdentifierScheme.ISBN, [])]
    fields += [_field("022", "  ", ("a", v)) for v in by_scheme.get(IdentifierScheme.ISSN, [])]
    fields += [_field("024", "7 ", ("a", v), ("2", "doi")) for v in by_scheme.get(IdentifierScheme.DOI, [])]
    fields += [_field("035", "  ", ("a", v)) for v in by_scheme.get(IdentifierScheme.OTHER, [])]
    languages = [_TO_MARC_LANGUAGE.get(code, code) for code in data.languages]
    if len(languages) > 1:
        fields.append(_field("041", "0 ", *(("a", code) for code in languages)))
    fields += [_field("080", "  ", ("a", v)) for v in by_scheme.get(IdentifierScheme.UDC, [])]
    fields += [_field("084", "  ", ("a", v), ("2", "rubbk")) for v in by_scheme.get(IdentifierScheme.BBK, [])]
    fields += [_field("099", "  ", ("a", v)) for v in by_scheme.get(IdentifierScheme.CALL_NUMBER, [])]
    main = next((c for c in data.creators if c.role == Role.AUTHOR), None)
    if main is not None:
        fields.append(_person(main, main=True))
    script = script_of(data)
    linked = next((t for t in data.alternative_titles if t.get("script") and t.get("script") != script), None)
    head, sep, tail = data.title.partition(": ")
    statement = ", ".join(c.name for c in data.creators)
    link = [("6", "880-01")] if linked else []
    fields.append(
        _field(
            "245",
            ("1" if main else "0") + "0",
            *link,
            ("a", head + (" :" if sep else (" /" if statement else ""))),
            ("b", tail + (" /" if statement else "") if sep else ""),
            ("c", statement),
        )
    )
    if linked:
        code = "(N" if linked.get("script") == "Cyrl" else "(B"
        fields.append(_field("880", "10", ("6", f"245-01/{code}"), ("a", linked["title"])))
    fields += [
        _field("246", "1 ", ("a", t["title"])) for t in data.alternative_titles if t is not linked and t.get("title")
    ]
    fields.append(_field("250", "  ", ("a", data.edition)))
    fields.append(
        _field("264", " 1", ("a", data.place), ("b", data.publisher), ("c", data.date or str(data.year or "")))
    )
    fields.append(_field("300", "  ", ("a", extent)))
    fields.append(_field("490", "0 ", ("a", data.series), ("v", data.series_number)))
    if data.type == WorkType.DISSERTATION:
        fields.append(_field("502", "  ", ("a", "Dissertation"), ("c", data.publisher), ("d", str(data.year or ""))))
    fields.append(_field("520", "  ", ("a", data.abstract)))
    if data.access and data.access != "open":
        fields.append(_field("506", "1 ", ("a", f"Access: {data.access}")))
    fields.append(_field("540", "  ", ("a", data.rights), ("f", data.licence)))
    if data.languages or data.title_script:
        fields.append(_field("546", "  ", ("b", {"Cyrl": "Cyrillic", "Latn": "Latin"}.get(script, ""))))
    fields += [_field("650", " 4", ("a", term)) for term in data.subjects]
    fields += [_field("653", "  ", ("a", word)) for word in data.keywords]
    if data.type in _GENRE_TERMS:
        fields.append(_field("655", " 4", ("a", _GENRE_TERMS[data.type])))
    fields += [_person(c, main=False) for c in data.creators if c is not main]
    fields += [_field("856", "40", ("u", v)) for v in by_scheme.get(IdentifierScheme.URI, [])]
    record.add_ordered_field(*(f for f in fields if f is not None))
    return record


def work_to_record(work: Work) -> Record:
    """The work as a MARC 21 record: 001 its id, 003 this library, 300 the pages of its first file."""
    from javon.storage.models import File, FileRole

    original = File.objects.filter(work=work, role=FileRole.ORIGINAL).order_by("id").first()
    pages = original.page_count if original is not None and original.page_count else None
    extent = f"{pages} p." if pages else ""
    return input_to_record(
        to_input(work),
        control_number=str(work.pk),
        created=work.created.date() if work.created else None,
        extent=extent,
    )
