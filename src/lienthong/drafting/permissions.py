"""The access chokepoint for drafts: who sees a draft (404 for missing and forbidden alike)
and who may do what with it, in their own right or on behalf of someone who authorised them
(ủy quyền, Decree 30/2020 Điều 13)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Delegation, Unit, User
from lienthong.accounts.permissions import is_leader as is_leader  # moved to accounts
from lienthong.documents.permissions import can_register
from lienthong.signatures import engine
from lienthong.signatures.constants import PERSONAL_FIELD

from .constants import (
    EDITABLE_STATES,
    FINAL_STATES,
    FOR_HEAD_AUTHORITIES,
    SUBSTITUTABLE_AUTHORITIES,
    DraftAction,
    DraftState,
    SigningAuthority,
    StepKind,
    StepStatus,
)
from .models import Draft, DraftVersion, ReviewStep

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Acting:
    """Who acts, and for whom when they act by authorisation (None: in their own right)."""

    actor: User
    on_behalf_of: User | None = None


# --- Seeing ---------------------------------------------------------------------------------


def access_draft(user: User | AnonymousUser, pk: Any) -> Draft:
    try:
        return (
            Draft.objects.visible_to(user)
            .select_related(
                "agency",
                "drafting_unit",
                "document_type",
                "created_by",
                "signer__position",
                "on_behalf_of__position",
                "document",
            )
            .get(pk=pk)
        )
    except (Draft.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_draft_version(user: User | AnonymousUser, pk: Any) -> DraftVersion:
    try:
        version = DraftVersion.objects.select_related("blob").get(pk=pk)
    except (DraftVersion.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None
    access_draft(user, version.draft_id)
    return version


# --- Who is who ----------------------------------------------------------------------------------


def unit_leaders(unit: Unit | int) -> QuerySet[User]:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return User.objects.active().filter(unit_id=unit_id).with_role(Role.UNIT_LEADER)


def _same_agency(actor: Any, draft: Draft) -> bool:
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.agency_id is not None
        and actor.agency_id == draft.agency_id
    )


def _as_unit_leader(actor: User, unit_ids: set[int], when: datetime) -> tuple[Acting, int] | None:
    """Acting as the leader of one of `unit_ids`: in their own right, or by an authorisation
    in force from one of those units' leaders. Returns how, and which unit."""
    if actor.unit_id in unit_ids and actor.has_role(Role.UNIT_LEADER):
        return Acting(actor), actor.unit_id
    delegation = (
        Delegation.objects.active_at(when)
        .filter(
            delegate=actor,
            delegator__is_active=True,
            delegator__agency_id=actor.agency_id,  # type: ignore[misc]  # None: no match
            delegator__unit_id__in=unit_ids,
            delegator__role_grants__role=Role.UNIT_LEADER,
        )
        .select_related("delegator")
        .order_by("pk")
        .first()
    )
    if delegation is None or delegation.delegator.unit_id is None:
        return None
    return Acting(actor, delegation.delegator), delegation.delegator.unit_id


def _as_signer(actor: User, draft: Draft, when: datetime) -> Acting:
    authority = SigningAuthority(draft.signing_authority)
    if actor.pk == draft.signer_id:
        if authority == SigningAuthority.TUQ:
            in_force = (
                Delegation.objects.active_at(when)
                .filter(delegator_id=draft.on_behalf_of_id, delegate=actor)
                .exists()
            )
            if not in_force:
                raise PermissionDenied(
                    _(
                        "The authorisation (ủy quyền) to sign this draft is not in force now: "
                        "it is outside its period or revoked."
                    )
                )
        return Acting(actor, draft.on_behalf_of if authority in FOR_HEAD_AUTHORITIES else None)
    if authority in SUBSTITUTABLE_AUTHORITIES:
        delegation = (
            Delegation.objects.active_at(when)
            .filter(delegator_id=draft.signer_id, delegate=actor, delegator__is_active=True)
            .select_related("delegator")
            .first()
        )
        if delegation is not None:
            return Acting(actor, delegation.delegator)
    raise PermissionDenied(
        _("Only the designated signer, or whom they authorised for now, may sign this draft.")
    )


