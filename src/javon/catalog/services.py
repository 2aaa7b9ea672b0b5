"""What the catalogue does: create and edit works, keeping a history of every change.

Writes own their transaction, record who changed what, and tell the search index
through its change log in the same transaction (see javon.search.services).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from javon.access import services as access_services
from javon.access.policy import RuleError, parse_rule
from javon.catalog.models import (
    Agent,
    AlternativeTitle,
    Collection,
    Contribution,
    Identifier,
    IdentifierScheme,
    MetadataChange,
    Role,
    Subject,
    Work,
    WorkType,
)
from javon.search import services as search_services
from javon.text import fold

_DATES = re.compile(r"\s*\(([^()]*\d[^()]*)\)\s*$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


class CatalogError(ValueError):
    """Metadata that cannot be catalogued as given; the message says which field and why."""


@dataclass
class Creator:
    name: str
    role: str = Role.AUTHOR
    dates: str = ""


@dataclass
class WorkInput:
    """Metadata for a new work or an edit, as it comes from a form, the API, a sidecar or a CSV."""

    title: str
    type: str = WorkType.BOOK
    creators: list[Creator] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    title_language: str = ""
    title_script: str = ""
    alternative_titles: list[dict[str, str]] = field(default_factory=list)
    publisher: str = ""
    place: str = ""
    date: str = ""
    year: int | None = None
    edition: str = ""
    series: str = ""
    series_number: str = ""
    abstract: str = ""
    subjects: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    rights: str = ""
    licence: str = ""
    access: str = "open"
    lending_copies: int = 0


_ROLE_WORDS = {
    "editor": Role.EDITOR,
    "ed.": Role.EDITOR,
    "translator": Role.TRANSLATOR,
    "tr.": Role.TRANSLATOR,
    "compiler": Role.COMPILER,
    "supervisor": Role.SUPERVISOR,
    "narrator": Role.NARRATOR,
    "illustrator": Role.ILLUSTRATOR,
    "author": Role.AUTHOR,
}


def parse_creator(text: str, role: str = Role.AUTHOR) -> Creator:
    """'Austen, Jane (1775-1817)' -> Creator('Austen, Jane', author, '1775-1817');
    'Todd, Mabel Loomis (editor, 1856-1932)' -> Creator('Todd, Mabel Loomis', editor, '1856-1932')."""
    text = " ".join(text.split())
    match = _DATES.search(text)
    if not match:
        return Creator(name=text, role=role)
    name, dates = text[: match.start()].strip(), match.group(1).strip()
    head, _, rest = dates.partition(",")
    if rest and not any(ch.isdigit() for ch in head):
        role = _ROLE_WORDS.get(head.strip().lower(), Role.CONTRIBUTOR)
        dates = rest.strip()
    return Creator(name=name, role=role, dates=dates)


def parse_creators(text: str) -> list[Creator]:
    """Several creators separated by ';', the first an author unless it says otherwise."""
    return [parse_creator(part) for part in split_list(text)]


def year_from_date(date: str) -> int | None:
    match = _YEAR.search(date or "")
    return int(match.group(1)) if match else None


def split_list(value: str | list[str] | None, separators: str = ";") -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", value) if part.strip()]


def validate(data: WorkInput) -> None:
    if not data.title.strip():
        raise CatalogError("title: a work needs a title")
    if data.type not in WorkType.values:
        raise CatalogError(f"type: {data.type!r} is not one of {', '.join(WorkType.values)}")
    for creator in data.creators:
        if creator.role not in Role.values:
            raise CatalogError(f"creators: role {creator.role!r} is not one of {', '.join(Role.values)}")
        if not creator.name.strip():
            raise CatalogError("creators: a creator needs a name")
    for scheme, _value in data.identifiers:
        if scheme not in IdentifierScheme.values:
            raise CatalogError(f"identifiers: unknown scheme {scheme!r}")
    if data.year is not None and not (-3000 <= data.year <= 3000):
        raise CatalogError(f"year: {data.year} is out of range")
    try:
        parse_rule(data.access)
    except RuleError as error:
        raise CatalogError(f"access: {error}") from error
    if not isinstance(data.lending_copies, int) or not 0 <= data.lending_copies <= 10_000:
        raise CatalogError("lending_copies: a whole number from 0 to 10000")


def name_key(text: str) -> str:
    """The key that recognises one agent or subject however it is written.

    Always the Uzbek reading: Cyrillic is transliterated by the Uzbek rules, so "Толстой"
    and "Tolstoy" meet, and no language detection runs on short names.
    """
    return fold(text, "uz")


def get_or_create_agent(creator: Creator) -> Agent:
    key = name_key(creator.name)
    agent, _ = Agent.objects.get_or_create(name_key=key, dates=creator.dates, defaults={"name": creator.name})
    return agent


def get_or_create_subject(term: str) -> Subject:
    subject, _ = Subject.objects.get_or_create(term_key=name_key(term), defaults={"term": term})
    return subject


def get_or_create_collection(path: str) -> Collection:
    """'Faculty of History/Theses' makes (or finds) the nested collections."""
    parent: Collection | None = None
    for name in [p.strip() for p in path.split("/") if p.strip()]:
        found = Collection.objects.filter(parent=parent, name=name).first()
        if found is None:
            base = slugify(name, allow_unicode=True)[:80] or "collection"
            slug, n = base, 1
            while Collection.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            found = Collection.objects.create(name=name, slug=slug, parent=parent)
        parent = found
    if parent is None:
        raise CatalogError(f"collection: {path!r} names no collection")
    return parent


def snapshot(work: Work) -> dict[str, Any]:
    """The work's metadata as plain values, to compare before and after an edit."""
    return {
        "type": work.type,
        "title": work.title,
        "title_language": work.title_language,
        "title_script": work.title_script,
        "alternative_titles": [t.title for t in work.alternative_titles.all()],
        "creators": [f"{c.agent} [{c.role}]" for c in work.contributions.select_related("agent").all()],
        "languages": list(work.languages),
        "publisher": work.publisher,
        "place": work.place,
        "date": work.date,
        "year": work.year,
        "edition": work.edition,
        "series": work.series,
        "series_number": work.series_number,
        "abstract": work.abstract,
        "subjects": sorted(s.term for s in work.subjects.all()),
        "keywords": list(work.keywords),
        "identifiers": sorted(f"{i.scheme}:{i.value}" for i in work.identifiers.all()),
        "collections": sorted(c.name for c in work.collections.all()),
        "rights": work.rights,
        "licence": work.licence,
        "access": work.access,
        "lending_copies": work.lending_copies,
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record_change(
    work: Work,
    before: dict[str, Any],
    *,
    actor: str,
    user: User | None = None,
    action: str = "update",
) -> MetadataChange | None:
    """Write the history entry for an edit already saved, and queue the work for indexing."""
    changes = diff(before, snapshot(work))
    search_services.work_changed(work.pk)
    if not changes and action == "update":
        return None
    if "access" in changes and action == "update":
        # Rule changes open or close works: they go to the audit log as well as the history.
        old, new = changes["access"]
        access_services.audit(
            user, "work.access", target=f"work:{work.pk}", detail={"from": old, "to": new}, actor=actor
        )
    return MetadataChange.objects.create(work=work, user=user, actor=actor, action=action, changes=changes)


def _apply(work: Work, data: WorkInput) -> None:
    work.type = data.type
    work.title = data.title.strip()
    work.title_language = data.title_language
    work.title_script = data.title_script
    work.languages = list(dict.fromkeys(data.languages))
    work.publisher = data.publisher
    work.place = data.place
    work.date = data.date
    work.year = data.year if data.year is not None else year_from_date(data.date)
    work.edition = data.edition
    work.series = data.series
    work.series_number = data.series_number
    work.abstract = data.abstract
    work.keywords = list(data.keywords)
    work.rights = data.rights
    work.licence = data.licence
    work.access = str(parse_rule(data.access))
    work.lending_copies = data.lending_copies
    work.save()

    work.contributions.all().delete()
    Contribution.objects.bulk_create(
        Contribution(work=work, agent=get_or_create_agent(c), role=c.role, position=i)
        for i, c in enumerate(data.creators)
    )
    work.alternative_titles.all().delete()
    AlternativeTitle.objects.bulk_create(
        AlternativeTitle(
            work=work,
            title=t.get("title", ""),
            language=t.get("language", ""),
            script=t.get("script", ""),
        )
        for t in data.alternative_titles
        if t.get("title")
    )
    work.identifiers.all().delete()
    Identifier.objects.bulk_create(
        Identifier(work=work, scheme=s, value=v.strip()) for s, v in dict.fromkeys(data.identifiers) if v.strip()
    )
    work.subjects.set([get_or_create_subject(t) for t in dict.fromkeys(data.subjects)])
    work.collections.set([get_or_create_collection(p) for p in dict.fromkeys(data.collections)])


def create_work(
    data: WorkInput,
    *,
    actor: str,
    user: User | None = None,
    status: str = Work.Status.READY,
) -> Work:
    validate(data)
    with transaction.atomic():
        work = Work(status=status)
        _apply(work, data)
        MetadataChange.objects.create(
            work=work, user=user, actor=actor, action="create", changes=diff({}, snapshot(work))
        )
        search_services.work_changed(work.pk)
    return work


def update_work(work: Work, data: WorkInput, *, actor: str, user: User | None = None) -> MetadataChange | None:
    validate(data)
    with transaction.atomic():
        locked = Work.objects.select_for_update().get(pk=work.pk)
        before = snapshot(locked)
        _apply(locked, data)
        change = record_change(locked, before, actor=actor, user=user)
    work.refresh_from_db()
    return change


def to_input(work: Work) -> WorkInput:
    """The work's current metadata as a WorkInput, to change a few fields and save."""
    return WorkInput(
        title=work.title,
        type=work.type,
        creators=[
            Creator(name=c.agent.name, role=c.role, dates=c.agent.dates)
            for c in work.contributions.select_related("agent")
        ],
        languages=list(work.languages),
        title_language=work.title_language,
        title_script=work.title_script,
        alternative_titles=[
            {"title": t.title, "language": t.language, "script": t.script} for t in work.alternative_titles.all()
        ],
        publisher=work.publisher,
        place=work.place,
        date=work.date,
        year=work.year,
        edition=work.edition,
        series=work.series,
        series_number=work.series_number,
        abstract=work.abstract,
        subjects=[s.term for s in work.subjects.all()],
        keywords=list(work.keywords),
        identifiers=[(i.scheme, i.value) for i in work.identifiers.all()],
        collections=["/".join([a.name for a in c.ancestors()] + [c.name]) for c in work.collections.all()],
        rights=work.rights,
        licence=work.licence,
        access=work.access,
        lending_copies=work.lending_copies,
    )


def delete_work(work: Work, *, actor: str, user: User | None = None) -> None:
    with transaction.atomic():
        work_id = work.pk
        access_services.audit(
            user, "work.delete", target=f"work:{work_id}", detail={"title": work.title}, actor=actor
        )
        from javon.interop.oai_sets import record_deletion  # harvesters learn of it (OAI-PMH)

        record_deletion(work)
        work.delete()
        search_services.work_changed(work_id)
