"""Several index replicas following one change log converge; a stopped one catches up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from javon.catalog.services import to_input, update_work
from javon.search import query, services
from javon.search.backend import Filters
from javon.search.tantivy_backend import TantivyBackend
from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


def ids(backend: TantivyBackend, q: str) -> set[int]:
    return {h.work_id for h in backend.search(query.parse(q), Filters(), limit=100, facets=False).hits}


def test_two_replicas_converge_and_a_stopped_one_catches_up(settings: Any, tmp_path: Path) -> None:
    settings.SEARCH_SYNC = False
    a = TantivyBackend(str(tmp_path / "replica-a"))
    b = TantivyBackend(str(tmp_path / "replica-b"))
    works = [make_work(title=f"Kitob raqam {n}", year=2000 + n) for n in range(5)]
    services.apply_changes(a)
    services.apply_changes(b)
    assert ids(a, "kitob") == ids(b, "kitob") == {w.pk for w in works}

    # b stops; edits go on.
    data = to_input(works[0])
    data.title = "Yangi sarlavha"
    update_work(works[0], data, actor="test")
    extra = make_work(title="Kitob qoʻshimcha")
    services.apply_changes(a)
    assert works[0].pk in ids(a, "sarlavha") and extra.pk in ids(a, "kitob")
    assert works[0].pk not in ids(b, "sarlavha")

    # b comes back and catches up to the same answers.
    services.apply_changes(b)
    for q in ["kitob", "sarlavha", "raqam", "qoʻshimcha"]:
        assert ids(a, q) == ids(b, q), q
    assert a.position() == b.position() == services.log_head()
