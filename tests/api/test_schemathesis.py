"""Schemathesis generates requests from our OpenAPI document for every operation and sends
them to the app (in-process WSGI): no input may make the server fail (HTTP 5xx)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from javon.access.services import create_token
from javon.wsgi import application
from tests.factories import make_work

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(django_user_model: Any) -> dict[str, str]:
    staff = django_user_model.objects.create_user("schema-staff", is_staff=True)
    make_work(title="Oʻtkan kunlar", subjects=["roman"], collections=["Adabiyot"])
    return {"Authorization": "Bearer " + create_token(staff, "fuzz", scopes=["ingest", "catalogue"])}


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
