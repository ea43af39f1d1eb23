"""The `can_<verb>` predicates the pages use agree with the services: at each stage of a draft's
route, for each official and each action, the predicate denies exactly when the service
refuses (PermissionDenied, or a ValidationError about the state), and allows exactly when the
service gets past its check. Each service call is rolled back, so one draft serves the table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lienthong.drafting import services
from lienthong.drafting.constants import DraftAction, DraftState
from lienthong.drafting.models import Draft
from lienthong.drafting.permissions import (
    PREDICATES,
    allowed_actions,
    can_comment,
    can_edit,
    can_issue,
    can_request_comments,
    can_review,
    can_send_to_signer,
    can_sign,
    can_sign_digitally,
    can_submit,
    can_upload,
    can_withdraw,
)
from tests.drafting.conftest import docx, reload, upload


class RolledBack(Exception):
    pass


def _attempt(draft: Draft, person: Any, call: Callable[[Any, Draft], Any]) -> str:
    """'refused' (not this person, or not in this state), else 'accepted' — whatever the
    service did is rolled back."""
    try:
        with transaction.atomic():
            call(person, reload(draft))
            raise RolledBack
    except PermissionDenied:
        return "refused"
    except ValidationError as exc:
        if getattr(exc, "code", None) == "state":
            return "refused"
        # Past the check, something else was wrong (e.g. no signing certificate on file).
        return "accepted"
    except RolledBack:
        return "accepted"


def _service_calls(org) -> dict[DraftAction, Callable[[Any, Draft], Any]]:
    """Each action with valid input, so only who acts and the state can make it fail."""
    return {
        DraftAction.EDIT: lambda a, d: services.update_draft(actor=a, draft=d, subject="Sửa"),
        DraftAction.UPLOAD: lambda a, d: services.upload_version(
            actor=a, draft=d, upload=upload(docx("Bản mới")), name="ban-moi.docx"
        ),
        DraftAction.SUBMIT: lambda a, d: services.submit_for_review(actor=a, draft=d),
        DraftAction.REVIEW: lambda a, d: services.review(
            actor=a, draft=d, decision="return", comment="Sửa Điều 2"
        ),
        DraftAction.REQUEST_COMMENTS: lambda a, d: services.request_comments(
            actor=a, draft=d, units=[org.support]
        ),
        DraftAction.COMMENT: lambda a, d: services.give_comment(
            actor=a, draft=d, comment="Nhất trí"
        ),
        DraftAction.SEND_TO_SIGNER: lambda a, d: services.send_to_signer(actor=a, draft=d),
        DraftAction.SIGN: lambda a, d: services.sign_off(
            actor=a, draft=d, decision="return", comment="Sửa lại"
        ),
        DraftAction.SIGN_DIGITALLY: lambda a, d: services.sign_draft(
            actor=a, draft=d, secret="mat-khau"
        ),
        DraftAction.WITHDRAW: lambda a, d: services.withdraw(
            actor=a, draft=d, reason="Không ban hành nữa"
        ),
        DraftAction.ISSUE: lambda a, d: services.issue_draft(actor=a, draft=d),
    }


def _to(stage: str, org, draft: Draft) -> Draft:
    """Move the draft along the route up to `stage`."""
    steps: list[Callable[[], Any]] = [
        lambda: services.submit_for_review(actor=org.specialist, draft=draft),
        lambda: services.review(actor=org.unit_leader, draft=draft, decision="approve"),
        lambda: services.request_comments(actor=org.unit_leader, draft=draft, units=[org.outreach]),
        lambda: services.give_comment(actor=org.outreach_leader, draft=draft, comment="Được"),
        lambda: services.send_to_signer(actor=org.unit_leader, draft=draft),
        lambda: services.sign_off(actor=org.director, draft=draft, decision="approve"),
    ]
    count = {
        "drafting": 0,
        "in_review": 1,
        "approved_by_unit": 2,
        "awaiting_comments": 3,
        "awaiting_signature": 5,
        "approved": 6,
    }[stage]
    for step in steps[:count]:
        step()
    return reload(draft)


STAGES = [
    ("drafting", DraftState.DRAFTING),
    ("in_review", DraftState.IN_REVIEW),
    ("approved_by_unit", DraftState.IN_REVIEW),
    ("awaiting_comments", DraftState.AWAITING_COMMENTS),
    ("awaiting_signature", DraftState.AWAITING_SIGNATURE),
    ("approved", DraftState.APPROVED),
]


@pytest.mark.parametrize(("stage", "state"), STAGES)
def test_predicates_and_services_agree(org, make_draft, stage, state) -> None:
    draft = _to(stage, org, make_draft())
    assert draft.state == state
    people = {
        "drafter": org.specialist,
        "colleague": org.other_specialist,
        "unit leader": org.unit_leader,
        "asked unit leader": org.outreach_leader,
        "signer": org.director,
        "clerk": org.clerk,
        "other agency": org.snv_leader,
    }
    calls = _service_calls(org)
    disagreements = []
    allowed_somewhere = set()
    for who, person in people.items():
        offered = allowed_actions(person, draft)
        for action, call in calls.items():
            predicate = PREDICATES[action](person, draft)
            assert predicate == (action.value in offered)
            service = _attempt(draft, person, call)
            if predicate != (service == "accepted"):
                disagreements.append((who, action.value, predicate, service))
            if predicate:
                allowed_somewhere.add(action)
    assert disagreements == []
    assert allowed_somewhere  # every stage lets someone act: the table is not all refusals


def test_each_action_has_its_predicate_and_each_is_allowed_to_its_holder(org, make_draft) -> None:
    assert set(PREDICATES) == set(DraftAction)
    draft = make_draft()
    assert can_edit(org.specialist, draft) and can_upload(org.specialist, draft)
    assert can_submit(org.specialist, draft) and can_withdraw(org.specialist, draft)
    assert not can_edit(org.unit_leader, draft) and not can_review(org.unit_leader, draft)
    draft = _to("approved_by_unit", org, draft)
    assert can_review(org.unit_leader, draft)
    assert can_request_comments(org.unit_leader, draft)
    assert can_send_to_signer(org.unit_leader, draft)
    assert not can_submit(org.specialist, draft)
    services.request_comments(actor=org.unit_leader, draft=draft, units=[org.outreach])
    draft = reload(draft)
    assert can_comment(org.outreach_leader, draft) and not can_comment(org.support_leader, draft)
    services.give_comment(actor=org.outreach_leader, draft=draft, comment="Được")
    services.send_to_signer(actor=org.unit_leader, draft=reload(draft))
    draft = reload(draft)
    assert can_sign(org.director, draft) and not can_sign(org.deputy, draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    draft = reload(draft)
    assert can_sign_digitally(org.director, draft) and not can_sign_digitally(org.clerk, draft)
    assert can_issue(org.clerk, draft) and not can_issue(org.snv_clerk, draft)
