"""Creating many works at once (record imports): the same invariants as create_work, in bulk.

One transaction per call writes the works, their agents (found or made by name key),
subjects, collections, contributions, titles and identifiers, a `create` MetadataChange
for each, and each work's entry in the search change log — so a crash leaves the whole
batch or nothing. Callers send batches of about a thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, models, transaction

from javon.access.policy import parse_rule
from javon.catalog.models import Agent, AlternativeTitle, Contribution, Identifier, MetadataChange, Subject, Work
from javon.catalog.services import WorkInput, diff, get_or_create_collection, name_key, validate, year_from_date
from javon.search import services as search_services

_IN_CHUNK = 500  # values per IN (...) query: under SQLite's variable limit with room to spare


def insert_rows(objs: Sequence[models.Model]) -> None:
    """Insert new rows whose ids nobody needs back, with one executemany.

    bulk_create spends ~20 µs per value compiling its SQL; at 100,000 records that was a
    third of the import. Values go through each field's own get_db_prep_save (JSON, dates,
    auto_now), so what lands in the table is what bulk_create would have written.
    """
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values as parameters
        quote(model._meta.db_table), ", ".join(quote(str(f.column)) for f in fields), ", ".join(["%s"] * len(fields))
    )
    rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Keys(dict[str, str]):
    """name_key, remembered: one batch names the same agents and subjects many times."""

    def __missing__(self, text: str) -> str:
        self[text] = found = name_key(text)
        return found

    def __call__(self, text: str) -> str:
        return self[text]


def _agents(inputs: Sequence[WorkInput], keys: _Keys) -> dict[tuple[str, str], Agent]:
    """Every creator's agent, by (name key, dates): found, or made in one insert."""
    wanted: dict[tuple[str, str], str] = {}
    for data in inputs:
        for creator in data.creators:
            wanted.setdefault((keys(creator.name), creator.dates), creator.name)
    found: dict[tuple[str, str], Agent] = {}
    names = sorted({key for key, _dates in wanted})

    def load() -> None:
        for part in _chunks(names):
            for agent in Agent.objects.filter(name_key__in=part):
                if (agent.name_key, agent.dates) in wanted:
                    found[(agent.name_key, agent.dates)] = agent

    load()
    missing = [Agent(name=wanted[key], name_key=key[0], dates=key[1]) for key in wanted if key not in found]
    if missing:
        # Another import may make the same agent meanwhile: the unique key decides, then read back.
        Agent.objects.bulk_create(missing, ignore_conflicts=True)
        load()
    return found


def _subjects(inputs: Sequence[WorkInput], keys: _Keys) -> dict[str, Subject]:
    wanted: dict[str, str] = {}
    for data in inputs:
        for term in data.subjects:
            wanted.setdefault(keys(term), term)
    terms = sorted(wanted)

    def load() -> dict[str, Subject]:
        return {s.term_key: s for part in _chunks(terms) for s in Subject.objects.filter(term_key__in=part)}

    found = load()
    missing = [Subject(term=wanted[key], term_key=key) for key in terms if key not in found]
    if missing:
        Subject.objects.bulk_create(missing, ignore_conflicts=True)
        found = load()
    return found


def _new_work(data: WorkInput, status: str) -> Work:
    return Work(
        status=status,
        type=data.type,
        title=data.title.strip(),
        title_language=data.title_language,
        title_script=data.title_script,
        languages=list(dict.fromkeys(data.languages)),
        publisher=data.publisher,
        place=data.place,
        date=data.date,
        year=data.year if data.year is not None else year_from_date(data.date),
        edition=data.edition,
        series=data.series,
        series_number=data.series_number,
        abstract=data.abstract,
        keywords=list(data.keywords),
        rights=data.rights,
        licence=data.licence,
        access=str(parse_rule(data.access)),
        lending_copies=data.lending_copies,
    )


