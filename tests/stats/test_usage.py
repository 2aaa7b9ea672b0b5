from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from javon.stats import services as stats
from tests.factories import make_work

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def english(client: Any) -> None:
    # The assertions read the English interface; the default language is Uzbek.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _get(**headers: str) -> Any:
    return RequestFactory().get("/", headers=headers)


def test_uses_are_counted_per_day_and_kind() -> None:
    work = make_work()
    for _ in range(3):
        stats.record_use(_get(), work, "read")
    stats.record_use(_get(), work, "download")
    assert stats.use_counts(work.pk) == {"read": 3, "download": 1}


def test_bots_resumed_downloads_and_unknown_kinds_do_not_count() -> None:
    work = make_work()
    stats.record_use(_get(**{"User-Agent": "Googlebot/2.1"}), work, "read")
    stats.record_use(_get(Range="bytes=5000-"), work, "download")
    stats.record_use(_get(), work, "nonsense")
    assert stats.use_counts(work.pk) == {}
    stats.record_use(_get(Range="bytes=0-"), work, "download")
    assert stats.use_counts(work.pk) == {"download": 1}


def test_most_read_on_the_home_page(client: Any) -> None:
    quiet = make_work(title="Kam oʻqilgan")
    popular = make_work(title="Koʻp oʻqilgan")
    for _ in range(5):
        stats.record_use(_get(), popular, "read")
    stats.record_use(_get(), quiet, "read")
    assert stats.most_used()[:2] == [popular.pk, quiet.pk]
    html = client.get("/").content.decode()
    section = html.split("Most read", 1)[1]
    assert section.index("Koʻp oʻqilgan") < section.index("Kam oʻqilgan")
