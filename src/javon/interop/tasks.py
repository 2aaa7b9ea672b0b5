"""Harvest tasks: they take ids and call the harvester; the worker enqueues due sources now and then."""

from __future__ import annotations

import functools

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from javon.interop import harvest
from javon.interop.models import HarvestSource


@task(queue_name="default")
def harvest_source(source_id: int) -> dict[str, int]:
    return harvest.harvest_source(source_id)


def enqueue_due_harvests() -> int:
    """Queue a harvest for every enabled source whose interval has passed (a worker duty).

    Marking the source started first (compare-and-set on last_started) keeps two workers
    from queueing the same source; the harvest's own lease keeps two runs apart."""
    now = timezone.now()
    queued = 0
    for source in HarvestSource.objects.filter(enabled=True):
        if not source.is_due(now):
            continue
        with transaction.atomic():
            marked = HarvestSource.objects.filter(pk=source.pk, last_started=source.last_started).update(
                last_started=now
            )
            if marked:
                transaction.on_commit(functools.partial(harvest_source.enqueue, source.pk))
                queued += 1
    return queued
