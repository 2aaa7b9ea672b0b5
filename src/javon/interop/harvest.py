"""Harvesting other repositories over OAI-PMH into the catalogue.

    harvest_source(source_id)  -> counts   (one run: incremental from the last datestamp)
    run_due()                  -> {name: counts}   (every enabled source whose interval has passed)

A run saves its place (resumption token, highest datestamp) after every page, in the
transaction that stores that page's records: a crash resumes at the page it was on, and a
token that expired meanwhile restarts the run from its own `from`. Records are merged with
works already in the catalogue (same ISBN or DOI, or the same folded title, first author
and year) instead of duplicated; fields are filled where empty and updated only where the
library has not edited them since the last harvest. New works go through the catalogue's
create_work, which writes the history and the search log: they are searchable at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import io
import json
import logging
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from lxml import etree

from javon.access import policy
from javon.catalog import services as catalog
from javon.catalog.crosswalk import dc
from javon.catalog.models import Identifier, Work
from javon.catalog.services import Creator, WorkInput
from javon.interop.models import HarvestedRecord, HarvestSource
from javon.interop.oai_client import OAI, HarvestError, OaiClient, ProtocolError

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=30)  # a run renews it with every page; a dead run's lease runs out


def from_marcxml(element: Any) -> WorkInput:
    """A WorkInput from a MARCXML <record> (through javon.catalog.crosswalk.marc and pymarc)."""
    import pymarc

    marc = importlib.import_module("javon.catalog.crosswalk.marc")
    # The element was parsed safely already; serialised again it holds no DTD or entities.
    records = pymarc.parse_xml_to_array(io.BytesIO(etree.tostring(element)))
    if not records or records[0] is None:
        raise HarvestError("the MARCXML record is empty")
    return marc.record_to_input(records[0])


READERS = {"oai_dc": dc.from_dc, "marcxml": from_marcxml}
# Fields the source never decides: who may read the work, and where the library filed it.
LOCAL_ONLY = {"access", "collections"}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def plain(data: WorkInput) -> dict[str, Any]:
    """A WorkInput as JSON values (tuples become lists), to store and compare."""
    return json.loads(json.dumps(dataclasses.asdict(data), ensure_ascii=False))


def from_plain(values: dict[str, Any]) -> WorkInput:
    fields = {f.name for f in dataclasses.fields(WorkInput)}
    data = WorkInput(**{k: v for k, v in values.items() if k in fields})
    data.creators = [Creator(**c) if isinstance(c, dict) else c for c in data.creators]
    data.identifiers = [(s, v) for s, v in data.identifiers]
    return data


def merge(current: WorkInput, previous: dict[str, Any], incoming: WorkInput) -> WorkInput:
    """Three-way merge per field: the source's new value where the library's is empty or still
    what the source said last time; the library's own edits stay."""
    now, new = plain(current), plain(incoming)
    merged = dict(now)
    for name, value in new.items():
        if name in LOCAL_ONLY or _empty(value):
            continue
        if _empty(now[name]) or (name in previous and now[name] == previous[name]):
            merged[name] = value
    return from_plain(merged)


def normal_identifier(scheme: str, value: str) -> str:
    """ISBNs without hyphens or spaces, DOIs in lower case: how two catalogues' values meet."""
    value = value.strip()
    if scheme == "isbn":
        return value.replace("-", "").replace(" ", "").upper()
    return value.lower()


class Matcher:
    """Finds the work a harvested record is: the same ISBN or DOI, else the same folded title,
    first author and year. The identifiers are read once per run into memory (a catalogue's
    ISBNs are written with and without hyphens; the database cannot compare them by index)."""

    SCHEMES = ("isbn", "doi")

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] | None = None

    def _index(self) -> dict[tuple[str, str], int]:
        if self._ids is None:
            self._ids = {}
            for work_id, scheme, value in Identifier.objects.filter(scheme__in=self.SCHEMES).values_list(
                "work_id", "scheme", "value"
            ):
                self._ids.setdefault((scheme, normal_identifier(scheme, value)), work_id)
        return self._ids

    def remember(self, work: Work, data: WorkInput) -> None:
        if self._ids is not None:
            for scheme, value in data.identifiers:
                if scheme in self.SCHEMES:
                    self._ids.setdefault((scheme, normal_identifier(scheme, value)), work.pk)

    def find(self, data: WorkInput) -> Work | None:
        for scheme, value in data.identifiers:
            if scheme in self.SCHEMES:
                work_id = self._index().get((scheme, normal_identifier(scheme, value)))
                found = Work.objects.filter(pk=work_id).first() if work_id else None
                if found is not None:
                    return found
        if not data.creators:
            return None
        title_key = catalog.name_key(data.title)
        # Without a year on either side the title and first author must do; one side's year is not a match.
        candidates = Work.objects.filter(
            Q(year=data.year) if data.year is not None else Q(year__isnull=True),
            contributions__position=0,
            contributions__agent__name_key=catalog.name_key(data.creators[0].name),
        ).order_by("pk")
        return next((w for w in candidates if catalog.name_key(w.title) == title_key), None)


