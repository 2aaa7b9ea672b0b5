"""Readers choose the script (Latin or Cyrillic) of Uzbek metadata."""

from __future__ import annotations

import html as htmllib
from typing import Any

import pytest

from javon.catalog.services import Creator
from javon.web.script import CYRL, LATN, display
from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


def choose(client: Any, script: str, next_url: str = "/") -> Any:
    return client.post("/script", {"script": script, "next": next_url})


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return htmllib.unescape(response.content.decode())


def test_display_converts_only_uzbek_in_the_other_script() -> None:
    assert display("Oʻtkan kunlar", CYRL, True) == "Ўткан кунлар"
    assert display("Ўткан кунлар", LATN, True) == "Oʻtkan kunlar"
    # Already in the wanted script, or not Uzbek: unchanged.
    assert display("Ўткан кунлар", CYRL, True) == "Ўткан кунлар"
    assert display("Oʻtkan kunlar", LATN, True) == "Oʻtkan kunlar"
    assert display("Война и мир", LATN, False) == "Война и мир"
    assert display("War and peace", CYRL, False) == "War and peace"
    # A plainly Russian string of a work in Uzbek and Russian stays Russian.
    assert display("Сборник научных трудов", LATN, True) == "Сборник научных трудов"
    assert display("", CYRL, True) == ""


def test_latin_work_shown_in_cyrillic_and_back(client: Any) -> None:
    work = make_work(
        title="Oʻtkan kunlar",
        creators=[Creator("Qodiriy, Abdulla", dates="1894-1938")],
        alternative_titles=[{"title": "Kecha va kunduz"}],
        subjects=["roman"],
        publisher="Gʻafur Gʻulom nomidagi nashriyot",
        place="Toshkent",
        series="Oʻzbek adabiyoti",
        abstract="Tarixiy roman.",
    )
    url = f"/works/{work.pk}"
    latin = page(client, url)
    assert "<h1>Oʻtkan kunlar</h1>" in latin
    assert 'aria-pressed="true">Lotin' in latin

    response = choose(client, "Cyrl", url)
    assert response.status_code == 302
    assert response["Location"] == url
    cookie = response.cookies["javon_script"]
    assert cookie.value == "Cyrl"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"

    cyr = page(client, url)
    assert "<title>Ўткан кунлар — Javon</title>" in cyr
    assert "<h1>Ўткан кунлар</h1>" in cyr
    for shown in ("Қодирий, Абдулла", "Кеча ва кундуз", "роман", "Ғафур Ғулом номидаги нашриёт", "Тошкент"):
        assert shown in cyr
    assert "Ўзбек адабиёти" in cyr
    assert "Тарихий роман." in cyr
    assert 'aria-pressed="true">Кирилл' in cyr
    # Citation metadata stays as catalogued.
    assert '<meta name="citation_title" content="Oʻtkan kunlar">' in cyr
    assert '<meta name="citation_author" content="Qodiriy, Abdulla">' in cyr
    # Lists too.
    assert "Ўткан кунлар" in page(client, "/")
    assert "Ўткан кунлар" in page(client, "/search?q=kunlar")

    choose(client, "Latn", url)
    back = page(client, url)
    assert "<h1>Oʻtkan kunlar</h1>" in back
    assert "Ўткан" not in back


def test_cyrillic_work_shown_in_latin(client: Any) -> None:
    work = make_work(title="Меҳробдан чаён", creators=[Creator("Қодирий, Абдулла")], subjects=["роман"])
    url = f"/works/{work.pk}"
    # The Latin interface language shows Latin by default.
    html = page(client, url)
    assert "<h1>Mehrobdan chayon</h1>" in html
    assert "Qodiriy, Abdulla" in html
    assert '<meta name="citation_title" content="Меҳробдан чаён">' in html
    choose(client, "Cyrl", url)
    assert "<h1>Меҳробдан чаён</h1>" in page(client, url)


def test_cyrillic_interface_language_means_cyrillic(client: Any) -> None:
    work = make_work(title="Oʻtkan kunlar")
    html = page(client, f"/works/{work.pk}")
    assert "<h1>Oʻtkan kunlar</h1>" in html
    cyr = client.get(f"/works/{work.pk}", headers={"accept-language": "uz-cyrl"}).content.decode()
    assert "<h1>Ўткан кунлар</h1>" in cyr
    # The reader's choice wins over the interface language.
    choose(client, "Latn")
    latn = client.get(f"/works/{work.pk}", headers={"accept-language": "uz-cyrl"}).content.decode()
    assert "<h1>Oʻtkan kunlar</h1>" in htmllib.unescape(latn)


def test_russian_work_is_never_converted(client: Any) -> None:
    work = make_work(
        title="Война и мир",
        creators=[Creator("Толстой, Лев Николаевич")],
        languages=["ru"],
        subjects=["роман"],
        publisher="Художественная литература",
        place="Москва",
    )
    english = make_work(title="War and peace", creators=[Creator("Tolstoy, Leo")], languages=["en"])
    for script in (LATN, CYRL):
        choose(client, script)
        html = page(client, f"/works/{work.pk}")
        for shown in (
            "<h1>Война и мир</h1>",
            "Толстой, Лев Николаевич",
            "роман",
            "Художественная литература",
            "Москва",
        ):
            assert shown in html
        assert "<h1>War and peace</h1>" in page(client, f"/works/{english.pk}")
        assert "Voyna" not in page(client, "/")


def test_redirect_refuses_external_next(client: Any) -> None:
    for hostile in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""):
        response = choose(client, "Cyrl", hostile)
        assert response.status_code == 302
        assert response["Location"] == "/", hostile
    assert choose(client, "Cyrl", "/search?q=kunlar")["Location"] == "/search?q=kunlar"
    assert client.post("/script", {"script": "Grek", "next": "/"}).status_code == 400
    assert client.get("/script").status_code == 405


def test_script_choice_needs_csrf_token() -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/script", {"script": "Cyrl", "next": "/"})
    assert refused.status_code == 403
    assert "javon_script" not in refused.cookies
    # With the token from the page's own form it works, without JavaScript.
    home = strict.get("/")
    token = home.context["csrf_token"]
    assert 'action="/script" method="post"' in home.content.decode()
    ok = strict.post("/script", {"script": "Cyrl", "next": "/", "csrfmiddlewaretoken": str(token)})
    assert ok.status_code == 302
    assert ok.cookies["javon_script"].value == "Cyrl"


def test_hostile_title_stays_escaped_in_both_scripts(client: Any) -> None:
    work = make_work(
        title='<img src=x onerror="alert(1)"> Oʻtkan',
        creators=[Creator("<script>alert(3)</script>")],
        abstract="<script>alert(2)</script> qissa",
    )
    for script in (LATN, CYRL):
        choose(client, script)
        for url in (f"/works/{work.pk}", "/"):
            raw = client.get(url).content.decode()
            assert "<img" not in raw and "<имг" not in raw
            assert "<script>" not in raw and "<скрипт>" not in raw
    assert "&lt;имг" in client.get(f"/works/{work.pk}").content.decode()