def _route_done(draft: Draft) -> bool:
    """The current round's unit review is approved and no comment is still awaited."""
    steps = ReviewStep.objects.filter(draft=draft, round=draft.round)
    approved = steps.filter(kind=StepKind.UNIT_REVIEW, status=StepStatus.DONE).exists()
    still_open = steps.filter(status__in=[StepStatus.WAITING, StepStatus.ACTIVE])
    return approved and not still_open.exists()


def active_comment_steps(draft: Draft) -> QuerySet[ReviewStep]:
    return ReviewStep.objects.filter(
        draft=draft, round=draft.round, kind=StepKind.COMMENT, status=StepStatus.ACTIVE
    )


def is_personally_signed(version: DraftVersion | None) -> bool:
    """The version is a PDF that carries the competent person's digital signature."""
    if version is None or version.blob.content_type != "application/pdf":
        return False
    with default_storage.open(version.blob.storage_name, "rb") as stored:
        data = stored.read()
    try:
        return PERSONAL_FIELD in engine.signer_fingerprints(data)
    except engine.PdfProblem:
        return False


# --- Deciding -------------------------------------------------------------------------------
#
# One rule per action, in two halves: who may do it (`_who_*`: returns how they act, or raises
# PermissionDenied) and in which state of the draft (`_state_*`: returns why not, or "").
# `authorise`, `check_state` and `require` raise (the services start with them); the
# `can_<verb>` predicates answer yes or no from the same rules (the pages and the API use them).

_EDITING = {DraftAction.EDIT, DraftAction.UPLOAD, DraftAction.SUBMIT}
_LEADING = {DraftAction.REVIEW, DraftAction.REQUEST_COMMENTS, DraftAction.SEND_TO_SIGNER}


def _state_editable(draft: Draft) -> str:
    if draft.state not in EDITABLE_STATES:
        return _("Only a draft being drafted or returned for revision can be changed.")
    return ""


def _state_in_review(draft: Draft) -> str:
    if draft.state != DraftState.IN_REVIEW:
        return _("This draft is not in review by the unit leader.")
    return ""


def _state_route_done(draft: Draft) -> str:
    if draft.state != DraftState.IN_REVIEW:
        return _("This draft is not in review by the unit leader.")
    if not _route_done(draft):
        return _("The unit leader has to approve the draft first.")
    return ""


def _state_awaiting_comments(draft: Draft) -> str:
    if draft.state != DraftState.AWAITING_COMMENTS:
        return _("No comments are awaited on this draft.")
    return ""


def _state_awaiting_signature(draft: Draft) -> str:
    if draft.state != DraftState.AWAITING_SIGNATURE:
        return _("This draft is not awaiting signature.")
    return ""


def _state_signable(draft: Draft) -> str:
    if draft.state != DraftState.APPROVED:
        return _("Only an approved draft awaiting issue can be signed here.")
    if is_personally_signed(draft.signed_version):
        return _("The approved version already carries the signer's digital signature.")
    return ""


def _state_withdrawable(draft: Draft) -> str:
    if draft.state in FINAL_STATES:
        return _("An issued or withdrawn draft cannot be withdrawn.")
    return ""


def _state_approved(draft: Draft) -> str:
    if draft.state != DraftState.APPROVED:
        return _("Only a draft approved by its signer can be issued.")
    return ""


_STATE_RULES: dict[DraftAction, Callable[[Draft], str]] = {
    DraftAction.EDIT: _state_editable,
    DraftAction.UPLOAD: _state_editable,
    DraftAction.SUBMIT: _state_editable,
    DraftAction.REVIEW: _state_in_review,
    DraftAction.REQUEST_COMMENTS: _state_route_done,
    DraftAction.COMMENT: _state_awaiting_comments,
    DraftAction.SEND_TO_SIGNER: _state_route_done,
    DraftAction.SIGN: _state_awaiting_signature,
    DraftAction.SIGN_DIGITALLY: _state_signable,
    DraftAction.WITHDRAW: _state_withdrawable,
    DraftAction.ISSUE: _state_approved,
}


