"""The rules of `onestop.permissions` and the services agree: at every stage of a dossier's
walk, for every official and the applicant, an action the rule denies is refused by its
service (and changes nothing), and one it allows is carried out by the service. The dossier
page offers exactly the allowed actions, and the action posted is checked by its own rule."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from lienthong.accounts.models import User
from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier
from lienthong.onestop.permissions import (
    active_step,
    allowed_actions,
    can_rate,
    why_not_receive,
    why_not_stop,
)
from tests.onestop.conftest import World, filed_online, pdf_file

pytestmark = pytest.mark.django_db

USERS = (
    "counter",
    "leader",
    "bc_leader",
    "bc_handler",
    "vp_leader",
    "other_leader",
    "clerk",
    "outsider",
    "citizen",
)


def _stage(world: World, stage: str) -> Dossier:
    """An on-line dossier walked to `stage` with the services (real time, like the rules)."""
    w = world
    dossier = services.submit_dossier(actor=w.citizen, dossier=filed_online(w))
    if stage == "supplement_at_reception":
        services.request_supplement(actor=w.counter, dossier=dossier, items="Bản sao GCN")
    if stage in {"received", "assigned", "proposed", "stopped"}:
        services.receive_dossier(actor=w.counter, dossier=dossier)
    if stage in {"assigned", "proposed"}:
        step = active_step(dossier)
        assert step is not None
        services.assign_handler(actor=w.bc_leader, step=step, handler=w.bc_handler)
    if stage == "proposed":
        step = active_step(dossier)
        assert step is not None
        services.propose(actor=w.bc_handler, step=step, text="Đủ điều kiện")
    if stage == "stopped":
        services.refuse_dossier(actor=w.bc_leader, dossier=dossier, reason="Không đủ điều kiện")
    dossier.refresh_from_db()
    return dossier


def _calls(w: World) -> dict[str, Callable[[User, Dossier], Any]]:
    """Each action of the rules, carried out by its service with good input."""

    def on_step(call: Callable[..., Any], **kwargs: Any) -> Callable[[User, Dossier], Any]:
        def run(user: User, dossier: Dossier) -> Any:
            step = active_step(dossier)
            if step is None:  # what the page says when there is none
                raise ValidationError("no step in progress")
            return call(actor=user, step=step, **kwargs)

        return run

    def resubmit(user: User, dossier: Dossier) -> Any:
        services.add_component(actor=user, dossier=dossier, upload=pdf_file(), name="bs.pdf")
        return services.resubmit_dossier(actor=user, dossier=dossier)

    return {
        "receive": lambda u, d: services.receive_dossier(actor=u, dossier=d),
        "supplement": lambda u, d: services.request_supplement(actor=u, dossier=d, items="GCN"),
        "refuse|stop": lambda u, d: services.refuse_dossier(actor=u, dossier=d, reason="Thiếu"),
        "withdraw": lambda u, d: services.withdraw_dossier(actor=u, dossier=d),
        "upload": lambda u, d: services.add_component(
            actor=u, dossier=d, upload=pdf_file(), name="them.pdf"
        ),
        "resubmit": resubmit,
        "assign": on_step(services.assign_handler, handler=w.bc_handler),
        "consult": on_step(services.consult_unit, unit=w.vp, question="Ý kiến?"),
        "propose": on_step(services.propose, text="Đề xuất"),
        "approve": on_step(services.approve_step, note=""),
        "note": lambda u, d: services.add_note(actor=u, dossier=d, text="Ghi chú"),
        "apologise": lambda u, d: services.apologise(
            actor=u,
            dossier=d,
            reason="Cần xác minh thêm",
            new_due_at=(d.due_at or d.submitted_at) + timedelta(days=3),
        ),
        "return": lambda u, d: services.return_result(actor=u, dossier=d, channel="counter"),
        "rate": lambda u, d: services.rate_dossier(
            actor=u, dossier=d, satisfaction=4, staff_attitude=4
        ),
    }


class _Undo(Exception):
    """Rolls an accepted action back, so the next one starts from the same stage."""


def _accepted(call: Callable[[User, Dossier], Any], user: User, dossier: Dossier) -> bool:
    fresh = Dossier.objects.select_related("procedure", "agency").get(pk=dossier.pk)
    try:
        with transaction.atomic():
            call(user, fresh)
            raise _Undo
    except _Undo:
        return True
    except (PermissionDenied, ValidationError):
        return False


STAGES = ["submitted", "supplement_at_reception", "received", "assigned", "proposed", "stopped"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_rules_and_the_services_agree(world, stage, db_snapshot) -> None:
    dossier = _stage(world, stage)
    before = db_snapshot()
    disagreements, allowed_somewhere = [], set()
    for who in USERS:
        user = getattr(world, who)
        allowed = set(allowed_actions(user, dossier))
        if can_rate(user, dossier):
            allowed.add("rate")
        if allowed & {"refuse", "stop"}:  # one service: the counter's refusal or the stop
            allowed.add("refuse|stop")
        for action, call in _calls(world).items():
            expected = action in allowed
            allowed_somewhere |= {action} if expected else set()
            if _accepted(call, user, dossier) != expected:
                disagreements.append((who, action, "allowed" if expected else "denied"))
    assert disagreements == []
    assert db_snapshot() == before  # every attempt was refused or rolled back
    # Not vacuous: at each stage someone may act, and what is expected there is allowed.
    expected_somewhere = {
        "submitted": {"receive", "supplement", "refuse|stop", "withdraw", "note"},
        "supplement_at_reception": {"refuse|stop", "upload", "resubmit", "withdraw", "note"},
        "received": {"supplement", "refuse|stop", "assign", "apologise", "withdraw", "note"},
        "assigned": {"assign", "consult", "propose", "supplement", "refuse|stop", "apologise"},
        "proposed": {"approve", "refuse|stop", "note"},
        "stopped": {"rate", "note"},
    }[stage]
    assert expected_somewhere <= allowed_somewhere


def test_the_dossier_page_offers_the_allowed_actions_and_checks_the_one_posted(world) -> None:
    dossier = _stage(world, "submitted")
    client = Client()
    client.force_login(world.counter)
    page = client.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert {"receive", "supplement", "refuse", "note"} <= allowed_actions(world.counter, dossier)
    assert 'data-testid="receive"' in page and 'data-testid="refuse"' in page
    assert 'data-testid="approve"' not in page  # no step yet
    # "stop" is the step leader's: posted by the counter at reception it is refused, although
    # the same service would refuse the dossier (Mẫu 03) if "refuse" were posted.
    response = client.post(
        reverse("onestop:action", args=[dossier.pk, "stop"]), {"reason": "Thiếu"}, follow=True
    )
    refused = why_not_stop(world.counter, dossier)
    assert isinstance(refused, PermissionDenied)
    assert html.escape(str(refused)) in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    # A refusal names the reason the service gives.
    refusal = why_not_receive(world.clerk, dossier)
    assert isinstance(refusal, PermissionDenied)
    with pytest.raises(PermissionDenied, match=re.escape(str(refusal))):
        services.receive_dossier(actor=world.clerk, dossier=dossier)
