"""The OAI-PMH provider at /oai: every verb, every error, paging, deletions and access.

Every response is validated against the OAI-PMH, oai_dc, oai-identifier (and MARCXML) schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from javon.access.services import can_see
from javon.catalog.models import Work
from javon.catalog.services import delete_work, to_input, update_work
from javon.interop import formats
from javon.interop.oai_provider import oai_identifier
from tests.factories import make_work
from tests.interop.conftest import NS, error_code, oai

pytestmark = pytest.mark.django_db


def identifiers(root: Any) -> list[str]:
    return [e.text for e in root.iterfind(".//oai:header/oai:identifier", NS)]


def harvest_all(client: Any, verb: str = "ListIdentifiers", **params: str) -> list[Any]:
    """Every header of a list, following resumption tokens."""
    headers: list[Any] = []
    root = oai(client, verb=verb, metadataPrefix="oai_dc", **params)
    while True:
        if error_code(root) == "noRecordsMatch":
            return headers
        assert error_code(root) is None, error_code(root)
        headers += root.findall(".//oai:header", NS)
        token = root.find(".//oai:resumptionToken", NS)
        if token is None or not (token.text or "").strip():
            return headers
        root = oai(client, verb=verb, resumptionToken=token.text)


def test_identify(client: Any, demo_works: list[Any]) -> None:
    root = oai(client, verb="Identify")
    body = root.find("oai:Identify", NS)
    assert body.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai"
    assert body.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert body.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert body.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    earliest = min(w.updated for w in Work.objects.all()).astimezone(dt.UTC)
    assert body.findtext("oai:earliestDatestamp", namespaces=NS) == earliest.strftime("%Y-%m-%dT%H:%M:%SZ")
    sample = root.find(".//{http://www.openarchives.org/OAI/2.0/oai-identifier}sampleIdentifier")
    assert sample.text == "oai:javon.local:work/1"


def test_list_metadata_formats(client: Any, demo_works: list[Any]) -> None:
    root = oai(client, verb="ListMetadataFormats")
    prefixes = [e.text for e in root.iterfind(".//oai:metadataPrefix", NS)]
    assert "oai_dc" in prefixes
    assert set(prefixes) == set(formats.available())
    one = oai(client, verb="ListMetadataFormats", identifier=oai_identifier(demo_works[0].pk))
    assert error_code(one) is None
    assert error_code(oai(client, verb="ListMetadataFormats", identifier="oai:javon.local:work/999999")) == (
        "idDoesNotExist"
    )


def test_list_sets_from_types_and_collections(client: Any, demo_works: list[Any]) -> None:
    root = oai(client, verb="ListSets")
    sets = {
        e.findtext("oai:setSpec", namespaces=NS): e.findtext("oai:setName", namespaces=NS)
        for e in root.iterfind(".//oai:set", NS)
    }
    assert sets["type:book"] == "Type: Book"
    uz = demo_works[0].collections.model.objects.get(name="Oʻzbek adabiyoti")
    assert sets[f"collection:{uz.pk}"] == "Oʻzbek adabiyoti"
    in_uz = {oai_identifier(w.pk) for w in uz.works.all()}
    got = {h.findtext("oai:identifier", namespaces=NS) for h in harvest_all(client, set=f"collection:{uz.pk}")}
    assert got == in_uz and got
    monographs = {oai_identifier(w.pk) for w in Work.objects.filter(type="monograph")}
    assert {h.findtext("oai:identifier", namespaces=NS) for h in harvest_all(client, set="type:monograph")} == (
        monographs
    )
    assert error_code(oai(client, verb="ListRecords", metadataPrefix="oai_dc", set="collection:999")) == (
        "noRecordsMatch"
    )


def test_nested_collections_are_subsets(client: Any) -> None:
    work = make_work(collections=["Universitet/Dissertatsiyalar"])
    make_work(title="Boshqa kitob")
    child = work.collections.get()
    headers = harvest_all(client, set=f"collection:{child.parent_id}")
    assert identifiers_of(headers) == [oai_identifier(work.pk)]
    assert f"collection:{child.parent_id}:{child.pk}" in [s.text for s in headers[0].iterfind("oai:setSpec", NS)]


def identifiers_of(headers: list[Any]) -> list[str]:
    return [h.findtext("oai:identifier", namespaces=NS) for h in headers]


def test_get_record_oai_dc(client: Any) -> None:
    work = make_work(
        identifiers=[("isbn", "978-9943-01-234-5"), ("doi", "10.1234/javon.5")],
        abstract="Tarixiy roman & <sevgi>.",
        subjects=["Oʻzbek romani"],
        title_language="uz",
    )
    root = oai(client, verb="GetRecord", identifier=oai_identifier(work.pk), metadataPrefix="oai_dc")
    dc = root.find(".//oai_dc:dc", NS)
    assert dc.findtext("dc:title", namespaces=NS) == "Oʻtkan kunlar"
    assert dc.findtext("dc:creator", namespaces=NS) == "Qodiriy, Abdulla"
    assert dc.findtext("dc:description", namespaces=NS) == "Tarixiy roman & <sevgi>."
    ids = [e.text for e in dc.iterfind("dc:identifier", NS)]
    assert f"http://testserver/works/{work.pk}" in ids
    assert "urn:isbn:978-9943-01-234-5" in ids and "https://doi.org/10.1234/javon.5" in ids
    assert root.find(".//oai:header/oai:datestamp", NS).text == work.updated.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_marcxml_when_the_marc_crosswalk_is_there(client: Any) -> None:
    """MARCXML is offered exactly when javon.catalog.crosswalk.marc (pymarc) is installed, and then validates."""
    work = make_work(identifiers=[("isbn", "9789943012345")])
    root = oai(client, verb="GetRecord", identifier=oai_identifier(work.pk), metadataPrefix="marcxml")
    if formats._marc_available():
        assert root.find(".//marc:record", NS) is not None
    else:
        assert error_code(root) == "cannotDisseminateFormat"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Frobnicate"}, "badVerb"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "GetRecord", "identifier": "oai:javon.local:work/1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2024-01-02T00:00:00Z"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-02", "until": "2025-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "mods2"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "identifier": "oai:javon.local:work/1", "metadataPrefix": "nope"},
            "cannotDisseminateFormat",
        ),
        ({"verb": "GetRecord", "identifier": "oai:elsewhere.org:1", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "nonsense"}, "noRecordsMatch"),
    ],
)
def test_errors(client: Any, params: dict[str, str], code: str) -> None:
    make_work()
    root = oai(client, **params)
    assert error_code(root) == code
    request = root.find("oai:request", NS)
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # the spec: no attributes after these two errors


def test_repeated_argument_is_bad_argument(client: Any) -> None:
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc")
    from tests.interop.conftest import validate

    assert error_code(validate(response.content)) == "badArgument"


def test_post_is_answered_like_get(client: Any) -> None:
    make_work()
    response = client.post("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    from tests.interop.conftest import validate

    assert len(identifiers(validate(response.content))) == 1


def test_paging_with_resumption_tokens(client: Any, demo_works: list[Any], settings: Any) -> None:
    settings.OAI_PAGE_SIZE = 10
    first = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = first.find(".//oai:resumptionToken", NS)
    assert token.get("cursor") == "0" and token.get("completeListSize") == str(len(demo_works))
    assert token.get("expirationDate", "").endswith("Z")
    headers = harvest_all(client, verb="ListRecords")
    assert sorted(identifiers_of(headers)) == sorted(oai_identifier(w.pk) for w in demo_works)
    stamps = [h.findtext("oai:datestamp", namespaces=NS) for h in headers]
    assert stamps == sorted(stamps)


def test_changes_during_a_harvest_lose_nothing(client: Any, demo_works: list[Any], settings: Any) -> None:
    """Records edited, added and deleted between two pages: nothing already listed is lost,
    and nothing is listed twice; what changed comes with the next incremental harvest."""
    settings.OAI_PAGE_SIZE = 10
    started = timezone.now()
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    seen = identifiers(root)
    token = root.find(".//oai:resumptionToken", NS).text
    edited = Work.objects.get(pk=int(seen[0].rsplit("/", 1)[1]))  # already delivered
    later = Work.objects.exclude(pk__in=[int(i.rsplit("/", 1)[1]) for i in seen]).order_by("updated", "pk").last()
    for work in (edited, later):
        data = to_input(work)
        data.abstract = "Edited during the harvest."
        update_work(work, data, actor="test")
    gone = Work.objects.exclude(pk__in=[edited.pk, later.pk]).order_by("updated", "pk").last()
    gone_id = oai_identifier(gone.pk)
    delete_work(gone, actor="test")
    added = make_work(title="Yangi kitob")
    while token:
        root = oai(client, verb="ListIdentifiers", resumptionToken=token)
        seen += identifiers(root)
        element = root.find(".//oai:resumptionToken", NS)
        token = element.text if element is not None else None
    assert len(seen) == len(set(seen))
    expected = {oai_identifier(w.pk) for w in demo_works} - {oai_identifier(later.pk), gone_id}
    assert expected <= set(seen)
    since = started.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    following = harvest_all(client, **{"from": since})
    news = {h.findtext("oai:identifier", namespaces=NS): h.get("status") for h in following}
    assert news[oai_identifier(edited.pk)] is None and news[oai_identifier(later.pk)] is None
    assert news[oai_identifier(added.pk)] is None
    assert news[gone_id] == "deleted"


def test_from_until_second_granularity(client: Any) -> None:
    old = make_work(title="Eski")
    new = make_work(title="Yangi")
    Work.objects.filter(pk=old.pk).update(updated=dt.datetime(2020, 5, 1, 10, 0, 0, 500000, tzinfo=dt.UTC))
    Work.objects.filter(pk=new.pk).update(updated=dt.datetime(2020, 5, 1, 10, 0, 1, tzinfo=dt.UTC))
    exact = harvest_all(client, **{"from": "2020-05-01T10:00:00Z", "until": "2020-05-01T10:00:00Z"})
    assert identifiers_of(exact) == [oai_identifier(old.pk)]
    assert identifiers_of(harvest_all(client, **{"from": "2020-05-01T10:00:01Z"})) == [oai_identifier(new.pk)]
    assert len(harvest_all(client, **{"from": "2020-05-01", "until": "2020-05-01"})) == 2
    assert harvest_all(client, until="2020-04-30") == []


def test_deleted_work_keeps_a_tombstone(client: Any) -> None:
    work = make_work(collections=["Arxiv"])
    collection = work.collections.get()
    identifier = oai_identifier(work.pk)
    delete_work(work, actor="test")
    root = oai(client, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    header = root.find(".//oai:header", NS)
    assert header.get("status") == "deleted"
    assert root.find(".//oai:metadata", NS) is None
    listed = harvest_all(client, verb="ListRecords", set=f"collection:{collection.pk}")
    assert identifiers_of(listed) == [identifier] and listed[0].get("status") == "deleted"
    assert harvest_all(client, set="type:article") == []


@pytest.mark.parametrize("rule", ["staff"])
def test_hidden_works_are_listed_as_deleted_without_metadata(client: Any, rule: str) -> None:
    secret = make_work(title="Maxfiy hujjat", access=rule)
    processing = make_work(title="Hali tayyor emas")
    Work.objects.filter(pk=processing.pk).update(status=Work.Status.PROCESSING)
    for verb in ("ListRecords", "ListIdentifiers"):
        root = oai(client, verb=verb, metadataPrefix="oai_dc")
        body = etree_text(root)
        assert "Maxfiy" not in body and "Hali tayyor" not in body
        assert all(h.get("status") == "deleted" for h in root.iterfind(".//oai:header", NS))
    for work in (secret, processing):
        root = oai(client, verb="GetRecord", identifier=oai_identifier(work.pk), metadataPrefix="oai_dc")
        assert root.find(".//oai:header", NS).get("status") == "deleted"
        assert "Maxfiy" not in etree_text(root) and "Hali tayyor" not in etree_text(root)


def etree_text(root: Any) -> str:
    from lxml import etree

    return etree.tostring(root, encoding="unicode")


def test_what_is_disseminated_is_what_anyone_may_see(client: Any) -> None:
    """Each access rule: the record is exposed exactly when an anonymous reader may see it."""
    rules = ["open", "registered", "group:talabalar", "onsite", "staff", "metadata-only", "embargo:2999-01-01"]
    works = {rule: make_work(title=f"Kitob {rule}", access=rule) for rule in rules}
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    exposed = {
        r.findtext("oai:header/oai:identifier", namespaces=NS)
        for r in root.iterfind(".//oai:record", NS)
        if r.find("oai:metadata", NS) is not None
    }
    for rule, work in works.items():
        assert (oai_identifier(work.pk) in exposed) == can_see(AnonymousUser(), work), rule
    assert oai_identifier(works["staff"].pk) not in exposed


def test_a_work_that_stops_being_public_becomes_deleted(client: Any) -> None:
    work = make_work()
    before = work.updated
    data = to_input(work)
    data.access = "staff"
    update_work(work, data, actor="test")
    work.refresh_from_db()
    assert work.updated > before
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") == "deleted"


def test_resumption_tokens_expire_and_cannot_be_forged(client: Any, demo_works: list[Any], settings: Any) -> None:
    settings.OAI_PAGE_SIZE = 10
    token = oai(client, verb="ListRecords", metadataPrefix="oai_dc").find(".//oai:resumptionToken", NS).text
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert error_code(oai(client, verb="ListRecords", resumptionToken=forged)) == "badResumptionToken"
    assert error_code(oai(client, verb="ListIdentifiers", resumptionToken=token)) == "badResumptionToken"
    settings.OAI_TOKEN_SECONDS = -1  # every token is past its expiry
    assert error_code(oai(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