def _unpublish_if_only_from(record: HarvestedRecord, actor: str) -> None:
    """A source deleted the record: a work made from it alone leaves the public catalogue."""
    work = record.work
    if work is None or not record.created_work:
        return
    if work.harvested_records.exclude(pk=record.pk).filter(deleted=False).exists():
        return
    data = catalog.to_input(work)
    if data.access != policy.STAFF:
        data.access = policy.STAFF
        catalog.update_work(work, data, actor=actor)


def _save_if_changed(work: Work, current: WorkInput, merged: WorkInput, actor: str) -> bool:
    """Save only a real change: an unchanged save would move the work's datestamp, and a
    repository harvesting us back would see every record as new again."""
    if plain(merged) == plain(current):
        return False
    catalog.update_work(work, merged, actor=actor)
    return True


def apply_record(
    source: HarvestSource, identifier: str, stamp: str, data: WorkInput | None, matcher: Matcher | None = None
) -> str:
    """Store one harvested record (data None: deleted at the source); returns what happened."""
    matcher = matcher or Matcher()
    actor = f"harvest:{source.name}"
    record = HarvestedRecord.objects.select_for_update().filter(source=source, identifier=identifier).first()
    if data is None:
        if record is None:
            HarvestedRecord.objects.create(source=source, identifier=identifier, datestamp=stamp, deleted=True)
            return "deleted"
        record.deleted, record.datestamp = True, stamp
        record.save()
        _unpublish_if_only_from(record, actor)
        return "deleted"
    if not data.title.strip():
        raise HarvestError(f"{identifier}: the record has no title")
    if record is not None and record.work is not None:
        work = record.work
        current = catalog.to_input(work)
        merged = merge(current, record.metadata, data)
        if record.deleted and record.created_work and work.access == policy.STAFF:
            merged.access = policy.OPEN  # the source published it again: so do we
        outcome = "updated" if _save_if_changed(work, current, merged, actor) else "unchanged"
    else:
        work_found = matcher.find(data)
        if work_found is not None:
            current = catalog.to_input(work_found)
            _save_if_changed(work_found, current, merge(current, {}, data), actor)
            work, outcome, created = work_found, "merged", False
        else:
            new = dataclasses.replace(data, collections=[source.collection] if source.collection else [])
            work, outcome, created = catalog.create_work(new, actor=actor), "created", True
            matcher.remember(work, data)
        record = record or HarvestedRecord(source=source, identifier=identifier)
        record.work, record.created_work = work, created
    record.datestamp, record.deleted, record.metadata = stamp, False, plain(data)
    record.save()
    return outcome


# ------------------------------------------------------------------ runs


def _claim(source_id: int) -> HarvestSource | None:
    now = timezone.now()
    claimed = HarvestSource.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=source_id).update(
        lease_until=now + LEASE, last_started=now, last_status="running", last_message=""
    )
    return HarvestSource.objects.get(pk=source_id) if claimed else None


def _granularity(client: OaiClient, source: HarvestSource) -> str:
    root = client.request(source.url, {"verb": "Identify"})
    found = root.find(f".//{{{OAI}}}granularity")
    return (found.text or "").strip() if found is not None else "YYYY-MM-DD"


def _first_params(source: HarvestSource, since: str, granularity: str) -> dict[str, str]:
    params = {"verb": "ListRecords", "metadataPrefix": source.prefix}
    if source.set_spec:
        params["set"] = source.set_spec
    if since:
        params["from"] = since if "hh" in granularity else since[:10]
    return params


