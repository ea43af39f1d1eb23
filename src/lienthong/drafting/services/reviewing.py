"""The route of a draft before signature (Decree 30/2020, Điều 12): submitting to the drafting
unit's leader, the leader's review, asking other units for comments, their comments, and
sending the approved draft to its signer."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Unit, User
from lienthong.notifications.constants import NotificationKind

from ..constants import (
    Decision,
    DraftAction,
    DraftState,
    EventKind,
    StepDecision,
    StepKind,
    StepMode,
    StepStatus,
)
from ..models import Draft, ReviewStep
from ..permissions import active_comment_steps, comment_step_for, require, unit_leaders
from ._common import (
    _close_open_steps,
    _decide,
    _decision,
    _latest_version,
    _lock,
    _move,
    _next_order,
    _notify,
    _record,
    _require_comment,
    _return_to_drafter,
    _validate_signing,
)


@transaction.atomic
def submit_for_review(*, actor: User, draft: Draft, comment: str = "") -> Draft:
    """Trình: the drafter sends the draft to the drafting unit's leader (a new review round)."""
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.SUBMIT)
    if _latest_version(draft) is None:
        raise ValidationError(_("Upload the draft's file before submitting it."), code="no_file")
    errors = _validate_signing(
        agency=draft.agency,
        signer=draft.signer,
        signing_authority=draft.signing_authority,
        on_behalf_of=draft.on_behalf_of,
        when=timezone.now(),
    )
    if errors:
        raise ValidationError(errors)
    leaders = list(unit_leaders(draft.drafting_unit_id))
    if not leaders:
        raise ValidationError(
            _("The drafting unit has no leader to review the draft."), code="no_leader"
        )
    before = _move(draft, DraftState.IN_REVIEW)
    draft.round += 1
    draft.save(update_fields=["state", "round", "updated_at"])
    step = ReviewStep.objects.create(
        draft=draft,
        round=draft.round,
        order=1,
        kind=StepKind.UNIT_REVIEW,
        unit_id=draft.drafting_unit_id,
        status=StepStatus.ACTIVE,
        request_note=comment.strip()[:1000],
    )
    _record(
        draft,
        kind=EventKind.SUBMITTED,
        acting=acting,
        from_state=before,
        comment=comment.strip(),
        step=step,
        data={"round": draft.round},
    )
    _notify(
        leaders,
        kind=NotificationKind.DRAFT_AWAITING_REVIEW,
        title=_("Draft awaiting your review: %(subject)s") % {"subject": draft.subject},
        draft=draft,
        actor=actor,
    )
    return draft


@transaction.atomic
def review(*, actor: User, draft: Draft, decision: Decision | str, comment: str = "") -> Draft:
    """The drafting unit's leader approves the content (Điều 12) or returns the draft with
    comments. After approval the leader asks other units for comments or sends it to the
    signer; once comments are in, the leader may still return it."""
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.REVIEW)
    chosen = _decision(decision)
    step = ReviewStep.objects.filter(
        draft=draft, round=draft.round, kind=StepKind.UNIT_REVIEW, status=StepStatus.ACTIVE
    ).first()
    if chosen == Decision.APPROVE:
        if step is None:
            raise ValidationError(_("The unit leader has already approved this draft."))
        _decide(step, acting=acting, decision=StepDecision.APPROVED, comment=comment.strip())
        draft.save(update_fields=["updated_at"])
        _record(
            draft,
            kind=EventKind.REVIEW_APPROVED,
            acting=acting,
            from_state=draft.state,
            comment=comment.strip(),
            step=step,
        )
        return draft
    text = _require_comment(comment, _("Say what has to be revised."))
    if step is not None:
        _decide(step, acting=acting, decision=StepDecision.RETURNED, comment=text)
    before = _move(draft, DraftState.RETURNED)
    _close_open_steps(draft)
    draft.save(update_fields=["state", "updated_at"])
    _record(
        draft, kind=EventKind.RETURNED, acting=acting, from_state=before, comment=text, step=step
    )
    _return_to_drafter(draft, acting=acting)
    return draft


