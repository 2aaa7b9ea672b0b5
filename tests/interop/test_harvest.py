"""The harvester against recorded responses of a real kind of repository (DSpace 7, XOAI),
served by httpx's MockTransport: merging, incremental runs, deletions, crash and resume,
politeness, and the refusals (private addresses, hostile XML, oversize answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from javon.catalog.models import Work
from javon.catalog.services import Creator, to_input, update_work
from javon.interop import harvest
from javon.interop.models import HarvestedRecord, HarvestSource
from javon.interop.oai_client import HarvestError, OaiClient, UnsafeAddress
from javon.search.services import apply_changes, search
from tests.factories import make_work
from tests.interop.conftest import DATA

pytestmark = pytest.mark.django_db

BASE = "https://repository.tdpu.uz/server/oai/request"
PUBLIC_IP = "93.184.215.14"


def recorded(name: str) -> bytes:
    return (DATA / "dspace" / name).read_bytes()


class Repository:
    """Answers like the recorded DSpace: Identify, two pages, an incremental page, errors."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.fail_token: Callable[[str], httpx.Response | None] = lambda token: None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.host == PUBLIC_IP  # the connection goes to the checked address
        assert request.headers["host"] == "repository.tdpu.uz"
        params = request.url.params
        if params.get("verb") == "Identify":
            return self.xml("identify.xml")
        token = params.get("resumptionToken")
        if token is not None:
            failure = self.fail_token(token)
            if failure is not None:
                return failure
            return self.xml("listrecords-2.xml" if token == "oai_dc////3" else "error-badresumptiontoken.xml")
        since = params.get("from")
        if since is None:
            return self.xml("listrecords-1.xml")
        if since == "2024-02-26T09:12:30Z":
            return self.xml("listrecords-incremental.xml")
        return self.xml("error-norecordsmatch.xml")

    @staticmethod
    def xml(name: str) -> httpx.Response:
        return httpx.Response(200, content=recorded(name), headers={"Content-Type": "text/xml;charset=UTF-8"})

    def list_params(self) -> list[dict[str, str]]:
        return [dict(r.url.params) for r in self.requests if r.url.params.get("verb") == "ListRecords"]


def client_for(handler: Any, sleeps: list[float] | None = None, **options: Any) -> OaiClient:
    waits = sleeps if sleeps is not None else []
    options.setdefault("delay", 0.0)
    return OaiClient(
        transport=httpx.MockTransport(handler),
        resolver=lambda host, port: [PUBLIC_IP],
        sleep=waits.append,
        **options,
    )


@pytest.fixture
def source() -> HarvestSource:
    return HarvestSource.objects.create(name="TDPU", url=BASE, collection="Hamkorlar/TDPU", delay=0.0)


@pytest.fixture
def local_works() -> dict[str, Work]:
    return {
        "alice": make_work(
            title="Alice's Adventures in Wonderland", creators=[Creator("Carroll, Lewis")], year=1865, languages=["en"]
        ),
        "otkan": make_work(identifiers=[("isbn", "978-9943-01-234-5")]),
    }


def test_first_harvest_creates_and_merges(source: HarvestSource, local_works: dict[str, Work]) -> None:
    repository = Repository()
    counts = harvest.harvest_source(source.pk, client=client_for(repository))
    assert counts == {"created": 2, "merged": 2, "deleted": 1}
    assert "from" not in repository.list_params()[0]
    source.refresh_from_db()
    assert source.last_datestamp == "2024-02-26T09:12:30Z" and source.resumption_token == ""
    assert source.last_status == "ok"

    thesis = HarvestedRecord.objects.get(identifier="oai:repository.tdpu.uz:123456789/1024").work
    assert thesis.type == "dissertation" and thesis.year == 2019 and thesis.languages == ["uz"]
    assert [(c.agent.name, c.role) for c in thesis.contributions.all()] == [
        ("Karimov, Anvar", "author"),
        ("Rahimova, Dilnoza", "contributor"),
    ]
    assert {s.term for s in thesis.subjects.all()} == {"tilshunoslik", "morfologiya", "soʻz yasalishi"}
    assert [c.name for c in thesis.collections.all()] == ["TDPU"]
    assert thesis.changes.get(action="create").actor == "harvest:TDPU"
    article = HarvestedRecord.objects.get(identifier="oai:repository.tdpu.uz:123456789/1031").work
    assert article.type == "article" and article.title_language == "ru" and article.date == "2020-10"
    assert ("doi", "10.5281/zenodo.4412345") in [(i.scheme, i.value) for i in article.identifiers.all()]
    assert article.licence == "http://creativecommons.org/licenses/by/4.0/"
    assert article.rights == "Attribution 4.0 International"

    # Merged, not duplicated: the library's own records gained only what they lacked.
    assert Work.objects.count() == 4
    alice = Work.objects.get(pk=local_works["alice"].pk)
    assert alice.publisher == "Macmillan" and alice.abstract.startswith("A girl falls")
    assert alice.title == "Alice's Adventures in Wonderland"
    otkan = Work.objects.get(pk=local_works["otkan"].pk)  # found by its ISBN, written without hyphens there
    assert otkan.title == "Oʻtkan kunlar" and otkan.publisher == "Шарқ"
    assert HarvestedRecord.objects.get(identifier__endswith="/1103").work_id == otkan.pk
    gone = HarvestedRecord.objects.get(identifier__endswith="/998")
    assert gone.deleted and gone.work is None

    # Searchable at once, in either script (the index follows the change log written with the works).
    apply_changes()
    assert [h.work_id for h in search("yasalishining").hits] == [thesis.pk]
    assert [h.work_id for h in search("Иванова").hits] == [article.pk]
    assert [h.work_id for h in search("adabiyotidagi").hits] == [otkan.pk]  # its new abstract, in Cyrillic


