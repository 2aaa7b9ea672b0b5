"""The admin works for librarians: lists with search and filters, a work with its inlines."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client_logged(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_superuser("bosh", "bosh@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def test_work_list_search_filters_and_change_page(admin_client_logged: Any) -> None:
    work = make_work(title="Mehrobdan chayon", identifiers=[("isbn", "978-9943-00-000-1")])
    make_work(title="Boshqa kitob", type="textbook")
    listing = admin_client_logged.get("/admin/catalog/work/", {"q": "chayon"})
    assert listing.status_code == 200
    assert "Mehrobdan chayon" in listing.content.decode()
    assert "Boshqa kitob" not in listing.content.decode()
    by_isbn = admin_client_logged.get("/admin/catalog/work/", {"q": "978-9943-00-000-1"})
    assert "Mehrobdan chayon" in by_isbn.content.decode()
    filtered = admin_client_logged.get("/admin/catalog/work/", {"type__exact": "textbook"})
    assert "Boshqa kitob" in filtered.content.decode() and "Mehrobdan chayon" not in filtered.content.decode()
    change = admin_client_logged.get(f"/admin/catalog/work/{work.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    for inline in ("contributions", "identifiers", "files", "changes"):
        assert f'id="{inline}-group"' in html, inline


def test_bulk_delete_leaves_the_index_right(admin_client_logged: Any) -> None:
    from javon.search import services as search

    work = make_work(title="Oʻchiriladigan kitob")
    assert search.search("oʻchiriladigan").total == 1
    response = admin_client_logged.post(
        "/admin/catalog/work/", {"action": "delete_selected", "_selected_action": [work.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert search.search("oʻchiriladigan").total == 0
