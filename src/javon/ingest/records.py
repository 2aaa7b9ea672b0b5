"""Importing catalogue record files (MARC 21 .mrc/.marc/.iso, MARCXML) as many works.

A record file is admitted like any other file (its bytes stored, one ImportItem queued) and
processed in one task that streams the records and creates works in batches of BATCH, each
batch in one transaction with its history, search log entries and ImportItems. So a
100,000-record file takes 100 transactions, not 100,000 tasks.

Reporting: the file's own item ends `ok` with a summary in its metadata (`records`), and
every record gets an ImportItem of its own (path `FILE#N`, name its 001 or title): `ok`
with the work, `duplicate` with the work it matched, or `failed` with what is wrong. The
items are bulk-inserted with the works, so they cost little, and they make the task
resumable: a worker that dies mid-file is followed by one that skips the records done.

Duplicates are skipped, not updated: a record whose 001+003 (as the identifier
`other:(003)001`, also matched against 035), or whose ISBN, is already in the catalogue
— or earlier in the same file — is reported `duplicate` with that work. Our own exports
(003 = this library) match the work whose id is in 001. Local edits are never overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from javon.catalog import bulk
from javon.catalog import services as catalog
from javon.catalog.crosswalk.marc import own_organisation
from javon.catalog.crosswalk.marc_files import MarcResult, read_marc, read_marcxml, record_format
from javon.catalog.models import IdentifierScheme, Work
from javon.ingest.metadata import MetadataError, normalise
from javon.ingest.models import ImportItem
from javon.storage import services as storage

log = logging.getLogger(__name__)

BATCH = 1000


def format_of(item: ImportItem) -> str | None:
    """'marc' or 'marcxml' when the item's file is a record file, else None."""
    if item.blob is None:
        return None
    with storage.open_blob(item.blob) as stream:
        head = stream.read(4096)
    return record_format(item.name, head)


def _defaults(item: ImportItem) -> dict[str, Any]:
    """Job options < the file's own metadata (form, sidecar); applied to every record."""
    merged: dict[str, Any] = {}
    for raw, source in ((item.job.options, "options"), (item.metadata, "metadata")):
        if raw:
            given = {k: v for k, v in raw.items() if k != "records"}
            merged.update(normalise(given, source))
    return merged


def _apply_defaults(data: catalog.WorkInput, defaults: dict[str, Any]) -> None:
    """Collections and access come from the import; type and languages only where the record says none."""
    data.collections = list(dict.fromkeys([*data.collections, *defaults.get("collections", [])]))
    if defaults.get("access"):
        data.access = defaults["access"]
    if defaults.get("languages") and not data.languages:
        data.languages = list(defaults["languages"])
    if defaults.get("type") and data.type == catalog.WorkType.BOOK and defaults["type"] != data.type:
        data.type = defaults["type"]


def _results(item: ImportItem, fmt: str) -> Iterator[MarcResult]:
    assert item.blob is not None
    with storage.open_blob(item.blob) as stream:
        reader = read_marcxml if fmt == "marcxml" else read_marc
        yield from reader(stream, item.name)


def _done_positions(item: ImportItem) -> set[int]:
    prefix = f"{item.path}#"
    paths = ImportItem.objects.filter(job=item.job_id, blob=item.blob_id, path__startswith=prefix).values_list(
        "path", flat=True
    )
    return {int(p[len(prefix) :]) for p in paths if p[len(prefix) :].isdigit()}