def test_incremental_harvest_keeps_local_edits_and_follows_deletions(
    source: HarvestSource, local_works: dict[str, Work]
) -> None:
    repository = Repository()
    harvest.harvest_source(source.pk, client=client_for(repository))
    thesis = HarvestedRecord.objects.get(identifier__endswith="/1024").work
    data = to_input(thesis)
    data.title = "Oʻzbek tilida soʻz yasalishi (kutubxona tahriri)"
    update_work(thesis, data, actor="librarian")
    article = HarvestedRecord.objects.get(identifier__endswith="/1031").work

    counts = harvest.harvest_source(source.pk, client=client_for(repository))
    assert counts == {"updated": 1, "deleted": 1}
    assert repository.list_params()[-1]["from"] == "2024-02-26T09:12:30Z"
    thesis.refresh_from_db()
    assert thesis.title == "Oʻzbek tilida soʻz yasalishi (kutubxona tahriri)"  # the library's edit stays
    assert thesis.abstract.startswith("Yangilangan annotatsiya")  # the source's change comes in
    article.refresh_from_db()
    assert article.access == "staff"  # made from that record alone: it leaves the public catalogue
    apply_changes()
    assert search("Иванова").total == 0
    source.refresh_from_db()
    assert source.last_datestamp == "2024-03-30T12:00:00Z"

    assert harvest.harvest_source(source.pk, client=client_for(repository)) == {}
    source.refresh_from_db()
    assert source.last_status == "ok" and source.last_message == "nothing new"


def test_a_crash_resumes_at_the_page_it_was_on(source: HarvestSource) -> None:
    broken = Repository()
    broken.fail_token = lambda token: httpx.Response(500)
    with pytest.raises(HarvestError):
        harvest.harvest_source(source.pk, client=client_for(broken, retries=1))
    source.refresh_from_db()
    assert source.resumption_token == "oai_dc////3" and source.last_status == "failed"
    assert source.lease_until is None
    assert HarvestedRecord.objects.count() == 3  # page 1 is kept

    repository = Repository()
    counts = harvest.harvest_source(source.pk, client=client_for(repository))
    assert repository.list_params() == [{"verb": "ListRecords", "resumptionToken": "oai_dc////3"}]
    assert counts == {"created": 2}
    assert HarvestedRecord.objects.count() == 5 and Work.objects.count() == 4
    source.refresh_from_db()
    assert source.resumption_token == "" and source.last_datestamp == "2024-02-26T09:12:30Z"


def test_an_expired_token_starts_the_run_again_from_its_from(source: HarvestSource) -> None:
    HarvestSource.objects.filter(pk=source.pk).update(resumption_token="expired-long-ago", run_from="")
    repository = Repository()
    counts = harvest.harvest_source(source.pk, client=client_for(repository))
    assert [p.get("resumptionToken") for p in repository.list_params()] == ["expired-long-ago", None, "oai_dc////3"]
    assert counts == {"created": 4, "deleted": 1}


def test_a_running_harvest_is_not_started_twice(source: HarvestSource) -> None:
    from django.utils import timezone

    HarvestSource.objects.filter(pk=source.pk).update(lease_until=timezone.now() + harvest.LEASE)
    with pytest.raises(HarvestError, match="already running"):
        harvest.harvest_source(source.pk, client=client_for(Repository()))


