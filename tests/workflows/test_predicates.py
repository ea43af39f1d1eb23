"""The `can_<verb>` predicates the document panel uses agree with the services: for each
official and each action, at each stage of an incoming document's processing, the predicate
denies exactly when the service refuses (PermissionDenied, or the assignment is finished or not
a unit's), and allows exactly when the service gets past its check. Each call is rolled back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lienthong.workflows import services
from lienthong.workflows.constants import AssignmentRole
from lienthong.workflows.models import Assignment
from lienthong.workflows.permissions import (
    can_act_on,
    can_assign,
    can_complete,
    can_present,
    can_reassign,
    can_record_progress,
    can_return,
)
from lienthong.workflows.services import Assignee

LEAD, SUPPORT = AssignmentRole.LEAD, AssignmentRole.SUPPORT

# What a service says when the assignment's state or kind, not the person, rules the action out.
STATE_REFUSALS = {
    "This assignment is finished.",
    "Only work given to a unit is handed on to its people.",
}


class RolledBack(Exception):
    pass


def _attempt(call: Callable[[], Any]) -> str:
    try:
        with transaction.atomic():
            call()
            raise RolledBack
    except PermissionDenied:
        return "refused"
    except ValidationError as exc:
        return "refused" if STATE_REFUSALS & set(exc.messages) else "accepted"
    except RolledBack:
        return "accepted"


def _people(p) -> dict[str, Any]:
    return {
        "leader": p.leader,
        "deputy": p.deputy,
        "lead unit's head": p.legal_head,
        "support unit's head": p.admin_head,
        "specialist": p.specialist,
        "other unit's specialist": p.other_specialist,
        "clerk": p.clerk,
        "other agency": p.outsider,
    }


def _disagreements(checks: list[tuple[str, Callable[[Any], bool], Callable[[Any], Any]]], p):
    found = []
    allowed = 0
    for who, person in _people(p).items():
        for name, predicate, call in checks:
            says = predicate(person)
            does = _attempt(lambda c=call, u=person: c(u))
            allowed += says
            if says != (does == "accepted"):
                found.append((who, name, says, does))
    return found, allowed


@pytest.mark.parametrize("stage", ["registered", "assigned"])
def test_document_predicates_agree_with_the_services(people, incoming, stage) -> None:
    p = people
    document = incoming()
    if stage == "assigned":
        services.assign(
            actor=p.leader, document=document, assignees=[Assignee(role=LEAD, unit=p.legal)]
        )
    role, unit = (SUPPORT, p.admin_unit) if stage == "assigned" else (LEAD, p.legal)
    checks = [
        (
            "present",
            lambda u: can_present(u, document),
            lambda u: services.present_to_leader(actor=u, document=document, leader=p.leader),
        ),
        (
            "assign",
            lambda u: can_assign(u, document),
            lambda u: services.assign(
                actor=u, document=document, assignees=[Assignee(role=role, unit=unit)]
            ),
        ),
    ]
    found, allowed = _disagreements(checks, p)
    assert found == []
    assert allowed == 2  # the clerk presents, the leader assigns


def _assignment_checks(assignment: Assignment, p) -> list[Any]:
    def fresh() -> Assignment:
        return Assignment.objects.get(pk=assignment.pk)

    return [
        (
            "record_progress",
            lambda u: can_record_progress(u, fresh()),
            lambda u: services.record_progress(actor=u, assignment=fresh(), note="Đang soạn"),
        ),
        (
            "complete",
            lambda u: can_complete(u, fresh()),
            lambda u: services.complete(actor=u, assignment=fresh(), note="Xong"),
        ),
        (
            "return",
            lambda u: can_return(u, fresh()),
            lambda u: services.return_document(actor=u, assignment=fresh(), reason="Sai đơn vị"),
        ),
        (
            "reassign",
            lambda u: can_reassign(u, fresh()),
            lambda u: services.reassign(
                actor=u, assignment=fresh(), assignees=[Assignee(role=LEAD, user=p.specialist2)]
            ),
        ),
    ]


@pytest.mark.parametrize("stage", ["open", "in_progress", "handed_on", "completed"])
def test_assignment_predicates_agree_with_the_services(people, incoming, stage) -> None:
    p = people
    (unit_work, person_work) = services.assign(
        actor=p.leader,
        document=incoming(),
        assignees=[Assignee(role=LEAD, unit=p.legal), Assignee(role=SUPPORT, user=p.specialist)],
    )
    if stage == "in_progress":
        services.record_progress(actor=p.legal_head, assignment=unit_work, note="Đã nhận")
        services.record_progress(actor=p.specialist, assignment=person_work, note="Đã nhận")
    if stage == "handed_on":
        services.reassign(
            actor=p.legal_head,
            assignment=unit_work,
            assignees=[Assignee(role=LEAD, user=p.specialist)],
        )
    if stage == "completed":
        services.complete(actor=p.legal_head, assignment=unit_work)
        services.complete(actor=p.specialist, assignment=person_work)
    found, allowed = _disagreements(
        _assignment_checks(unit_work, p) + _assignment_checks(person_work, p), p
    )
    assert found == []
    if stage == "completed":
        assert allowed == 0
    else:  # the unit's head acts on the unit's work (and hands it on), the specialist on theirs
        assert allowed == 4 + 3
        assert can_act_on(p.legal_head, unit_work) and can_act_on(p.specialist, person_work)
