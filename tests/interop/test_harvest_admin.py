"""Staff configure scheduled harvests in the admin; nobody else reaches it."""

from __future__ import annotations

from typing import Any

import pytest

from javon.interop.models import HarvestSource

pytestmark = pytest.mark.django_db


def test_only_staff_with_the_right_reach_harvest_sources(client: Any, django_user_model: Any) -> None:
    HarvestSource.objects.create(name="TDPU", url="https://repository.tdpu.uz/oai")
    anonymous = client.get("/admin/interop/harvestsource/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    reader = django_user_model.objects.create_user("oquvchi", password="a-long-test-password")
    client.force_login(reader)
    assert client.get("/admin/interop/harvestsource/").status_code == 302
    staff = django_user_model.objects.create_user("xodim", password="a-long-test-password", is_staff=True)
    client.force_login(staff)  # staff without the permission
    assert client.get("/admin/interop/harvestsource/").status_code == 403


def test_a_librarian_sets_up_a_scheduled_harvest(client: Any, django_user_model: Any) -> None:
    boss = django_user_model.objects.create_superuser("bosh", "bosh@example.org", "a-long-test-password")
    client.force_login(boss)
    assert client.get("/admin/interop/harvestsource/add/").status_code == 200
    response = client.post(
        "/admin/interop/harvestsource/add/",
        {
            "name": "SamDU",
            "url": "https://dspace.samdu.uz/server/oai/request",
            "set_spec": "col_123456789_4",
            "prefix": "oai_dc",
            "collection": "Hamkorlar/SamDU",
            "enabled": "on",
            "interval": "12:00:00",
            "delay": "2.0",
            "last_datestamp": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source = HarvestSource.objects.get(name="SamDU")
    assert source.enabled and source.interval.total_seconds() == 12 * 3600 and not source.allow_private
    listing = client.get("/admin/interop/harvestsource/")
    assert "SamDU" in listing.content.decode()
