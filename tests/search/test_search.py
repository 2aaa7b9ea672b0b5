"""Search through the tantivy backend: any spelling, facets, filters, pages, snippets, the log."""

from __future__ import annotations

from typing import Any

import pytest

from javon.catalog.models import Work
from javon.catalog.services import Creator, WorkInput, to_input, update_work
from javon.search import services as search
from javon.search.backend import Filters, get_backend
from javon.search.models import IndexChange
from javon.storage.models import File, FileRole, PageText
from javon.storage.services import store_bytes
from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


def _with_pages(work: Work, pages: list[str]) -> None:
    blob, _ = store_bytes("\f".join(pages).encode(), "text/plain")
    f = File.objects.create(
        work=work, blob=blob, role=FileRole.ORIGINAL, name="t.txt", mime="text/plain", size=blob.size
    )
    PageText.objects.bulk_create(PageText(file=f, number=i, text=t) for i, t in enumerate(pages, 1))
    search.work_changed(work.pk)


@pytest.fixture
def shelf() -> dict[str, Work]:
    books = {
        "kutubxona": make_work(
            title="Kutubxona tarixi",
            abstract="Oʻzbekiston kutubxonalari haqida",
            year=1998,
            type="monograph",
            subjects=["kutubxonachilik"],
        ),
        "oqish": make_work(title="Oʻqish kitobi", year=2005, type="textbook"),
        "russian": make_work(title="Война и мир", languages=["ru"], year=1869, creators=[]),
        "english": make_work(title="The Time Machine", languages=["en"], year=1895, creators=[]),
    }
    _with_pages(books["english"], ["The Time Traveller spoke.", "Weena and the Morlocks in the dark.", "The end."])
    return books


def ids(q: str, **kw: Any) -> set[int]:
    return {h.work_id for h in search.search(q, **kw).hits}


def test_every_spelling_and_script_finds_the_same_work(shelf: dict[str, Work]) -> None:
    want = {shelf["oqish"].pk}
    for spelling in ["oʻqish", "o'qish", "o‘qish", "o’qish", "oʼqish", "O`qish", "ЎҚИШ", "ўқиш"]:
        assert ids(spelling) == want, spelling
    assert ids("кутубхона") == {shelf["kutubxona"].pk}


def test_and_by_default_phrase_exclusion_or_and_fields(shelf: dict[str, Work]) -> None:
    assert ids("kutubxona tarixi") == {shelf["kutubxona"].pk}
    assert ids("kutubxona machine") == set()
    assert ids("kutubxona OR machine") == {shelf["kutubxona"].pk, shelf["english"].pk}
    assert ids('"time machine"') == {shelf["english"].pk}
    assert ids('"machine time"') == set()
    assert ids("kitobi -oʻqish") == set()
    assert ids("author:Qodiriy") == {shelf["kutubxona"].pk, shelf["oqish"].pk}
    assert ids("title:morlocks") == set()
    assert ids("morlocks") == {shelf["english"].pk}
    assert ids("kutubxona year:1990-2000") == {shelf["kutubxona"].pk}
    assert ids("kutubxona year:2001-2010") == set()
    assert ids("kutub*") == {shelf["kutubxona"].pk}


def test_page_of_the_hit_and_highlighted_snippet(shelf: dict[str, Work]) -> None:
    result = search.search("Morlocks")
    assert result.total == 1
    hit = result.hits[0]
    assert hit.page == 2
    assert "<mark>Morlocks</mark>" in hit.snippet
    assert search.search_in_work(shelf["english"].pk, "weena") == [
        (2, "<mark>Weena</mark> and the Morlocks in the dark.")
    ]


def test_snippets_escape_the_text(shelf: dict[str, Work]) -> None:
    work = make_work(title="Escaping", languages=["en"])
    _with_pages(work, ['<script>alert("x")</script> dangerous zebra'])
    hit = search.search("zebra").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


def test_facets_and_filters(shelf: dict[str, Work]) -> None:
    everything = search.search("")
    assert everything.total == 4
    assert everything.facets["type"] == {"book": 2, "monograph": 1, "textbook": 1}
    assert everything.facets["language"]["uz"] == 2
    assert search.search("", Filters(type=["textbook"])).total == 1
    assert search.search("", Filters(language=["ru", "en"])).total == 2
    assert search.search("", Filters(year_from=1850, year_to=1900)).total == 2
    sorted_by_year = [h.work_id for h in search.search("", sort="year").hits]
    assert sorted_by_year[0] == shelf["russian"].pk
    # Subjects are counted by id and shown by name; a subject filters.
    assert everything.facets["subject"] == {"kutubxonachilik": 1}
    assert {h.work_id for h in search.search("", Filters(subject=["kutubxonachilik"])).hits} == {shelf["kutubxona"].pk}
    assert search.search("tarixi", Filters(subject=["kitobxonlik"])).total == 0


def test_subject_names_come_from_the_works_when_the_names_file_lacks_them(
    shelf: dict[str, Work], tmp_path: Any
) -> None:
    from javon.search.subject_names import SubjectNames

    backend = get_backend()
    backend._subjects = SubjectNames(tmp_path / "empty.sqlite3")  # type: ignore[attr-defined]
    backend._names.clear()  # type: ignore[attr-defined]
    assert search.search("kutubxona").facets["subject"] == {"kutubxonachilik": 1}


def test_browsing_answers_are_new_after_every_commit(shelf: dict[str, Work]) -> None:
    # Text-less searches are kept per commit of the index; a new work must show at once.
    assert search.search("").total == 4
    added = make_work(title="Yangi kelgan kitob", type="textbook", subjects=["yangiliklar"])
    after = search.search("")
    assert after.total == 5
    assert after.facets["type"]["textbook"] == 2
    assert after.facets["subject"]["yangiliklar"] == 1
    from javon.catalog.services import delete_work

    delete_work(added, actor="test")
    assert search.search("").total == 4


