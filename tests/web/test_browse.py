from __future__ import annotations

from typing import Any

import pytest

from javon.catalog.models import Work
from javon.catalog.services import Creator
from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def english(client: Any) -> None:
    # The assertions read the English interface; the default language is Uzbek.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_browse_lists_types_subjects_collections_and_decades(client: Any) -> None:
    make_work(title="Oʻtkan kunlar", subjects=["roman"], collections=["Adabiyot/Romanlar"], year=1926)
    make_work(title="Mehrobdan chayon", subjects=["roman"], year=1929, type="textbook")
    html = client.get("/browse").content.decode()
    assert "/search?type=textbook" in html
    assert "/search?subject=roman" in html and "(2)" in html
    assert "Romanlar" in html
    assert "year_from=1920&amp;year_to=1929" in html


def test_authors_a_to_z_in_either_script(client: Any) -> None:
    make_work(title="Dunyoning ishlari", creators=[Creator("Хошимов, Ўткир")])
    make_work(title="Sariq devni minib", creators=[Creator("Tohir, Xudoyberdi")])
    make_work(title="Shum bola", creators=[Creator("Gʻulom, Gʻafur")])
    make_work(title="Yulduzli tunlar", creators=[Creator("Qodiriy, Abdulla")], languages=["uz"])
    # The Cyrillic name sorts under X with the Latin ones, and is shown in Latin.
    latin = client.get("/browse/authors", {"letter": "x"}).content.decode()
    assert "Xoshimov, Oʻtkir" in latin
    assert "Tohir" not in latin
    # Gʻ is its own letter, not G's.
    assert "Gʻulom" in client.get("/browse/authors", {"letter": "gʻ"}).content.decode()
    assert "Gʻulom" not in client.get("/browse/authors", {"letter": "g"}).content.decode()
    # In Cyrillic the letters and the names are Cyrillic.
    client.cookies["javon_script"] = "Cyrl"
    cyr = client.get("/browse/authors", {"letter": "x"}).content.decode()
    assert "Хошимов, Ўткир" in cyr
    assert ">Ў</a>" in cyr
    assert client.get("/browse/authors", {"letter": "nonsense"}).status_code == 404


def test_authors_pages_by_key(client: Any) -> None:
    from javon.web import browse

    for i in range(browse.AUTHORS_PER_PAGE + 5):
        make_work(title=f"Asar {i}", creators=[Creator(f"Aliyev{i:03d}, Ali")])
    first = client.get("/browse/authors", {"letter": "a"}).content.decode()
    assert "Aliyev000" in first and "Aliyev064" not in first
    assert "after=aliyev059" in first
    second = client.get("/browse/authors", {"letter": "a", "after": "aliyev059"}).content.decode()
    assert "Aliyev064" in second and "Aliyev000" not in second


def test_author_page_lists_works_subjects_and_co_authors(client: Any) -> None:
    one = make_work(title="Birinchi", creators=[Creator("Qodiriy, Abdulla"), Creator("Choʻlpon")], subjects=["tarix"])
    make_work(title="Ikkinchi", creators=[Creator("Qodiriy, Abdulla")], subjects=["tarix"])
    agent = one.contributions.get(agent__name="Qodiriy, Abdulla").agent
    html = client.get(f"/authors/{agent.pk}").content.decode()
    assert "Birinchi" in html and "Ikkinchi" in html
    assert "Choʻlpon" in html
    assert "tarix" in html
    # An author of nothing published has no page.
    hidden = make_work(title="Tayyor emas", creators=[Creator("Yashirin, Muallif")])
    Work.objects.filter(pk=hidden.pk).update(status=Work.Status.PROCESSING)
    secret = hidden.contributions.get().agent
    assert client.get(f"/authors/{secret.pk}").status_code == 404
    assert "Yashirin" not in client.get("/browse/authors", {"letter": "y"}).content.decode()


def test_work_page_shows_related_works_and_links_authors(client: Any) -> None:
    work = make_work(title="Oʻtkan kunlar", subjects=["roman", "tarix"])
    make_work(title="Mehrobdan chayon", subjects=["roman"])
    make_work(title="Boshqa kitob", creators=[Creator("Boshqa, Odam")], subjects=["tarix", "roman"])
    make_work(title="Aloqasiz", creators=[Creator("Boshqa, Odam")], subjects=["fizika"])
    html = client.get(f"/works/{work.pk}").content.decode()
    assert "Mehrobdan chayon" in html  # same author
    assert "Boshqa kitob" in html  # same subjects
    assert "Aloqasiz" not in html
    agent = work.contributions.get().agent
    assert f'href="/authors/{agent.pk}"' in html


def test_search_without_results_helps(client: Any) -> None:
    make_work(title="Oʻtkan kunlar")
    html = client.get("/search", {"q": "zzzqqqxxx", "type": "audio"}).content.decode()
    assert "Search again without the filters" in html
    assert 'href="?q=zzzqqqxxx"' in html
    assert "/browse" in html


def test_suggest_offers_authors_with_their_pages(client: Any) -> None:
    make_work(title="Oʻtkan kunlar")
    body = client.get("/api/v1/suggest", {"q": "qodi"}).json()
    assert body["authors"][0]["url"].startswith("/authors/")
    home = client.get("/").content.decode()
    assert 'list="q-suggest"' in home and "suggest.js" in home
