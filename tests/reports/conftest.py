"""Three dossiers walked through the one-stop services at hand-picked times, so that every
indicator of the report can be computed by hand (see test_indicators.py for the sums)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from lienthong.documents.models import DocumentType
from lienthong.onestop import services
from lienthong.onestop.constants import Outcome
from lienthong.onestop.models import Dossier
from tests.onestop.conftest import clock, filed_online, pdf_file, world  # noqa: F401 (fixtures)
from tests.reports.dates import moment
from tests.reports.periodic import reporting  # noqa: F401 (fixture)


@dataclass
class Timeline:
    received: tuple[int, ...]
    unit: tuple[int, ...]  # the BCVT unit's step: assigned, proposed and approved then
    other: tuple[int, ...]  # the other agency's step
    approval: tuple[int, ...]  # the agency leader's approval
    result: tuple[int, ...]  # the clerk issues the result
    returned: tuple[int, ...]
    supplements: int = 0
    rating: tuple[int, int] | None = None  # satisfaction, staff attitude


def walk(w: Any, clock: Any, t: Timeline) -> Dossier:  # noqa: F811
    clock.set(*t.received[:3], 8, 0)
    dossier = filed_online(w)
    services.submit_dossier(actor=w.citizen, dossier=dossier)
    for n in range(t.supplements):
        clock.set(*t.received[:3], 8, 10 + n * 10)
        services.request_supplement(actor=w.counter, dossier=dossier, items="Bản sao GCN")
        services.add_component(
            actor=w.citizen,
            dossier=dossier,
            upload=pdf_file("GCN"),
            name=f"gcn-{n}.pdf",
            procedure_component=w.components[1],
        )
        services.resubmit_dossier(actor=w.citizen, dossier=dossier)
    clock.set(*t.received)
    services.receive_dossier(actor=w.counter, dossier=dossier)
    clock.set(*t.unit)
    step = dossier.steps.get(order=2)
    services.assign_handler(actor=w.bc_leader, step=step, handler=w.bc_handler)
    services.propose(actor=w.bc_handler, step=step, text="Đủ điều kiện.")
    services.approve_step(actor=w.bc_leader, step=step)
    clock.set(*t.other)
    step = dossier.steps.get(order=3)
    services.assign_handler(actor=w.other_leader, step=step, handler=w.other_handler)
    services.propose(actor=w.other_handler, step=step, text="Khớp.")
    services.approve_step(actor=w.other_leader, step=step)
    clock.set(*t.approval)
    services.approve_step(actor=w.leader, step=dossier.steps.get(order=4), note="Đồng ý")
    clock.set(*t.result)
    services.issue_result(
        actor=w.clerk,
        dossier=dossier,
        document_type=DocumentType.objects.get(name="Quyết định"),
        upload=pdf_file("Quyết định"),
        file_name="qd.pdf",
    )
    clock.set(*t.returned)
    services.return_result(actor=w.counter, dossier=dossier, channel="online")
    if t.rating:
        services.rate_dossier(
            actor=w.citizen, dossier=dossier, satisfaction=t.rating[0], staff_attitude=t.rating[1]
        )
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def three_dossiers(world, clock) -> list[Dossier]:  # noqa: F811
    """A: early everywhere, very satisfied. B: asked once for papers, the other agency and the
    leader late, closed on the appointment day; neutral, attitude satisfied. C: the leader
    late, closed late, dissatisfied with the staff."""
    a = walk(
        world,
        clock,
        Timeline(
            received=moment(0, 10, 0),  # Monday; due Monday (day 7) 10:00
            unit=moment(0, 11, 0),  # deadline Wednesday (day 2) 10:00: early
            other=moment(0, 14, 0),  # deadline Tuesday (day 1) 15:00: early
            approval=moment(0, 15, 0),  # deadline Tuesday (day 1) 9:00: early
            result=moment(0, 16, 0),
            returned=moment(0, 16, 30),  # early
            rating=(4, 4),
        ),
    )
    b = walk(
        world,
        clock,
        Timeline(
            received=moment(1, 10, 0),  # Tuesday; due Tuesday (day 8) 10:00
            supplements=1,
            unit=moment(1, 11, 0),  # early
            other=moment(3, 9, 0),  # deadline Wednesday (day 2) 16:00: late
            approval=moment(8, 9, 0),  # deadline Thursday (day 3) 14:00: late
            result=moment(8, 9, 30),  # on the appointment day, before 10:00: on time
            returned=moment(8, 9, 45),
            rating=(2, 3),
        ),
    )
    c = walk(
        world,
        clock,
        Timeline(
            received=moment(9, 10, 0),  # Wednesday; due Wednesday (day 16) 10:00
            unit=moment(9, 11, 0),  # early
            other=moment(9, 14, 0),  # deadline Thursday (day 10) 16:00: early
            approval=moment(17, 9, 0),  # deadline Thursday (day 10) 9:00: late
            result=moment(17, 10, 0),  # after the appointment: late
            returned=moment(17, 10, 30),
            rating=(1, 1),
        ),
    )
    assert [d.outcome for d in (a, b, c)] == [Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE]
    step_outcomes = [
        list(
            d.steps.filter(order__in=[2, 3, 4]).order_by("order").values_list("outcome", flat=True)
        )
        for d in (a, b, c)
    ]
    assert step_outcomes == [
        [Outcome.EARLY, Outcome.EARLY, Outcome.EARLY],
        [Outcome.EARLY, Outcome.LATE, Outcome.LATE],
        [Outcome.EARLY, Outcome.EARLY, Outcome.LATE],
    ]
    return [a, b, c]
