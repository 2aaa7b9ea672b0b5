"""Count uses of works and answer "what is read most"."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from javon.stats.models import UsageDay, UseKind

log = logging.getLogger(__name__)

# Crawlers would otherwise decide what "most read" means.
_BOT_MARKERS = ("bot", "crawl", "spider", "slurp", "preview", "headless")


def counts_as_use(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    agent = request.headers.get("User-Agent", "").lower()
    if any(marker in agent for marker in _BOT_MARKERS):
        return False
    # A resumed or seeking download is the same use as the first request.
    byte_range = request.headers.get("Range", "")
    return not byte_range or byte_range.replace(" ", "").startswith("bytes=0-")


def record_use(request: HttpRequest, work: Any, kind: str) -> None:
    """Add one use of `work` today. Never fails the request that reports it."""
    if kind not in UseKind.values or not counts_as_use(request):
        return
    day = timezone.localdate()
    work_id = getattr(work, "pk", work)
    try:
        rows = UsageDay.objects.filter(work_id=work_id, day=day, kind=kind)
        if rows.update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                UsageDay.objects.create(work_id=work_id, day=day, kind=kind, count=1)
        except IntegrityError:  # another request made today's row first
            rows.update(count=F("count") + 1)
    except Exception:  # noqa: BLE001 - counting is never worth a failed page
        log.exception("could not count a %s of work %s", kind, work_id)


def most_used(days: int = 90, limit: int = 12, kinds: tuple[str, ...] = (UseKind.READ, UseKind.DOWNLOAD)) -> list[int]:
    """Ids of the works read or downloaded most over the last `days` days, most first."""
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = (
        UsageDay.objects.filter(day__gte=since, kind__in=kinds)
        .values("work_id")
        .annotate(n=Sum("count"))
        .order_by("-n", "work_id")[:limit]
    )
    return [r["work_id"] for r in rows]


def use_counts(work_id: int) -> dict[str, int]:
    """All-time uses of one work by kind."""
    rows = UsageDay.objects.filter(work_id=work_id).values("kind").annotate(n=Sum("count"))
    return {r["kind"]: r["n"] or 0 for r in rows}