def check_state(draft: Draft, action: DraftAction | str) -> None:
    """Raise ValidationError when the draft's state does not allow `action`."""
    message = _STATE_RULES[DraftAction(action)](draft)
    if message:
        raise ValidationError(message, code="state")


def _who_drafter(actor: User, draft: Draft, when: datetime) -> Acting:
    if actor.pk == draft.created_by_id:
        return Acting(actor)
    raise PermissionDenied(_("Only the drafter may change or submit this draft."))


def _who_unit_leader(actor: User, draft: Draft, when: datetime) -> Acting:
    found = _as_unit_leader(actor, {draft.drafting_unit_id}, when)
    if found is not None:
        return found[0]
    raise PermissionDenied(_("Only the leader of the drafting unit may do this."))


def _who_commenter(actor: User, draft: Draft, when: datetime) -> Acting:
    return comment_step_for(actor, draft, when=when)[1]


def _who_approver(actor: User, draft: Draft, when: datetime) -> Acting:
    # Ký số after an approval without it: only who approved, as they approved.
    if draft.signed_by_id is not None and actor.pk == draft.signed_by_id:
        return Acting(actor, draft.signed_on_behalf_of)
    raise PermissionDenied(_("Only who approved this draft may sign it digitally."))


def _who_withdrawer(actor: User, draft: Draft, when: datetime) -> Acting:
    if (
        actor.pk == draft.created_by_id
        or actor.has_role(Role.AGENCY_LEADER)
        or (actor.unit_id == draft.drafting_unit_id and actor.has_role(Role.UNIT_LEADER))
    ):
        return Acting(actor)
    raise PermissionDenied(
        _("Only the drafter or the leader of the drafting unit may withdraw this draft.")
    )


def _who_clerk(actor: User, draft: Draft, when: datetime) -> Acting:
    if can_register(actor):
        return Acting(actor)
    raise PermissionDenied(_("Only the agency's clerk (văn thư) may do this."))


_WHO_RULES: dict[DraftAction, Callable[[User, Draft, datetime], Acting]] = {
    DraftAction.EDIT: _who_drafter,
    DraftAction.UPLOAD: _who_drafter,
    DraftAction.SUBMIT: _who_drafter,
    DraftAction.REVIEW: _who_unit_leader,
    DraftAction.REQUEST_COMMENTS: _who_unit_leader,
    DraftAction.COMMENT: _who_commenter,
    DraftAction.SEND_TO_SIGNER: _who_unit_leader,
    DraftAction.SIGN: _as_signer,
    DraftAction.SIGN_DIGITALLY: _who_approver,
    DraftAction.WITHDRAW: _who_withdrawer,
    DraftAction.ISSUE: _who_clerk,
}


def authorise(
    actor: User, draft: Draft, action: DraftAction | str, *, when: datetime | None = None
) -> Acting:
    """Who may do `action` with `draft`, and for whom; PermissionDenied for anyone else.
    Officials of another agency are always refused."""
    action = DraftAction(action)
    if not _same_agency(actor, draft):
        raise PermissionDenied(_("This draft belongs to another agency."))
    assert isinstance(actor, User)
    return _WHO_RULES[action](actor, draft, when or timezone.now())


def comment_step_for(
    actor: User, draft: Draft, *, when: datetime | None = None
) -> tuple[ReviewStep, Acting]:
    """The open comment step `actor` answers (as its unit's leader or by authorisation)."""
    when = when or timezone.now()
    steps = {step.unit_id: step for step in active_comment_steps(draft) if step.unit_id}
    found = _as_unit_leader(actor, set(steps), when) if steps else None
    if found is None:
        raise PermissionDenied(_("No comment on this draft is awaited from your unit."))
    acting, unit_id = found
    return steps[unit_id], acting


