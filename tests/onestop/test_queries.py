"""List pages do not grow their query count with the number of dossiers (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienthong.onestop import services
from tests.onestop.conftest import filed_online

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["counter", "bc_leader", "citizen"])
def test_list_pages_query_count_does_not_grow(world, who) -> None:
    user = getattr(world, who)
    client = Client()
    client.force_login(user)
    url = reverse("citizen:my-dossiers" if who == "citizen" else "onestop:queue")

    def add(n: int) -> None:
        for _ in range(n):
            dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
            services.receive_dossier(actor=world.counter, dossier=dossier)

    add(2)
    few = _queries(client, url)
    add(8)
    many = _queries(client, url)
    print(f"{who}: {few} queries with 2 dossiers, {many} with 10")
    assert many == few
