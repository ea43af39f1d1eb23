"""Two-factor sign-in holds on every URL: a leader who gave their password but not yet their
code, and an administrator who must still enrol, reach nothing the project defines (every URL
name the resolver knows, every method its view answers) but the code or enrolment page,
sign-out and the language switch; pages send them to that step, the API answers 403, and
nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from lienthong.accounts.middleware import ALWAYS_OPEN
from tests.accounts.two_factor import enrol

from .conftest import FIGURES
from .test_permission_matrix import MATRIX, _call, _state
from .urls import concrete, endpoints
from .world import World, actor_user

ENDPOINTS = endpoints()
STEP = {"agency_leader": "two-factor-verify", "agency_admin": "two-factor-enrol"}
REGEX_ROUTES = {"wagtail_serve": "/cong/", "wagtaildocs_serve": "/cong/tai-lieu/1/bao-cao.pdf"}


@pytest.mark.parametrize("actor", sorted(STEP))
def test_a_session_without_its_second_factor_reaches_nothing_else(
    world: World, db: Any, actor: str
) -> None:
    user = actor_user(actor)
    if STEP[actor] == "two-factor-verify":
        enrol(user)
    client = Client()
    client.force_login(user)  # the password was right; the code not given yet
    step_url = reverse(STEP[actor])
    wrong: list[str] = []
    for name, endpoint in sorted(ENDPOINTS.items()):
        if name in ALWAYS_OPEN or name == STEP[actor]:
            continue
        row = MATRIX[name]
        extra = {"allocation_pk": "allocation", "ordinal": "ordinal"} | row.extra
        values = {p: world.ids[extra.get(p, row.obj or p)] for p in endpoint.params}
        # Wagtail's catch-all routes are regular expressions: a page and a document of theirs.
        url = REGEX_ROUTES.get(name) or concrete(endpoint, values)
        for method in endpoint.methods:
            with transaction.atomic():
                before = _state()
                response = _call(client, method, url)
                after = _state()
                transaction.set_rollback(True)
            FIGURES["matrix cells"] += 1
            if url.startswith("/api/"):
                ok = response.status_code == 403
            else:
                ok = response.status_code == 302 and response["Location"].startswith(step_url)
            if not ok:
                wrong.append(f"{method} {url}: {response.status_code}")
            if after != before:
                wrong.append(f"{method} {url}: changed data")
    assert not wrong, "\n".join(wrong)
