"""API fuzzing with schemathesis against the project's own OpenAPI description, in process
(WSGI), with the hardening world's data: no answer is a server error, and every answer (status
code, body) conforms to the description.

Reads are made as an official of Sở Tư pháp; writes as an actor allowed to make them (the clerk
for documents and registers, the counter for dossiers, ...), so the input is checked behind the
permission check rather than only refused by it. Besides the random examples, schemathesis's
coverage phase sends every operation its bodies with the optional fields left out and the
boundary values of every bounded number (an id's 0 and 2^63 among them: ids are declared as the
database's bigint range).

The number of random examples per operation is bounded for CI (`LIENTHONG_FUZZ_EXAMPLES`,
default 6) and the generation is derandomised, so a run is repeatable."""

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
from schemathesis.core.parameters import ParameterLocation

from lienthong.accounts.models import Agency
from lienthong.accounts.permissions import has_two_factor, two_factor_required
from tests.accounts.two_factor import enrol

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


# Who writes through each part of the API (the first matching path prefix); reads, and writes
# elsewhere, are the officer's.
WRITERS = [
    ("/api/v1/documents/", "clerk"),
    ("/api/v1/registers/", "clerk"),
    ("/api/v1/dossiers/", "onestop_officer"),
    ("/api/v1/assignments/", "agency_leader"),
    ("/api/v1/catalogue/", "agency_admin"),
    ("/api/v1/units/", "agency_admin"),
    ("/api/v1/users/", "agency_admin"),
]


@pytest.fixture
def real_ids(world: World, db: Any) -> dict[str, Any]:
    """Body fields naming a row → a row of the world the writer may name, so that the positive
    cases pass the “does not exist” check and reach the services."""
    ids = world.ids
    return {
        "document_type": ids["document_type"],
        "drafting_unit": ids["hctp"],
        "unit": ids["hctp"],
        "recipient_agencies": [Agency.objects.exclude(pk=ids["agency"]).values_list("pk")[0][0]],
        "document": ids["incoming_new"],
        "leader": ids["leader_user"],
        "user": ids["user"],
        "handler": ids["user"],
        "procedure": ids["procedure"],
        "procedure_component": ids["procedure_component"],
        "retention": ids["retention_period"],
    }


def with_real_ids(case: Any, known: dict[str, Any]) -> None:
    """In a positive body, ids of rows that exist in place of the generated ones (0, 1, ...);
    the fields schemathesis left out stay out, and negative bodies stay as they are."""
    if not isinstance(case.body, dict) or case.meta is None:
        return
    if case.meta.is_negative_at(ParameterLocation.BODY):
        return
    for name, value in case.body.items():
        if name in known and type(value) is type(known[name]):
            case.body[name] = known[name]


def actor_of(case: Any) -> str:
    if case.method.upper() in {"GET", "HEAD", "OPTIONS"}:
        return "officer"
    return next((a for prefix, a in WRITERS if case.path.startswith(prefix)), "officer")


@pytest.fixture
def tokens(world: World, db: Any) -> Iterator[dict[str, str]]:
    """The actors' API tokens (those who must use two-factor sign-in have enrolled); the WSGI
    handler keeps the test's connection open (as Django's test client does) so the requests see
    the world and their writes are rolled back."""
    keys = {}
    for actor in {"officer", *(a for _prefix, a in WRITERS)}:
        user = actor_user(actor)
        if two_factor_required(user) and not has_two_factor(user):
            enrol(user)
        keys[actor] = Token.objects.get_or_create(user=user)[0].key
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield keys
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
def test_api_answers_conform_and_never_fail(
    case: Any, tokens: dict[str, str], real_ids: dict[str, Any]
) -> None:
    FIGURES["requests fuzzed"] += 1
    with_real_ids(case, real_ids)
    token = tokens[actor_of(case)]
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


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
