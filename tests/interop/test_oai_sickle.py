"""A real harvester from PyPI (Sickle) harvests the whole demo library over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch

from javon.catalog.models import Collection
from javon.catalog.services import delete_work
from javon.interop.oai_provider import oai_identifier
from tests.interop.conftest import load_demo_catalogue


@pytest.fixture
def sickle(live_server: Any, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Sickle:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings.OAI_PAGE_SIZE = 7  # several pages, so that Sickle follows resumption tokens
    return Sickle(live_server.url + "/oai", max_retries=0, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_sickle_harvests_the_demo_library(sickle: Sickle) -> None:
    works = load_demo_catalogue()
    deleted = works.pop()
    deleted_id = oai_identifier(deleted.pk)
    delete_work(deleted, actor="test")

    identify = sickle.Identify()
    assert identify.protocolVersion == "2.0" and identify.deletedRecord == "persistent"
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} >= {"oai_dc"}
    specs = {s.setSpec for s in sickle.ListSets()}
    assert {"type", "type:book", "collection"} <= specs

    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    by_id = {r.header.identifier: r for r in records}
    assert len(records) == len(by_id) == len(works) + 1
    assert by_id[deleted_id].deleted and not getattr(by_id[deleted_id], "metadata", None)
    for work in works:
        record = by_id[oai_identifier(work.pk)]
        assert not record.deleted
        assert record.metadata["title"] == [work.title]
        assert record.metadata["creator"][0] == work.contributions.first().agent.name
    navoiy = [r for r in records if not r.deleted and "Hikmatli soʻzlar (tanlama)" in r.metadata["title"]]
    assert navoiy and navoiy[0].metadata["language"] == ["uz"]
    assert navoiy[0].metadata["creator"] == ["Alisher Navoiy"]

    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert {h.identifier for h in headers} == set(by_id)
    russian = Collection.objects.get(name="Русская литература")
    in_set = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set=f"collection:{russian.pk}")}
    assert in_set == {oai_identifier(w.pk) for w in russian.works.all()}

    one = sickle.GetRecord(identifier=oai_identifier(works[0].pk), metadataPrefix="oai_dc")
    assert one.metadata["title"] == [works[0].title]
    with pytest.raises(IdDoesNotExist):
        sickle.GetRecord(identifier="oai:javon.local:work/99999999", metadataPrefix="oai_dc")
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListRecords(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))
