"""The one-stop world of tests/onestop with the national portal simulator running and the
platform configured to use it; the world's procedure has a national code the portal knows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienthong.dvcqg.services import set_procedure_code
from lienthong.dvcqg.simulator import PortalSimulator, PortalState, RunningSimulator
from tests.conftest import free_port
from tests.onestop.conftest import World, clock, world  # noqa: F401  (fixtures)

CODE = "2.000123"
OTHER_CODE = "2.000999"  # known to the portal, mapped to no procedure here


@dataclass
class Portal:
    state: PortalState
    simulator: PortalSimulator
    port: int
    running: RunningSimulator | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.running = RunningSimulator(self.simulator, self.port).__enter__()

    def stop(self) -> None:
        if self.running is not None:
            self.running.__exit__(None, None, None)
            self.running = None

    def statuses(self, agency_code: str, dossier_code: str) -> list[int]:
        return self.state.statuses(agency_code, dossier_code)


@pytest.fixture
def portal(settings: Any, world: World) -> Iterator[Portal]:  # noqa: F811
    state = PortalState()
    simulator = PortalSimulator(
        username="tinh-ca-mau",
        password="mat-khau-thu",
        procedure_codes={CODE, OTHER_CODE},
        state=state,
    )
    running = Portal(state=state, simulator=simulator, port=free_port())
    running.start()
    settings.LIENTHONG_DVCQG_URL = running.url
    settings.LIENTHONG_DVCQG_USERNAME = "tinh-ca-mau"
    settings.LIENTHONG_DVCQG_PASSWORD = "mat-khau-thu"
    settings.LIENTHONG_DVCQG_TIMEOUT = 3.0
    set_procedure_code(actor=None, procedure=world.procedure, code=CODE)
    try:
        yield running
    finally:
        running.stop()


def time_passes() -> None:
    """The retries queued with a later start become due (the back-off has elapsed)."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
