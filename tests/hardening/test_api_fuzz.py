"""API fuzzing with schemathesis against the project's own OpenAPI description, in process
(WSGI), signed in as an official of Sở Tư pháp with the hardening world's data: no answer is a
server error, and every answer (status code, body) conforms to the description.

The number of examples per operation is bounded for CI (`LIENTHONG_FUZZ_EXAMPLES`, default 6)
and the generation is derandomised, so a run is repeatable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from .conftest import FIGURES
from .urls import concrete, endpoints
from .world import World, actor_user

EXAMPLES = int(os.environ.get("LIENTHONG_FUZZ_EXAMPLES", "6"))

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def officer_token(world: World, db: Any) -> Iterator[str]:
    """The officer's API token; the WSGI handler keeps the test's connection open (as Django's
    test client does) so the requests see the world and their writes are rolled back."""
    token, _ = Token.objects.get_or_create(user=actor_user("officer"))
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield token.key
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_conform_and_never_fail(case: Any, officer_token: str) -> None:
    FIGURES["requests fuzzed"] += 1
    case.call_and_validate(headers={"Authorization": f"Token {officer_token}"}, checks=CHECKS)


def test_options_on_every_api_endpoint_is_no_server_error(world: World, db: Any) -> None:
    """OPTIONS (what a browser's preflight sends) once crashed the notification settings."""
    client = Client()
    client.force_login(actor_user("officer"))
    for endpoint in endpoints().values():
        if endpoint.route.startswith("api/"):
            url = concrete(endpoint, dict.fromkeys(endpoint.params, 1))
            try:
                response = client.options(url)
            except Exception as exc:
                raise AssertionError(url) from exc
            FIGURES["requests fuzzed"] += 1
            assert response.status_code < 500, (url, response.status_code)
