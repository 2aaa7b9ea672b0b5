"""Javon harvesting Javon: `javon harvest` against our own provider over real HTTP.

Harvester and provider share the test database here, so every record meets the work it was
made from: the harvest must merge them all and duplicate none."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from javon.catalog.models import Work
from javon.catalog.services import delete_work
from javon.interop.models import HarvestedRecord, HarvestSource
from javon.interop.oai_provider import oai_identifier
from javon.interop.tasks import enqueue_due_harvests
from tests.interop.conftest import load_demo_catalogue


@pytest.fixture
def provider_url(live_server: Any, settings: Any) -> str:
    settings.OAI_PAGE_SIZE = 9  # several pages: the harvest follows resumption tokens
    return live_server.url + "/oai"


def harvest_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("harvest", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_javon_harvests_its_own_provider(provider_url: str) -> None:
    works = load_demo_catalogue()
    with pytest.raises(CommandError, match="non-public address"):
        call_command("harvest", provider_url, "--delay", "0")

    result = harvest_json(provider_url, "--allow-private", "--delay", "0")
    assert result == {provider_url: {"merged": len(works)}}
    assert Work.objects.count() == len(works)
    linked = dict(HarvestedRecord.objects.values_list("identifier", "work_id"))
    assert linked == {oai_identifier(w.pk): w.pk for w in works}

    # Merging filled what the round trip adds (date, rights, the page's URL), which moved the
    # datestamps: the next run sees every record again and changes none; from then on only the
    # records of the last second (`from` is inclusive) come again, unchanged.
    assert harvest_json(provider_url, "--allow-private", "--delay", "0") == {provider_url: {"unchanged": len(works)}}
    stamps = dict(Work.objects.values_list("pk", "updated"))
    assert set(harvest_json(provider_url, "--allow-private", "--delay", "0")[provider_url]) <= {"unchanged"}
    assert dict(Work.objects.values_list("pk", "updated")) == stamps

    gone = works[3]
    gone_id = oai_identifier(gone.pk)
    delete_work(gone, actor="test")
    result = harvest_json(provider_url, "--allow-private", "--delay", "0")[provider_url]
    assert result["deleted"] == 1 and set(result) <= {"deleted", "unchanged"}
    record = HarvestedRecord.objects.get(identifier=gone_id)
    assert record.deleted and record.work is None


@pytest.mark.django_db(transaction=True)
def test_scheduled_harvests(provider_url: str) -> None:
    load_demo_catalogue(limit=5)
    source = HarvestSource.objects.create(
        name="Ourselves", url=provider_url, allow_private=True, delay=0.0, interval=dt.timedelta(hours=6)
    )
    HarvestSource.objects.create(name="Switched off", url="https://example.org/oai", enabled=False)
    assert harvest_json("--due") == {"Ourselves": {"merged": 5}}
    assert harvest_json("--due") == {}  # not due again for six hours

    HarvestSource.objects.filter(pk=source.pk).update(last_started=timezone.now() - dt.timedelta(hours=7))
    assert enqueue_due_harvests() == 1  # the worker's duty; tasks run at once in tests
    source.refresh_from_db()
    assert source.last_status == "ok" and source.last_finished > source.last_started
    assert enqueue_due_harvests() == 0


@pytest.mark.django_db(transaction=True)
def test_marcxml_harvest_of_our_own_provider(provider_url: str) -> None:
    works = load_demo_catalogue(limit=12)
    result = harvest_json(provider_url, "--prefix", "marcxml", "--allow-private", "--delay", "0")
    assert result == {f"{provider_url} (marcxml)": {"merged": len(works)}}
    assert Work.objects.count() == len(works)