def require(actor: User, draft: Draft, action: DraftAction | str) -> Acting:
    """The check every service starts with: the person, then the state."""
    acting = authorise(actor, draft, action)
    check_state(draft, action)
    return acting


# --- Predicates: may `user` do this with `draft` now? ---------------------------------------


def _allowed(user: User, draft: Draft, action: DraftAction) -> bool:
    """What `require` would say, as yes or no. The state is checked first (no query) except
    for signing digitally, whose state check reads the file: there the person goes first."""
    checks: list[Callable[[], object]] = [
        lambda: check_state(draft, action),
        lambda: authorise(user, draft, action),
    ]
    if action == DraftAction.SIGN_DIGITALLY:
        checks.reverse()
    try:
        for check in checks:
            check()
    except (PermissionDenied, ValidationError):
        return False
    return True


def can_edit(user: User, draft: Draft) -> bool:
    """Change the particulars: the drafter, while the draft is drafted or returned."""
    return _allowed(user, draft, DraftAction.EDIT)


def can_upload(user: User, draft: Draft) -> bool:
    """Upload a new version: the drafter, while the draft is drafted or returned."""
    return _allowed(user, draft, DraftAction.UPLOAD)


def can_submit(user: User, draft: Draft) -> bool:
    """Submit for review (trình): the drafter, while the draft is drafted or returned."""
    return _allowed(user, draft, DraftAction.SUBMIT)


def can_review(user: User, draft: Draft) -> bool:
    """Approve or return: the drafting unit's leader (or their delegate), in review."""
    return _allowed(user, draft, DraftAction.REVIEW)


def can_request_comments(user: User, draft: Draft) -> bool:
    """Ask other units for comments (xin ý kiến): the unit leader, once they approved."""
    return _allowed(user, draft, DraftAction.REQUEST_COMMENTS)


def can_comment(user: User, draft: Draft) -> bool:
    """Give a comment (góp ý): the leader of a unit whose comment is awaited now."""
    return _allowed(user, draft, DraftAction.COMMENT)


def can_send_to_signer(user: User, draft: Draft) -> bool:
    """Send to the signer (trình ký): the unit leader, once they approved."""
    return _allowed(user, draft, DraftAction.SEND_TO_SIGNER)


def can_sign(user: User, draft: Draft) -> bool:
    """Sign off or return (ký duyệt): the signer, or whom they authorised, awaiting signature."""
    return _allowed(user, draft, DraftAction.SIGN)


def can_sign_digitally(user: User, draft: Draft) -> bool:
    """Sign the approved version digitally (ký số): who approved it without signing."""
    return _allowed(user, draft, DraftAction.SIGN_DIGITALLY)


def can_withdraw(user: User, draft: Draft) -> bool:
    """Withdraw (rút): the drafter, the drafting unit's leader or an agency leader, before
    the draft is issued or withdrawn."""
    return _allowed(user, draft, DraftAction.WITHDRAW)


def can_issue(user: User, draft: Draft) -> bool:
    """Issue (phát hành): the agency's clerk, once the signer approved."""
    return _allowed(user, draft, DraftAction.ISSUE)


PREDICATES: dict[DraftAction, Callable[[User, Draft], bool]] = {
    DraftAction.EDIT: can_edit,
    DraftAction.UPLOAD: can_upload,
    DraftAction.SUBMIT: can_submit,
    DraftAction.REVIEW: can_review,
    DraftAction.REQUEST_COMMENTS: can_request_comments,
    DraftAction.COMMENT: can_comment,
    DraftAction.SEND_TO_SIGNER: can_send_to_signer,
    DraftAction.SIGN: can_sign,
    DraftAction.SIGN_DIGITALLY: can_sign_digitally,
    DraftAction.WITHDRAW: can_withdraw,
    DraftAction.ISSUE: can_issue,
}


def allowed_actions(user: User | None, draft: Draft) -> list[str]:
    """The actions `user` may take on `draft` now (what the pages and the API offer); none
    for no user."""
    if user is None:
        return []
    return [action.value for action in DraftAction if PREDICATES[action](user, draft)]