@transaction.atomic
def request_comments(
    *,
    actor: User,
    draft: Draft,
    units: Sequence[Unit],
    mode: StepMode | str = StepMode.PARALLEL,
    note: str = "",
) -> Draft:
    """Xin ý kiến: ask the leaders of other units of the agency for comments, all at once
    (parallel) or one after another in the order given (sequential)."""
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.REQUEST_COMMENTS)
    if mode not in StepMode.values:
        raise ValidationError({"mode": [_("Choose parallel or sequential.")]})
    chosen: list[Unit] = []
    for unit in units:
        if unit.pk not in {u.pk for u in chosen}:
            chosen.append(unit)
    if not chosen:
        raise ValidationError({"units": [_("Choose at least one unit.")]})
    leaders: dict[int, list[User]] = {}
    for unit in chosen:
        if unit.agency_id != draft.agency_id or not unit.is_active:
            raise ValidationError({"units": [_("Choose active units of this agency.")]})
        if unit.pk == draft.drafting_unit_id:
            raise ValidationError({"units": [_("The drafting unit cannot comment on itself.")]})
        leaders[unit.pk] = list(unit_leaders(unit))
        if not leaders[unit.pk]:
            raise ValidationError(
                {"units": [_("“%(unit)s” has no leader to comment.") % {"unit": unit.name}]}
            )
    first = _next_order(draft)
    parallel = mode == StepMode.PARALLEL
    steps = ReviewStep.objects.bulk_create(
        [
            ReviewStep(
                draft=draft,
                round=draft.round,
                order=first if parallel else first + index,
                kind=StepKind.COMMENT,
                mode=mode,
                unit=unit,
                status=StepStatus.ACTIVE if parallel or index == 0 else StepStatus.WAITING,
                request_note=note.strip()[:1000],
            )
            for index, unit in enumerate(chosen)
        ]
    )
    before = _move(draft, DraftState.AWAITING_COMMENTS)
    draft.save(update_fields=["state", "updated_at"])
    _record(
        draft,
        kind=EventKind.COMMENTS_REQUESTED,
        acting=acting,
        from_state=before,
        comment=note.strip(),
        data={"units": [unit.pk for unit in chosen], "mode": str(mode)},
    )
    title = _("Your comments are asked on a draft: %(subject)s") % {"subject": draft.subject}
    for step in steps:
        if step.status == StepStatus.ACTIVE and step.unit_id is not None:
            _notify(
                leaders[step.unit_id],
                kind=NotificationKind.DRAFT_AWAITING_REVIEW,
                title=title,
                draft=draft,
                actor=actor,
            )
    return draft


@transaction.atomic
def give_comment(*, actor: User, draft: Draft, comment: str) -> Draft:
    """Góp ý: the leader of a unit asked for comments gives them. When the last comment is in,
    the draft goes back to the drafting unit's leader."""
    draft = _lock(draft)
    require(actor, draft, DraftAction.COMMENT)
    step, acting = comment_step_for(actor, draft)
    text = _require_comment(comment, _("Write your comment."))
    _decide(step, acting=acting, decision=StepDecision.COMMENTED, comment=text)
    before = draft.state
    next_leaders: list[User] = []
    if not active_comment_steps(draft).exists():
        waiting = ReviewStep.objects.filter(
            draft=draft, round=draft.round, status=StepStatus.WAITING
        ).order_by("order")
        following = waiting.first()
        if following is not None:
            ReviewStep.objects.filter(
                draft=draft, round=draft.round, status=StepStatus.WAITING, order=following.order
            ).update(status=StepStatus.ACTIVE)
            for unit_id in active_comment_steps(draft).values_list("unit_id", flat=True):
                next_leaders += list(unit_leaders(unit_id))
        else:
            _move(draft, DraftState.IN_REVIEW)
    draft.save(update_fields=["state", "updated_at"])
    _record(
        draft, kind=EventKind.COMMENTED, acting=acting, from_state=before, comment=text, step=step
    )
    if next_leaders:
        _notify(
            next_leaders,
            kind=NotificationKind.DRAFT_AWAITING_REVIEW,
            title=_("Your comments are asked on a draft: %(subject)s") % {"subject": draft.subject},
            draft=draft,
            actor=actor,
        )
    elif draft.state == DraftState.IN_REVIEW:
        _notify(
            unit_leaders(draft.drafting_unit_id),
            kind=NotificationKind.DRAFT_AWAITING_REVIEW,
            title=_("Comments are in on a draft: %(subject)s") % {"subject": draft.subject},
            draft=draft,
            actor=actor,
        )
    return draft


@transaction.atomic
def send_to_signer(*, actor: User, draft: Draft, comment: str = "") -> Draft:
    """Trình ký: the drafting unit's leader sends the approved draft to its signer."""
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.SEND_TO_SIGNER)
    errors = _validate_signing(
        agency=draft.agency,
        signer=draft.signer,
        signing_authority=draft.signing_authority,
        on_behalf_of=draft.on_behalf_of,
        when=timezone.now(),
    )
    if errors:
        raise ValidationError(errors)
    step = ReviewStep.objects.create(
        draft=draft,
        round=draft.round,
        order=_next_order(draft),
        kind=StepKind.SIGNATURE,
        assignee=draft.signer,
        status=StepStatus.ACTIVE,
        request_note=comment.strip()[:1000],
    )
    before = _move(draft, DraftState.AWAITING_SIGNATURE)
    draft.save(update_fields=["state", "updated_at"])
    _record(
        draft,
        kind=EventKind.SENT_TO_SIGNER,
        acting=acting,
        from_state=before,
        comment=comment.strip(),
        step=step,
    )
    _notify(
        [draft.signer],
        kind=NotificationKind.DRAFT_AWAITING_REVIEW,
        title=_("Draft awaiting your signature: %(subject)s") % {"subject": draft.subject},
        draft=draft,
        actor=actor,
    )
    return draft
