"""OPDS 1.2 and 2.0 catalogues: every feed validates against the official schemas, paging,
search across scripts, access rules on acquisition links, and links that resolve."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from javon.catalog.models import Work
from tests.factories import make_work
from tests.interop.opds_helpers import ATOM_NS, atom, links, opds2

pytestmark = pytest.mark.django_db
ACQ = "application/atom+xml;profile=opds-catalog;kind=acquisition"


def attach_pdf(work: Any, text: str = "Kitob matni.") -> Any:
    from javon.ingest import samples
    from javon.storage import services as storage
    from javon.storage.models import File, FileRole

    blob, _ = storage.store_bytes(
        samples.text_to_pdf(text, title=work.title, author="A", language="uz"), "application/pdf"
    )
    return File.objects.create(work=work, blob=blob, role=FileRole.ORIGINAL, name="kitob.pdf",
                               mime="application/pdf", size=blob.size)  # fmt: skip


def attach_thumbnail(work: Any) -> None:
    import io

    from PIL import Image

    from javon.storage import services as storage
    from javon.storage.models import File, FileRole

    out = io.BytesIO()
    Image.new("RGB", (60, 90), "teal").save(out, "PNG")
    blob, _ = storage.store_bytes(out.getvalue(), "image/png")
    File.objects.create(
        work=work, blob=blob, role=FileRole.THUMBNAIL, name="cover.png", mime="image/png", size=blob.size
    )


@pytest.fixture
def shelf() -> dict[str, Any]:
    open_work = make_work(title="Ўтган кунлар", subjects=["Roman"], identifiers=[("isbn", "9789943000000")],
                          collections=["Tarix fakulteti/Dissertatsiyalar"], abstract="Tarixiy roman.")  # fmt: skip
    closed = make_work(title="Registered only", languages=["ru"], access="registered")
    draft = make_work(title="Unfinished draft")
    Work.objects.filter(pk=draft.pk).update(status=Work.Status.PROCESSING)  # as while ingest still runs
    secret = make_work(title="Staff secret", access="staff")
    for w in (open_work, closed, draft, secret):
        attach_pdf(w)
    attach_thumbnail(open_work)
    return {"open": open_work, "closed": closed, "draft": draft, "secret": secret}


def hidden_titles(shelf: dict[str, Any]) -> list[str]:
    return [shelf["draft"].title, shelf["secret"].title]


def test_root_navigation_and_opensearch(client: Any, shelf: dict[str, Any]) -> None:
    root = atom(client, "/opds/", "navigation")
    subsections = links(root, "subsection", in_entries=True)
    assert {"/opds/new", "/opds/collections", "/opds/types", "/opds/languages"} <= set(subsections)
    described = client.get(links(root, "search")[0])
    assert described["Content-Type"].startswith("application/opensearchdescription+xml")
    assert b"/opds/search?q={searchTerms}" in described.content


def test_every_feed_validates_and_hides_what_readers_may_not_find(client: Any, shelf: dict[str, Any]) -> None:
    seen: set[str] = set()
    queue = ["/opds/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        kind = "acquisition" if "kind=acquisition" in response["Content-Type"] else "navigation"
        root = atom(client, url, kind)
        body = response.content.decode()
        assert not any(title in body for title in hidden_titles(shelf)), url
        queue += [h for h in links(root, "subsection", in_entries=True) if h not in seen]
    assert {"/opds/new", "/opds/types/book", "/opds/languages/uz", "/opds/languages/ru"} <= seen
    nested = [u for u in seen if u.startswith("/opds/collections/") and not u.endswith("/works")]
    assert nested, "a collection with sub-collections is a navigation feed of its own"


def test_acquisition_entries_follow_access_rules(client: Any, shelf: dict[str, Any]) -> None:
    root = atom(client, "/opds/new", "acquisition")
    entries = {e.findtext("a:title", namespaces=ATOM_NS): e for e in root.iterfind("a:entry", ATOM_NS)}
    assert set(entries) == {"Ўтган кунлар", "Registered only"}
    open_entry = entries["Ўтган кунлар"]
    assert open_entry.findtext("dc:language", namespaces=ATOM_NS) == "uz"
    assert "urn:isbn:9789943000000" in [i.text for i in open_entry.iterfind("dc:identifier", ATOM_NS)]
    assert open_entry.find("a:category", ATOM_NS).get("term") == "Roman"
    acquisitions = open_entry.findall("a:link[@rel='http://opds-spec.org/acquisition/open-access']", ATOM_NS)
    assert len(acquisitions) == 1 and acquisitions[0].get("type") == "application/pdf"
    download = client.get(acquisitions[0].get("href"))
    assert download.status_code == 200 and int(acquisitions[0].get("length")) == len(b"".join(download))
    # The registered-only work is listed, but without a file to take, for an anonymous reader.
    closed_links = [link.get("rel") for link in entries["Registered only"].iterfind("a:link", ATOM_NS)]
    assert not any("acquisition" in rel for rel in closed_links)
    [cover] = links(open_entry, "http://opds-spec.org/image/thumbnail")
    assert client.get(cover)["Content-Type"] == "image/png"
    for entry in entries.values():
        for href in links(entry, "alternate"):
            assert client.get(href).status_code == 200


def test_signed_in_reader_gets_the_registered_file(client: Any, shelf: dict[str, Any], django_user_model: Any) -> None:
    reader = django_user_model.objects.create_user(username="reader", password="a-long-test-password")
    client.force_login(reader)
    root = atom(client, "/opds/languages/ru", "acquisition")
    [entry] = root.iterfind("a:entry", ATOM_NS)
    [href] = links(entry, "http://opds-spec.org/acquisition")
    assert client.get(href).status_code == 200


def test_paging_has_first_next_previous_last(client: Any, settings: Any, monkeypatch: Any) -> None:
    from javon.interop import catalog_feeds

    monkeypatch.setattr(catalog_feeds, "PER_PAGE", 2)
    for n in range(5):
        make_work(title=f"Kitob {n}")
    first = atom(client, "/opds/new", "acquisition")
    assert len(first.findall("a:entry", ATOM_NS)) == 2 and not links(first, "previous")
    titles = []
    url: str | None = "/opds/new"
    while url:
        page = atom(client, url, "acquisition")
        titles += [e.findtext("a:title", namespaces=ATOM_NS) for e in page.iterfind("a:entry", ATOM_NS)]
        nxt = links(page, "next")
        url = nxt[0] if nxt else None
        if url:
            assert links(atom(client, url, "acquisition"), "previous")
    assert sorted(titles) == [f"Kitob {n}" for n in range(5)]
    assert links(page, "last")[0].endswith("page=3")


@pytest.mark.django_db(transaction=True)  # the index is written on commit
def test_search_finds_a_cyrillic_title_with_a_latin_query(client: Any, shelf: dict[str, Any]) -> None:
    root = atom(client, "/opds/search?q=otgan+kunlar", "acquisition")
    assert [e.findtext("a:title", namespaces=ATOM_NS) for e in root.iterfind("a:entry", ATOM_NS)] == ["Ўтган кунлар"]
    assert not atom(client, "/opds/search?q=unfinished+draft", "acquisition").findall("a:entry", ATOM_NS)
    doc = opds2(client, "/opds/v2/search?query=otgan+kunlar")
    assert [p["metadata"]["title"] for p in doc["publications"]] == ["Ўтган кунлар"]


def test_opds2_feeds_validate_and_links_resolve(client: Any, shelf: dict[str, Any]) -> None:
    root = opds2(client, "/opds/v2/")
    assert any(link["rel"] == "search" and link.get("templated") for link in root["links"])
    assert root["groups"][0]["publications"]
    seen = set()
    for nav in root["navigation"]:
        path = urlsplit(nav["href"]).path
        doc = opds2(client, path)
        seen.add(path)
        for sub in doc.get("navigation", []):
            sub_doc = opds2(client, urlsplit(sub["href"]).path)
            assert not any(p["metadata"]["title"] in hidden_titles(shelf) for p in sub_doc.get("publications", []))
    new = opds2(client, "/opds/v2/new")
    titles = {p["metadata"]["title"]: p for p in new["publications"]}
    assert set(titles) == {"Ўтган кунлар", "Registered only"}
    for link in titles["Ўтган кунлар"]["links"] + titles["Ўтган кунлар"]["images"]:
        assert client.get(urlsplit(link["href"]).path).status_code == 200
    assert not any("acquisition" in link["rel"] for link in titles["Registered only"]["links"])
    assert "/opds/v2/collections" in seen


def test_unknown_shelves_are_404(client: Any) -> None:
    assert client.get("/opds/types/nonsense").status_code == 404
    assert client.get("/opds/collections/999/works").status_code == 404
    assert client.get("/opds/v2/collections/999").status_code == 404