def _store_page(
    source: HarvestSource, root: Any, token: str, run_from: str, counts: Counter[str], matcher: Matcher
) -> None:
    """The page's records and the run's new place, in one transaction."""
    read = READERS[source.prefix]
    highest = source.run_max_datestamp
    with transaction.atomic():
        for element in root.iter(f"{{{OAI}}}record"):
            header = element.find(f"{{{OAI}}}header")
            identifier = (header.findtext(f"{{{OAI}}}identifier") or "").strip() if header is not None else ""
            stamp = (header.findtext(f"{{{OAI}}}datestamp") or "").strip() if header is not None else ""
            if header is None or not identifier:
                counts["failed"] += 1
                continue
            highest = max(highest, stamp)
            metadata = element.find(f"{{{OAI}}}metadata")
            try:
                with transaction.atomic():
                    if header.get("status") == "deleted":
                        data = None
                    elif metadata is None or len(metadata) == 0:
                        raise HarvestError(f"{identifier}: no metadata")
                    else:
                        data = read(metadata[0])
                    counts[apply_record(source, identifier, stamp, data, matcher)] += 1
            except (HarvestError, catalog.CatalogError, ValueError) as error:
                counts["failed"] += 1
                log.warning("%s: %s", source.name, error)
        HarvestSource.objects.filter(pk=source.pk).update(
            resumption_token=token,
            run_from=run_from,
            run_max_datestamp=highest,
            lease_until=timezone.now() + LEASE,
            last_counts=dict(counts),
        )
    source.resumption_token, source.run_from, source.run_max_datestamp = token, run_from, highest


def harvest_source(
    source_id: int,
    *,
    client: OaiClient | None = None,
    allow_private: bool | None = None,
    full: bool = False,
    max_pages: int | None = None,
) -> dict[str, int]:
    """One run over a source, from where the last one stopped; returns counts per outcome."""
    source = _claim(source_id)
    if source is None:
        raise HarvestError("a harvest of this source is already running")
    own_client = client is None
    client = client or OaiClient(
        allow_private=source.allow_private if allow_private is None else allow_private, delay=source.delay
    )
    counts: Counter[str] = Counter()
    matcher = Matcher()
    status, message = "failed", ""
    try:
        if source.prefix not in READERS:
            raise HarvestError(f"cannot read {source.prefix!r} records: use one of {', '.join(READERS)}")
        if full and not source.resumption_token:
            source.last_datestamp = ""
        granularity = _granularity(client, source)
        restarted = False
        pages = 0
        while True:
            if source.resumption_token:
                params = {"verb": "ListRecords", "resumptionToken": source.resumption_token}
                run_from = source.run_from
            else:
                run_from = source.run_from or source.last_datestamp
                params = _first_params(source, run_from, granularity)
            try:
                root = client.request(source.url, params)
            except ProtocolError as error:
                if error.code == "noRecordsMatch":
                    _store_page(source, _EMPTY, "", run_from, counts, matcher)
                    break
                if error.code == "badResumptionToken" and not restarted:
                    log.info("%s: the resumption token expired, starting again from %r", source.name, run_from)
                    restarted = True
                    source.resumption_token = ""
                    source.run_from = run_from
                    continue
                raise
            token_element = root.find(f".//{{{OAI}}}resumptionToken")
            token = (token_element.text or "").strip() if token_element is not None else ""
            _store_page(source, root, token, run_from, counts, matcher)
            pages += 1
            if not token or (max_pages is not None and pages >= max_pages):
                break
        if not source.resumption_token:
            HarvestSource.objects.filter(pk=source.pk).update(
                last_datestamp=max(source.last_datestamp, source.run_max_datestamp),
                run_from="",
                run_max_datestamp="",
            )
        status = "ok"
        message = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing new"
    except Exception as error:
        message = str(error) if isinstance(error, HarvestError) else f"{type(error).__name__}: {error}"
        raise
    finally:
        HarvestSource.objects.filter(pk=source.pk).update(
            lease_until=None,
            last_finished=timezone.now(),
            last_status=status,
            last_message=message[:2000],
            last_counts=dict(counts),
        )
        if own_client:
            client.close()
    return dict(counts)


class _Empty:
    def iter(self, _tag: str) -> list[Any]:
        return []


_EMPTY = _Empty()


def source_for(url: str, *, set_spec: str = "", prefix: str = "oai_dc") -> HarvestSource:
    """The source for a URL, set and prefix (`javon harvest URL`), made if new; not scheduled."""
    found = HarvestSource.objects.filter(url=url, set_spec=set_spec, prefix=prefix).first()
    if found is not None:
        return found
    name = url + (f" [{set_spec}]" if set_spec else "") + (f" ({prefix})" if prefix != "oai_dc" else "")
    return HarvestSource.objects.create(name=name[:200], url=url, set_spec=set_spec, prefix=prefix, enabled=False)


def run_due(now: dt.datetime | None = None) -> dict[str, dict[str, int] | str]:
    """Harvest every enabled source whose interval has passed, one after the other."""
    results: dict[str, dict[str, int] | str] = {}
    for source in HarvestSource.objects.filter(enabled=True):
        if not source.is_due(now):
            continue
        try:
            results[source.name] = harvest_source(source.pk)
        except HarvestError as error:
            results[source.name] = f"failed: {error}"
    return results