def test_busy_server_is_retried_after_its_retry_after(source: HarvestSource) -> None:
    repository = Repository()
    answers = [httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(503, headers={"Retry-After": "7"})]

    def busy(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else repository(request)

    sleeps: list[float] = []
    harvest.harvest_source(source.pk, client=client_for(busy, sleeps))
    assert sleeps[:2] == [7.0, 7.0]


def test_network_errors_back_off_exponentially() -> None:
    failures = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.ConnectError("refused")]

    def flaky(request: httpx.Request) -> httpx.Response:
        if failures:
            raise failures.pop(0)
        return Repository.xml("identify.xml")

    sleeps: list[float] = []
    root = client_for(flaky, sleeps, backoff=1.5).request(BASE, {"verb": "Identify"})
    assert root.find(".//{http://www.openarchives.org/OAI/2.0/}repositoryName").text.startswith("TDPU")
    assert sleeps == [1.5, 3.0, 6.0]
    with pytest.raises(HarvestError, match="failed 3 times"):
        client_for(lambda r: httpx.Response(502), [], retries=2).request(BASE, {"verb": "Identify"})
    with pytest.raises(HarvestError, match="HTTP 404"):
        client_for(lambda r: httpx.Response(404), []).request(BASE, {"verb": "Identify"})


def test_requests_to_one_host_keep_their_distance() -> None:
    sleeps: list[float] = []
    client = client_for(lambda r: Repository.xml("identify.xml"), sleeps, delay=30.0)
    client.request("https://polite.example.org/oai", {"verb": "Identify"})
    client.request("https://polite.example.org/oai", {"verb": "Identify"})
    assert len(sleeps) == 1 and 29.0 < sleeps[0] <= 30.0


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fd00::1", "0.0.0.0"],  # noqa: S104
)
def test_private_addresses_are_refused_unless_allowed(address: str) -> None:
    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may leave for a refused address")

    refusing = OaiClient(transport=httpx.MockTransport(never), resolver=lambda h, p: [address], delay=0)
    with pytest.raises(UnsafeAddress):
        refusing.request("http://intranet.example.org/oai", {"verb": "Identify"})

    allowing = OaiClient(
        allow_private=True,
        transport=httpx.MockTransport(lambda r: Repository.xml("identify.xml")),
        resolver=lambda h, p: [address],
        delay=0,
    )
    assert allowing.request("http://intranet.example.org/oai", {"verb": "Identify"}) is not None


def test_a_host_with_one_private_address_among_public_ones_is_refused() -> None:
    client = OaiClient(resolver=lambda h, p: [PUBLIC_IP, "10.0.0.1"], delay=0)
    with pytest.raises(UnsafeAddress):
        client.checked_address("https://mixed.example.org/oai")


def test_redirects_are_checked_again() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["10.0.0.5"] if host == "internal.example.org" else [PUBLIC_IP]

    def redirecting(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://internal.example.org/admin?verb=Identify"})

    client = OaiClient(transport=httpx.MockTransport(redirecting), resolver=resolver, delay=0)
    with pytest.raises(UnsafeAddress, match="internal.example.org"):
        client.request("https://repository.tdpu.uz/oai", {"verb": "Identify"})


def test_oversize_responses_are_refused() -> None:
    client = client_for(lambda r: Repository.xml("listrecords-1.xml"), max_bytes=1000)
    with pytest.raises(HarvestError, match="larger than 1000 bytes"):
        client.request(BASE, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})


def test_hostile_xml_expands_no_entities(source: HarvestSource) -> None:
    def hostile(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("verb") == "Identify":
            return Repository.xml("identify.xml")
        return Repository.xml("hostile-entities.xml")

    harvest.harvest_source(source.pk, client=client_for(hostile))
    for work in Work.objects.all():
        assert "root:" not in work.title and len(work.title) < 100


def test_cannot_read_unknown_prefixes(source: HarvestSource) -> None:
    HarvestSource.objects.filter(pk=source.pk).update(prefix="mods")
    with pytest.raises(HarvestError, match="cannot read 'mods'"):
        harvest.harvest_source(source.pk, client=client_for(Repository()))
    source.refresh_from_db()
    assert source.lease_until is None and source.last_status == "failed"


def test_due_sources(source: HarvestSource) -> None:
    import datetime as dt

    from django.utils import timezone

    assert source.is_due()
    source.last_started = timezone.now()
    assert not source.is_due()
    assert source.is_due(timezone.now() + dt.timedelta(days=1, seconds=1))
    source.enabled = False
    assert not source.is_due(timezone.now() + dt.timedelta(days=2))
