"""Tasks through the real database queue: admitted files wait until a worker runs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from javon.ingest import services as ingest
from javon.ingest.models import ImportItem
from javon.ingest.runner import drain
from javon.search import services as search
from tests.factories import use_task_backend

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings: Any) -> Any:
    use_task_backend(settings, "django_tasks_db.DatabaseBackend")
    settings.SEARCH_SYNC = False


def test_queued_until_a_worker_runs_then_searchable(database_tasks: Any, tmp_path: Path) -> None:
    from django_tasks_db.models import DBTaskResult

    (tmp_path / "a.txt").write_text("Qoraqalpogʻiston choʻllari haqida hikoya.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Zarafshon vodiysi bogʻlari haqida.", encoding="utf-8")
    job = ingest.import_paths([tmp_path], actor="test")
    assert set(job.items.values_list("status", flat=True)) == {ImportItem.Status.QUEUED}
    assert DBTaskResult.objects.ready().count() == 2
    assert drain(max_tasks=10) == 2
    assert set(job.items.values_list("status", flat=True)) == {ImportItem.Status.OK}
    # Indexed only once this machine's index applies the change log.
    assert search.search("zarafshon").total == 0
    assert search.apply_changes() >= 2
    assert search.search("zarafshon").total == 1
    assert search.search("choʻllari").total == 1


def test_stalled_items_are_queued_again(database_tasks: Any, tmp_path: Path) -> None:
    from django.utils import timezone

    (tmp_path / "c.txt").write_text("Samarqand", encoding="utf-8")
    job = ingest.import_paths([tmp_path], actor="test")
    item = job.items.get()
    # The worker died while processing: the item is left "processing" and its task gone.
    ImportItem.objects.filter(pk=item.pk).update(
        status=ImportItem.Status.PROCESSING, updated=timezone.now() - ingest.STALL_AFTER * 2
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    assert ingest.recover_stalled() == 1
    drain(max_tasks=5)
    item.refresh_from_db()
    assert item.status == ImportItem.Status.OK