def test_edits_deletions_and_unready_works(shelf: dict[str, Work]) -> None:
    work = shelf["kutubxona"]
    data: WorkInput = to_input(work)
    data.title = "Axborot-resurs markazlari"
    update_work(work, data, actor="test")
    assert ids("markazlari") == {work.pk}
    assert ids("tarixi") == set()
    Work.objects.filter(pk=shelf["oqish"].pk).update(status=Work.Status.PROCESSING)
    search.work_changed(shelf["oqish"].pk)
    search.apply_changes()
    assert ids("oʻqish") == set()
    from javon.catalog.services import delete_work

    delete_work(shelf["english"], actor="test")
    assert ids("morlocks") == set()


def test_log_gaps_are_applied_when_they_commit(shelf: dict[str, Work]) -> None:
    backend = get_backend()
    head = search.log_head()
    assert backend.position() == head
    # A change whose id is below the position but that was not applied (committed late).
    late = IndexChange.objects.create(work_id=shelf["oqish"].pk)
    IndexChange.objects.filter(pk=late.pk).update(id=head + 5)
    backend.set_position(head + 10, [(head + 5, __import__("time").time())])
    Work.objects.filter(pk=shelf["oqish"].pk).update(title="Yangi nom")
    assert search.apply_changes() == 1
    assert ids("yangi") == {shelf["oqish"].pk}


def test_reindex_rebuilds_from_the_database(shelf: dict[str, Work]) -> None:
    get_backend().clear()
    assert search.search("").total == 0
    assert search.reindex() == 4
    assert search.search("").total == 4
    assert ids("morlocks") == {shelf["english"].pk}


def test_a_big_rebuild_analyses_in_worker_processes(shelf: dict[str, Work], settings: Any) -> None:
    # One work per batch: the third batch on goes to the two worker processes.
    settings.SEARCH_REBUILD_WORKERS = 2
    get_backend().clear()
    assert search.reindex(batch=1) == 4
    assert ids("morlocks") == {shelf["english"].pk}
    assert ids("ўқиш") == {shelf["oqish"].pk}
    assert ids("война") == {shelf["russian"].pk}
    assert search.search("").facets["subject"] == {"kutubxonachilik": 1}


def test_loose_keys_find_more_ranked_below_exact() -> None:
    exact = make_work(title="Bosh qahramon", year=2001)
    other = make_work(title="Boʻsh xona", year=2002)
    hits = [h.work_id for h in search.search("bosh").hits]
    assert hits == [exact.pk, other.pk]
    assert [h.work_id for h in search.search("boʻsh").hits][0] == other.pk
    lake = make_work(title="Кўл бўйида", year=2003)
    hand = make_work(title="Қўл меҳнати", year=2004)
    # Typed on a Russian keyboard: у for ў, к for қ.
    assert {lake.pk, hand.pk} <= ids("кул")
    assert [h.work_id for h in search.search("кўл").hits][0] == lake.pk
    assert [h.work_id for h in search.search("қўл").hits][0] == hand.pk


def test_suggestions_for_titles_and_authors() -> None:
    make_work(title="Boburnoma", creators=[Creator("Bobur, Zahiriddin Muhammad")])
    result = search.suggest("bobu")
    assert [w["title"] for w in result["works"]] == ["Boburnoma"]
    assert result["authors"][0]["name"] == "Bobur, Zahiriddin Muhammad"
    assert search.suggest("бобу")["works"][0]["title"] == "Boburnoma"
    assert search.suggest("b") == {"works": [], "authors": []}


def test_typos_in_longer_words_are_corrected(shelf: dict[str, Work]) -> None:
    result = search.search("kutubxonna tarixi")
    assert result.did_you_mean == "kutubxona tarixi"
    assert [h.work_id for h in result.hits] == [shelf["kutubxona"].pk]
    assert search.search("Morlcoks").did_you_mean == "morlocks"
    # Short words are not "corrected", and words that exist are left alone.
    assert search.search("kitab").did_you_mean is None or search.search("kitab").total > 0
    assert search.search("zzzzzzzzq").did_you_mean is None
    assert search.search("kutubxona").did_you_mean is None


def test_long_queries_fall_back_to_some_of_the_words(shelf: dict[str, Work]) -> None:
    result = search.search("history of the kutubxona tarixi in uzbekistan")
    assert result.relaxed
    assert shelf["kutubxona"].pk in [h.work_id for h in result.hits]
    assert not search.search("kutubxona tarixi").relaxed


def test_year_ranges_facet(shelf: dict[str, Work]) -> None:
    assert search.search("").facets["year_range"] == {
        "2000-2009": 1,
        "1990-1999": 1,
        "1890-1899": 1,
        "1860-1869": 1,
    }


def test_best_pages_of_several_works_in_one_search(shelf: dict[str, Work], monkeypatch: Any) -> None:
    from javon.search import tantivy_backend
    from javon.search.query import parse

    other = make_work(title="Another book", languages=["en"])
    _with_pages(other, ["nothing here", "the dark forest", "dark, dark, dark night"])
    search.apply_changes()
    backend = get_backend()
    works = [shelf["english"].pk, other.pk]
    assert backend.best_pages(parse("dark"), works) == {shelf["english"].pk: 2, other.pk: 3}
    # When the pages read do not reach a work, it is asked alone.
    monkeypatch.setattr(tantivy_backend, "PAGES_SEEN", 1)
    assert backend.best_pages(parse("dark"), works) == {shelf["english"].pk: 2, other.pk: 3}
    assert backend.best_pages(parse("zebra"), works) == {}