class _Batch:
    """Records waiting to be written, with what is known of their duplicates."""

    def __init__(self, item: ImportItem) -> None:
        self.item = item
        self.results: list[MarcResult] = []

    def _keys(self, result: MarcResult) -> list[tuple[str, str]]:
        assert result.data is not None
        keys = [(scheme, value) for scheme, value in result.data.identifiers if scheme == IdentifierScheme.OTHER]
        keys += [(scheme, value) for scheme, value in result.data.identifiers if scheme == IdentifierScheme.ISBN]
        return keys

    def flush(self) -> None:
        """Write the batch: its works and one ImportItem per record, in one transaction."""
        good = [r for r in self.results if r.data is not None]
        existing: dict[tuple[str, str], int] = {}
        for scheme in (IdentifierScheme.OTHER, IdentifierScheme.ISBN):
            values = [v for r in good for s, v in self._keys(r) if s == scheme]
            existing.update({(scheme, v): w for v, w in bulk.works_with_identifiers(scheme, values).items()})
        own = own_organisation()
        own_ids = [int(r.control) for r in good if r.organisation == own and r.control.isdigit()]
        ours = set(Work.objects.filter(pk__in=own_ids).values_list("pk", flat=True)) if own_ids else set()
        rows: list[ImportItem] = []
        to_create: list[MarcResult] = []
        batch_keys: dict[tuple[str, str], int] = {}
        for result in self.results:
            if result.data is None:
                assert result.error is not None
                rows.append(self._row(result, ImportItem.Status.FAILED, error=result.error.message))
                continue
            keys = self._keys(result)
            match = next((existing[k] for k in keys if k in existing), None)
            if match is None and result.organisation == own and result.control.isdigit():
                match = int(result.control) if int(result.control) in ours else None
            earlier = next((batch_keys[k] for k in keys if k in batch_keys), None)
            if match is not None:
                rows.append(
                    self._row(result, ImportItem.Status.DUPLICATE, work_id=match, error=f"already work {match}")
                )
            elif earlier is not None:
                rows.append(
                    self._row(result, ImportItem.Status.DUPLICATE, error=f"the same record as record {earlier} above")
                )
            else:
                batch_keys.update(dict.fromkeys(keys, result.position))
                to_create.append(result)
        with transaction.atomic():
            works = self._create(to_create)
            for result, work in zip(to_create, works, strict=True):
                if isinstance(work, Work):
                    rows.append(self._row(result, ImportItem.Status.OK, work_id=work.pk))
                else:
                    rows.append(self._row(result, ImportItem.Status.FAILED, error=work))
            rows.sort(key=self._position)
            bulk.insert_rows(rows)
            ImportItem.objects.filter(pk=self.item.pk).update(
                stage=f"records {self.results[-1].position}" if self.results else "records", updated=timezone.now()
            )
        self.results = []

    def _create(self, results: list[MarcResult]) -> list[Work | str]:
        inputs = [r.data for r in results if r.data is not None]
        job = self.item.job
        try:
            with transaction.atomic():
                return list(bulk.create_works(inputs, actor=job.actor, user=job.user))
        except Exception:  # one record the database refuses must not fail the batch: go one by one
            log.exception("bulk create failed in %s; creating the batch record by record", self.item.name)
        out: list[Work | str] = []
        for data in inputs:
            try:
                with transaction.atomic():
                    out.append(bulk.create_works([data], actor=job.actor, user=job.user)[0])
            except Exception as exc:  # reported on that record's item
                out.append(f"could not be catalogued ({type(exc).__name__}: {exc})"[:5000])
        return out

    def _position(self, row: ImportItem) -> int:
        return int(row.path.rsplit("#", 1)[1])

    def _row(self, result: MarcResult, status: str, *, work_id: int | None = None, error: str = "") -> ImportItem:
        label = result.control or (result.data.title if result.data else "") or f"record {result.position}"
        return ImportItem(
            job_id=self.item.job_id,
            path=f"{self.item.path}#{result.position}",
            name=label[:500],
            blob_id=self.item.blob_id,
            status=status,
            work_id=work_id,
            error=error[:5000],
        )


def import_record_file(item: ImportItem, fmt: str) -> str:
    """Read every record of the item's file and catalogue the good ones; the item's status at the end."""
    try:
        defaults = _defaults(item)
    except MetadataError as exc:
        return _finish(item, ImportItem.Status.FAILED, str(exc))
    done = _done_positions(item)
    batch = _Batch(item)
    read = 0
    for result in _results(item, fmt):
        read += 1
        if result.position in done:
            continue
        if result.data is not None:  # already validated by the reader; defaults are valid values
            _apply_defaults(result.data, defaults)
        batch.results.append(result)
        if len(batch.results) >= BATCH:
            batch.flush()
    if batch.results:
        batch.flush()
    if read == 0:
        return _finish(item, ImportItem.Status.FAILED, "no MARC records found in the file")
    return _finish(item, ImportItem.Status.OK, "")


def _finish(item: ImportItem, status: str, error: str) -> str:
    records = ImportItem.objects.filter(job=item.job_id, blob=item.blob_id, path__startswith=f"{item.path}#")
    totals = {str(s): 0 for s in ImportItem.FINAL}
    for row in records.values("status").annotate(n=Count("id")):
        totals[row["status"]] = row["n"]
    metadata = {**(item.metadata or {}), "records": totals}
    ImportItem.objects.filter(pk=item.pk).update(
        status=status, stage="", error=error[:5000], metadata=metadata, updated=timezone.now()
    )
    return status
