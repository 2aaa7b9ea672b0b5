"""Running queued tasks: the `javon worker` loop, and a short drain for `javon import --wait`."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.tasks import task_backends
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)


def uses_database_backend() -> bool:
    return type(task_backends["default"]).__module__.startswith("django_tasks_db")


def _worker(*, interval: float, batch: bool, max_tasks: int | None, name: str) -> Any:
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=f"{name}-{get_random_string(16)}",
        excluded_queue_names=[],
    )


def drain(max_tasks: int = 10) -> int:
    """Run up to `max_tasks` ready tasks in this process; returns how many ran."""
    if not uses_database_backend():
        return 0
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.ready().count()
    if before == 0:
        return 0
    worker = _worker(interval=0, batch=True, max_tasks=max_tasks, name="drain")
    worker.run()
    return worker._run_tasks


# Housekeeping a worker does now and then: (seconds between runs, "module.function").
DUTIES: list[tuple[float, str]] = [
    (3600.0, "javon.access.services.open_due_embargoes"),
    (300.0, "javon.interop.tasks.enqueue_due_harvests"),
    (300.0, "javon.ocr.services.recover_stalled"),
]


def _run_duties() -> None:
    """Run each duty at start and then at its interval; a failing duty is logged, not fatal."""
    from django.db import close_old_connections
    from django.utils.module_loading import import_string

    due = dict.fromkeys((path for _every, path in DUTIES), 0.0)
    while True:
        for every, path in DUTIES:
            if time.monotonic() < due[path]:
                continue
            due[path] = time.monotonic() + every
            try:
                result = import_string(path)()
                if result:
                    log.info("%s: %s", path, result)
            except Exception:  # noqa: BLE001 - housekeeping must not stop the worker
                log.exception("duty %s failed", path)
            finally:
                close_old_connections()
        time.sleep(30.0)


def run_worker(interval: float = 1.0, max_tasks: int | None = None) -> None:
    from javon.ingest.services import recover_stalled

    recovered = recover_stalled()
    if recovered:
        log.info("queued %d stalled import item(s) again", recovered)
    threading.Thread(target=_run_duties, name="javon-duties", daemon=True).start()
    worker = _worker(interval=interval, batch=False, max_tasks=max_tasks, name="worker")
    worker.configure_signals()
    worker.run()
