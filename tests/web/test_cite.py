"""The Cite block, Highwire tags and JSON-LD of a work page; citation downloads and the API."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from lxml import html as lxml_html

from javon.catalog.crosswalk import read_records
from javon.catalog.services import Creator, WorkInput
from tests.factories import make_work

pytestmark = pytest.mark.django_db

HOSTILE = 'Kitob "</script><script>alert(1)</script>" {brace} & <b>\nikkinchi qator'
# RFC 6266: a quoted ASCII filename, and the exact UTF-8 name in filename*.
DISPOSITION = re.compile(
    r"^(attachment|inline); filename=\"([\x20\x21\x23-\x5b\x5d-\x7e]+)\"; filename\*=UTF-8''(\S+)$"
)


def attach_pdf(work: Any, *, access: str = "", pages: int = 3) -> Any:
    from javon.ingest import samples
    from javon.storage.models import File, FileRole
    from javon.storage.services import store_bytes

    data = samples.text_to_pdf("Bir bor ekan.", title=work.title, author="Qodiriy, Abdulla", max_pages=pages)
    blob, _ = store_bytes(data, "application/pdf")
    return File.objects.create(
        work=work,
        blob=blob,
        role=FileRole.ORIGINAL,
        name="kitob.pdf",
        mime="application/pdf",
        size=blob.size,
        page_count=pages,
        access=access,
    )


def parsed_page(client: Any, work: Any) -> Any:
    response = client.get(f"/works/{work.pk}")
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def meta(page: Any, name: str) -> list[str]:
    return [el.get("content") for el in page.xpath(f'//head/meta[@name="{name}"]')]


def test_work_page_has_meta_tags_json_ld_and_cite_block(client: Any) -> None:
    work = make_work(
        title="Oʻtkan kunlar",
        creators=[Creator("Qodiriy, Abdulla", dates="1894-1938"), Creator("Karimov, Ali", role="editor")],
        publisher="Gʻafur Gʻulom",
        place="Toshkent",
        year=2019,
        keywords=["roman"],
        subjects=["Oʻzbek adabiyoti"],
        identifiers=[("isbn", "978-9943-01-234-5")],
    )
    pdf = attach_pdf(work, pages=5)
    page = parsed_page(client, work)
    assert meta(page, "citation_title") == ["Oʻtkan kunlar"]
    assert meta(page, "citation_author") == ["Qodiriy, Abdulla"]
    assert meta(page, "citation_publication_date") == ["2019"]
    assert meta(page, "citation_publisher") == ["Gʻafur Gʻulom"]
    assert meta(page, "citation_isbn") == ["978-9943-01-234-5"]
    assert meta(page, "citation_language") == ["uz"]
    assert meta(page, "citation_keywords") == ["roman; Oʻzbek adabiyoti"]
    assert meta(page, "citation_abstract_html_url") == [f"http://testserver/works/{work.pk}"]
    assert meta(page, "citation_pdf_url") == [f"http://testserver/works/{work.pk}/files/{pdf.pk}/download"]

    [script] = page.xpath('//script[@type="application/ld+json"]')
    doc = json.loads(script.text)
    assert doc["@type"] == "Book" and doc["name"] == "Oʻtkan kunlar" and doc["numberOfPages"] == 5
    assert doc["author"] == [
        {"@type": "Person", "name": "Abdulla Qodiriy", "familyName": "Qodiriy", "givenName": "Abdulla"}
    ]
    assert doc["publisher"] == {"@type": "Organization", "name": "Gʻafur Gʻulom"}
    assert doc["about"] == [{"@type": "Thing", "name": "Oʻzbek adabiyoti"}]

    [block] = page.xpath('//section[@id="cite"]')
    citations = [" ".join(p.text_content().split()) for p in block.xpath('.//p[@class="citation"]')]
    assert citations[0].startswith(
        "Qodiriy, A. Oʻtkan kunlar / A. Qodiriy ; muharrir A. Karimov. – Toshkent : Gʻafur Gʻulom, 2019. – 5 b. "
        "– ISBN 978-9943-01-234-5. – URL: http://testserver/works/"
    )
    assert citations[1].startswith(
        "Qodiriy, A. (2019). Oʻtkan kunlar (A. Karimov, ed.). Gʻafur Gʻulom. http://testserver/works/"
    )
    links = block.xpath(".//a/@href")
    for suffix in ("cite.bib", "cite.ris", "cite.json", "cite.csv", "cite.txt?style=gost", "cite.txt?style=apa"):
        assert f"/works/{work.pk}/{suffix}" in links


def test_pdf_url_only_for_readers_who_may_have_the_pdf(client: Any) -> None:
    work = make_work(title="Yopiq kitob", access="metadata-only")
    attach_pdf(work)
    page = parsed_page(client, work)
    assert meta(page, "citation_title") == ["Yopiq kitob"]
    assert meta(page, "citation_pdf_url") == []


def test_hostile_title_cannot_break_out_of_the_page(client: Any) -> None:
    work = make_work(title=HOSTILE, creators=[Creator('O"Brien, <Seán>')])
    response = client.get(f"/works/{work.pk}")
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    page = lxml_html.fromstring(response.content)
    assert len(page.xpath("//script[not(@src)]")) == len(page.xpath('//script[@type="application/ld+json"]')) == 1
    assert json.loads(page.xpath('//script[@type="application/ld+json"]')[0].text)["name"] == " ".join(HOSTILE.split())
    assert meta(page, "citation_title") == [" ".join(HOSTILE.split())]
    assert meta(page, "citation_author") == ['O"Brien, <Seán>']
    assert page.xpath("//b") == []
    citation = page.xpath('//p[@class="citation"]')[0].text_content()
    assert "</script>" in citation  # shown as text


@pytest.mark.parametrize(
    ("suffix", "fmt", "media_type", "extension"),
    [
        ("cite.bib", "bibtex", "application/x-bibtex", "bib"),
        ("cite.ris", "ris", "application/x-research-info-systems", "ris"),
        ("cite.json", "csl-json", "application/vnd.citationstyles.csl+json", "json"),
        ("cite.csv", "csv", "text/csv", "csv"),
    ],
)
def test_downloads_have_type_filename_and_read_back(
    client: Any, suffix: str, fmt: str, media_type: str, extension: str
) -> None:
    work = make_work(
        title=HOSTILE,
        creators=[Creator("Иванов, Иван Иванович"), Creator("Qodiriy, Abdulla")],
        languages=["ru"],
        publisher="Наука",
        year=1990,
    )
    response = client.get(f"/works/{work.pk}/{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    match = DISPOSITION.match(response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    assert match.group(1) == "attachment"
    assert match.group(2).endswith(f"-{work.pk}.{extension}")
    assert match.group(3).endswith(f"-{work.pk}.{extension}")
    [record] = read_records(response.content, fmt)
    assert isinstance(record, WorkInput)
    assert " ".join(record.title.split()) == " ".join(HOSTILE.split())
    assert [c.name for c in record.creators] == ["Иванов, Иван Иванович", "Qodiriy, Abdulla"]
    assert (record.publisher, record.year) == ("Наука", 1990)


def test_text_citations_and_refusals(client: Any) -> None:
    work = make_work(
        title="Тарих", creators=[Creator("Каримов, Ислом")], languages=["ru"], publisher="Узбекистан", year=1998
    )
    gost = client.get(f"/works/{work.pk}/cite.txt", {"style": "gost"})
    assert gost["Content-Type"] == "text/plain; charset=utf-8"
    assert gost["Content-Disposition"].startswith("inline; ")
    assert gost.content.decode().startswith("Каримов, И. Тарих / И. Каримов. – [Б. м.] : Узбекистан, 1998. – URL: ")
    apa = client.get(f"/works/{work.pk}/cite.txt", {"style": "apa"}).content.decode()
    assert apa.startswith("Каримов, И. (1998). Тарих. Узбекистан.")
    assert client.get(f"/works/{work.pk}/cite.txt", {"style": "mla"}).status_code == 404
    assert client.get(f"/works/{work.pk}/cite.exe").status_code == 404
    assert client.get("/works/999999/cite.bib").status_code == 404
    assert client.post(f"/works/{work.pk}/cite.bib").status_code == 405


def test_works_the_reader_may_not_see_are_404(client: Any, staff_user: Any) -> None:
    from javon.catalog.models import Work

    hidden = make_work(title="Tayyor emas")
    Work.objects.filter(pk=hidden.pk).update(status=Work.Status.PROCESSING)
    assert client.get(f"/works/{hidden.pk}/cite.bib").status_code == 404
    assert client.get(f"/api/v1/works/{hidden.pk}/cite").status_code == 404
    client.force_login(staff_user)
    assert client.get(f"/works/{hidden.pk}/cite.bib").status_code == 200


def test_api_cite_endpoint(client: Any) -> None:
    work = make_work(title="Oʻtkan kunlar", publisher="Gʻafur Gʻulom", place="Toshkent")
    gost = client.get(f"/api/v1/works/{work.pk}/cite", {"format": "gost"})
    assert gost.status_code == 200 and gost["Content-Type"] == "text/plain; charset=utf-8"
    assert gost.content.decode().startswith("Qodiriy, A. Oʻtkan kunlar / A. Qodiriy. – Toshkent : Gʻafur Gʻulom, 1926.")
    bib = client.get(f"/api/v1/works/{work.pk}/cite", {"format": "bibtex"})
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib.content.decode().startswith(f"@book{{javon{work.pk},")
    csl = client.get(f"/api/v1/works/{work.pk}/cite", {"format": "csl-json"})
    assert json.loads(csl.content)[0]["title"] == "Oʻtkan kunlar"
    ris = client.get(f"/api/v1/works/{work.pk}/cite", {"format": "ris"}).content.decode()
    assert ris.startswith("TY  - BOOK\n") and ris.endswith("ER  - \n")
    assert client.get(f"/api/v1/works/{work.pk}/cite", {"format": "mla"}).status_code == 422
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/works/{work_id}/cite" in schema["paths"]