def _snapshot(
    work: Work, data: WorkInput, agents: list[Agent], subjects: list[Subject], collections: list[str]
) -> dict[str, Any]:
    """What catalog.services.snapshot would read back from the database, built without reading it."""
    return {
        "type": work.type,
        "title": work.title,
        "title_language": work.title_language,
        "title_script": work.title_script,
        "alternative_titles": [t["title"] for t in data.alternative_titles if t.get("title")],
        "creators": [f"{agent} [{c.role}]" for agent, c in zip(agents, data.creators, strict=True)],
        "languages": list(work.languages),
        "publisher": work.publisher,
        "place": work.place,
        "date": work.date,
        "year": work.year,
        "edition": work.edition,
        "series": work.series,
        "series_number": work.series_number,
        "abstract": work.abstract,
        "subjects": sorted(s.term for s in subjects),
        "keywords": list(work.keywords),
        "identifiers": sorted(f"{s}:{v.strip()}" for s, v in dict.fromkeys(data.identifiers) if v.strip()),
        "collections": sorted(collections),
        "rights": work.rights,
        "licence": work.licence,
        "access": work.access,
        "lending_copies": work.lending_copies,
    }


def create_works(
    inputs: Sequence[WorkInput], *, actor: str, user: User | None = None, status: str = Work.Status.READY
) -> list[Work]:
    """Create one work per input, in one transaction; raises CatalogError if any input is invalid."""
    for data in inputs:
        validate(data)
    if not inputs:
        return []
    keys = _Keys()
    with transaction.atomic():
        agents = _agents(inputs, keys)
        subjects = _subjects(inputs, keys)
        collection_paths = {p for data in inputs for p in data.collections}
        collections = {path: get_or_create_collection(path) for path in sorted(collection_paths)}
        works = Work.objects.bulk_create([_new_work(data, status) for data in inputs])
        contributions, titles, identifiers, changes = [], [], [], []
        subject_links, collection_links = [], []
        for work, data in zip(works, inputs, strict=True):
            work_agents = [agents[(keys(c.name), c.dates)] for c in data.creators]
            contributions += [
                Contribution(work=work, agent=agent, role=c.role, position=i)
                for i, (agent, c) in enumerate(zip(work_agents, data.creators, strict=True))
            ]
            titles += [
                AlternativeTitle(
                    work=work, title=t["title"], language=t.get("language", ""), script=t.get("script", "")
                )
                for t in data.alternative_titles
                if t.get("title")
            ]
            identifiers += [
                Identifier(work=work, scheme=s, value=v.strip())
                for s, v in dict.fromkeys(data.identifiers)
                if v.strip()
            ]
            work_subjects = list({subjects[keys(t)].pk: subjects[keys(t)] for t in data.subjects}.values())
            subject_links += [Work.subjects.through(work_id=work.pk, subject_id=s.pk) for s in work_subjects]
            work_collections = list({collections[p].pk: collections[p] for p in data.collections}.values())
            collection_links += [
                Work.collections.through(work_id=work.pk, collection_id=c.pk) for c in work_collections
            ]
            after = _snapshot(work, data, work_agents, work_subjects, [c.name for c in work_collections])
            changes.append(MetadataChange(work=work, user=user, actor=actor, action="create", changes=diff({}, after)))
        for rows in (contributions, titles, identifiers, subject_links, collection_links, changes):
            insert_rows(rows)
        search_services.works_changed([work.pk for work in works])
    return works


def works_with_identifiers(scheme: str, values: Iterable[str]) -> dict[str, int]:
    """value -> id of a work that already has that identifier (to recognise records seen before)."""
    wanted = sorted({v.strip() for v in values if v.strip()})
    found: dict[str, int] = {}
    for part in _chunks(wanted):
        for value, work_id in Identifier.objects.filter(scheme=scheme, value__in=part).values_list("value", "work_id"):
            found.setdefault(value, work_id)
    return found
