"""The access chokepoint for drafts: who sees a draft (404 for missing and forbidden alike)
and who may do what with it, in their own right or on behalf of someone who authorised them
(ủy quyền, Decree 30/2020 Điều 13)."""

from __future__ import annotations

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
from lienthong.documents.permissions import can_register

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


def is_leader(user: User) -> bool:
    """Holds a leadership position or role: may be chosen to sign."""
    return bool(
        user.is_active
        and (
            (user.position is not None and user.position.is_leadership)
            or user.has_role(Role.AGENCY_LEADER)
            or user.has_role(Role.UNIT_LEADER)
        )
    )


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
    from lienthong.signatures import engine
    from lienthong.signatures.constants import PERSONAL_FIELD

    if version is None or version.blob.content_type != "application/pdf":
        return False
    with default_storage.open(version.blob.storage_name, "rb") as stored:
        data = stored.read()
    try:
        return PERSONAL_FIELD in engine.signer_fingerprints(data)
    except engine.PdfProblem:
        return False


# --- Deciding -------------------------------------------------------------------------------


def check_state(draft: Draft, action: DraftAction | str) -> None:
    """Raise ValidationError when the draft's state does not allow `action`."""
    state = draft.state
    action = DraftAction(action)
    message = ""
    if action in {DraftAction.EDIT, DraftAction.UPLOAD, DraftAction.SUBMIT}:
        if state not in EDITABLE_STATES:
            message = _("Only a draft being drafted or returned for revision can be changed.")
    elif action == DraftAction.REVIEW:
        if state != DraftState.IN_REVIEW:
            message = _("This draft is not in review by the unit leader.")
    elif action in {DraftAction.REQUEST_COMMENTS, DraftAction.SEND_TO_SIGNER}:
        if state != DraftState.IN_REVIEW:
            message = _("This draft is not in review by the unit leader.")
        elif not _route_done(draft):
            message = _("The unit leader has to approve the draft first.")
    elif action == DraftAction.COMMENT:
        if state != DraftState.AWAITING_COMMENTS:
            message = _("No comments are awaited on this draft.")
    elif action == DraftAction.SIGN:
        if state != DraftState.AWAITING_SIGNATURE:
            message = _("This draft is not awaiting signature.")
    elif action == DraftAction.SIGN_DIGITALLY:
        if state != DraftState.APPROVED:
            message = _("Only an approved draft awaiting issue can be signed here.")
        elif is_personally_signed(draft.signed_version):
            message = _("The approved version already carries the signer's digital signature.")
    elif action == DraftAction.WITHDRAW:
        if state in FINAL_STATES:
            message = _("An issued or withdrawn draft cannot be withdrawn.")
    elif action == DraftAction.ISSUE and state != DraftState.APPROVED:
        message = _("Only a draft approved by its signer can be issued.")
    if message:
        raise ValidationError(message, code="state")


def authorise(
    actor: Any, draft: Draft, action: DraftAction | str, *, when: datetime | None = None
) -> Acting:
    """Who may do `action` with `draft`, and for whom; PermissionDenied for anyone else.
    Officials of another agency are always refused."""
    action = DraftAction(action)
    when = when or timezone.now()
    if not _same_agency(actor, draft):
        raise PermissionDenied(_("This draft belongs to another agency."))
    assert isinstance(actor, User)
    if action in {DraftAction.EDIT, DraftAction.UPLOAD, DraftAction.SUBMIT}:
        if actor.pk == draft.created_by_id:
            return Acting(actor)
        raise PermissionDenied(_("Only the drafter may change or submit this draft."))
    if action in {DraftAction.REVIEW, DraftAction.REQUEST_COMMENTS, DraftAction.SEND_TO_SIGNER}:
        found = _as_unit_leader(actor, {draft.drafting_unit_id}, when)
        if found is not None:
            return found[0]
        raise PermissionDenied(_("Only the leader of the drafting unit may do this."))
    if action == DraftAction.COMMENT:
        return comment_step_for(actor, draft, when=when)[1]
    if action == DraftAction.SIGN:
        return _as_signer(actor, draft, when)
    if action == DraftAction.SIGN_DIGITALLY:
        # Ký số after an approval without it: only who approved, as they approved.
        if draft.signed_by_id is not None and actor.pk == draft.signed_by_id:
            return Acting(actor, draft.signed_on_behalf_of)
        raise PermissionDenied(_("Only who approved this draft may sign it digitally."))
    if action == DraftAction.WITHDRAW:
        if (
            actor.pk == draft.created_by_id
            or actor.has_role(Role.AGENCY_LEADER)
            or (actor.unit_id == draft.drafting_unit_id and actor.has_role(Role.UNIT_LEADER))
        ):
            return Acting(actor)
        raise PermissionDenied(
            _("Only the drafter or the leader of the drafting unit may withdraw this draft.")
        )
    if action == DraftAction.ISSUE:
        if can_register(actor):
            return Acting(actor)
        raise PermissionDenied(_("Only the agency's clerk (văn thư) may do this."))
    raise PermissionDenied  # pragma: no cover - every action is handled above


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


def require(actor: Any, draft: Draft, action: DraftAction | str) -> Acting:
    """The check every service starts with: the person, then the state."""
    acting = authorise(actor, draft, action)
    check_state(draft, action)
    return acting


def allowed_actions(user: Any, draft: Draft) -> list[str]:
    """The actions `user` may take on `draft` now (what the pages and the API offer)."""
    allowed = []
    for action in DraftAction:
        try:
            if action == DraftAction.SIGN_DIGITALLY:  # the cheap check first: it reads the file
                authorise(user, draft, action)
                check_state(draft, action)
                allowed.append(action.value)
                continue
            check_state(draft, action)
            authorise(user, draft, action)
        except (PermissionDenied, ValidationError):
            continue
        allowed.append(action.value)
    return allowed
