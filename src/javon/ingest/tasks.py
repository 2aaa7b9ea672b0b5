"""Ingest tasks: they take ids, do nothing themselves, and call the services."""

from __future__ import annotations

from django.tasks import task

from javon.ingest import services


@task(queue_name="ingest")
def process_item(item_id: int) -> str:
    return services.process_item(item_id)
