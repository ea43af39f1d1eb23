"""Private helpers shared by the drafting use cases: locking, moving along the transition table,
history and audit, notices, stored files and versions, review steps, the signer's approval."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Delegation, User
from lienthong.core.audit import record_event
from lienthong.documents.models import AttachmentVersion, Blob
from lienthong.documents.uploads import CheckedFile, check_upload, storage_name, store_blob
from lienthong.notifications import services as notifications
from lienthong.notifications.constants import NotificationKind

from ..constants import (
    FOR_HEAD_AUTHORITIES,
    OPEN_STEP_STATUSES,
    TRANSITIONS,
    Decision,
    DraftState,
    EventKind,
    SigningAuthority,
    StepDecision,
    StepStatus,
)
from ..models import Draft, DraftEvent, DraftVersion, ReviewStep
from ..permissions import Acting, is_leader

T = TypeVar("T")


def _lock(draft: Draft) -> Draft:
    """The draft's row, locked for the rest of the transaction (states and steps race)."""
    return Draft.objects.select_for_update().get(pk=draft.pk)


def _move(draft: Draft, to: DraftState) -> str:
    """Change the state along the transition table; returns the state it left."""
    before = draft.state
    if to not in TRANSITIONS[DraftState(before)]:
        raise ValidationError(
            _("A draft cannot go from “%(from)s” to “%(to)s”.")
            % {"from": DraftState(before).label, "to": to.label},
            code="transition",
        )
    draft.state = to
    return before


def _record(
    draft: Draft,
    *,
    kind: EventKind,
    acting: Acting,
    from_state: str,
    comment: str = "",
    step: ReviewStep | None = None,
    version: DraftVersion | None = None,
    data: dict[str, Any] | None = None,
) -> DraftEvent:
    """Append to the draft's history and to the audit log, in the caller's transaction."""
    event = DraftEvent.objects.create(
        draft=draft,
        kind=kind,
        actor=acting.actor,
        on_behalf_of=acting.on_behalf_of,
        occurred_at=timezone.now(),
        from_state=from_state,
        to_state=draft.state,
        comment=comment,
        step=step,
        version=version,
    )
    record_event(
        action=f"draft.{kind.value}",
        actor=acting.actor,
        obj=draft,
        data={
            "from": from_state,
            "to": draft.state,
            "on_behalf_of": acting.on_behalf_of.pk if acting.on_behalf_of else None,
            "step": step.pk if step else None,
            "version": version.number if version else None,
            **(data or {}),
        },
    )
    return event


def _notify(
    recipients: Iterable[User], *, kind: NotificationKind, title: str, draft: Draft, actor: User
) -> None:
    people = [user for user in recipients if user.pk != actor.pk]
    if people:
        notifications.notify(
            recipients=people, kind=kind, title=title, url=draft.get_absolute_url(), actor=actor
        )


def _safe_file_name(name: str) -> str:
    """Only the last path component and printable characters (no traversal, no controls)."""
    base = name.replace("\\", "/").split("/")[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "du-thao"


def _blob_in_use(sha256: str) -> bool:
    return (
        DraftVersion.objects.filter(blob__sha256=sha256).exists()
        or AttachmentVersion.objects.filter(blob__sha256=sha256).exists()
    )


def _with_upload(upload: IO[bytes] | None, name: str, work: Callable[[Blob | None], T]) -> T:
    """Check the file (nothing written yet), then store it and run `work` in one transaction;
    a file stored for a transaction that failed is removed again."""
    checked: CheckedFile | None = check_upload(upload, name) if upload is not None else None
    created_file = False
    try:
        with transaction.atomic():
            blob = None
            if upload is not None and checked is not None:
                blob, created_file = store_blob(upload, checked)
            return work(blob)
    except BaseException:
        if created_file and checked is not None and not _blob_in_use(checked.sha256):
            default_storage.delete(storage_name(checked.sha256))
        raise


def _add_version(draft: Draft, *, blob: Blob, name: str, actor: User, note: str) -> DraftVersion:
    number = (draft.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return DraftVersion.objects.create(
        draft=draft,
        number=number,
        blob=blob,
        original_name=_safe_file_name(name),
        note=note.strip()[:500],
        uploaded_by=actor,
    )


def _latest_version(draft: Draft) -> DraftVersion | None:
    return draft.versions.order_by("-number").first()


def _next_order(draft: Draft) -> int:
    last = ReviewStep.objects.filter(draft=draft, round=draft.round).aggregate(last=Max("order"))
    return (last["last"] or 0) + 1


def _close_open_steps(draft: Draft) -> None:
    ReviewStep.objects.filter(draft=draft, status__in=OPEN_STEP_STATUSES).update(
        status=StepStatus.CANCELLED
    )


def _decide(
    step: ReviewStep, *, acting: Acting, decision: StepDecision, comment: str
) -> ReviewStep:
    step.status = StepStatus.DONE
    step.decision = decision
    step.comment = comment
    step.decided_by = acting.actor
    step.decided_on_behalf_of = acting.on_behalf_of
    step.decided_at = timezone.now()
    step.save(
        update_fields=[
            "status",
            "decision",
            "comment",
            "decided_by",
            "decided_on_behalf_of",
            "decided_at",
        ]
    )
    return step


def _require_comment(comment: str, message: str) -> str:
    text = comment.strip()
    if not text:
        raise ValidationError({"comment": [message]})
    if len(text) > 5000:
        raise ValidationError({"comment": [_("At most 5000 characters.")]})
    return text


def _decision(decision: Decision | str) -> Decision:
    try:
        return Decision(decision)
    except ValueError:
        raise ValidationError({"decision": [_("Approve or return.")]}) from None


def _validate_signing(
    *,
    agency: Agency,
    signer: User | None,
    signing_authority: str,
    on_behalf_of: User | None,
    when: datetime,
) -> dict[str, list[str]]:
    """Quyền hạn ký (Điều 13): the signer is a leader of the agency; KT., TUQ. and TL. name the
    head signed for; TUQ. needs a written authorisation from that head that is not over."""
    errors: dict[str, list[str]] = {}
    if signing_authority not in SigningAuthority.values:
        errors["signing_authority"] = [_("Unknown signing authority.")]
        return errors
    authority = SigningAuthority(signing_authority)
    if signer is None or signer.agency_id != agency.pk or not is_leader(signer):
        errors["signer"] = [_("The signer must be an active leader of this agency.")]
    if authority in FOR_HEAD_AUTHORITIES:
        if on_behalf_of is None:
            errors["on_behalf_of"] = [
                _("Say which head the signer signs for under %(prefix)s")
                % {"prefix": authority.prefix}
            ]
        elif (
            on_behalf_of.agency_id != agency.pk
            or not on_behalf_of.is_active
            or not on_behalf_of.has_role(Role.AGENCY_LEADER)
        ):
            errors["on_behalf_of"] = [_("The head signed for must be a leader of this agency.")]
        elif signer is not None and on_behalf_of.pk == signer.pk:
            errors["on_behalf_of"] = [_("The signer cannot sign for themselves.")]
        elif authority == SigningAuthority.TUQ and signer is not None:
            authorised = Delegation.objects.filter(
                delegator=on_behalf_of, delegate=signer, revoked_at__isnull=True, ends_at__gt=when
            ).exists()
            if not authorised:
                errors["signing_authority"] = [
                    _(
                        "TUQ. needs a written authorisation (ủy quyền) from the head to the "
                        "signer that is not over."
                    )
                ]
    elif on_behalf_of is not None:
        errors["on_behalf_of"] = [_("Only KT., TUQ. and TL. signatures are for a head.")]
    return errors


def _return_to_drafter(draft: Draft, *, acting: Acting) -> None:
    _notify(
        [draft.created_by],
        kind=NotificationKind.RETURNED,
        title=_("Draft returned for revision: %(subject)s") % {"subject": draft.subject},
        draft=draft,
        actor=acting.actor,
    )


def _approve(
    locked: Draft,
    *,
    acting: Acting,
    step: ReviewStep | None,
    final: DraftVersion,
    comment: str,
    data: dict[str, Any],
) -> None:
    """The signer's approval (ký duyệt), however it was signed: the signature step decided,
    who signed in what capacity recorded, the draft approved and the clerks told."""
    actor = acting.actor
    if step is not None:
        _decide(step, acting=acting, decision=StepDecision.SIGNED, comment=comment)
    substituted = actor.pk != locked.signer_id
    locked.signed_by = actor
    locked.signed_on_behalf_of = acting.on_behalf_of
    locked.signed_authority = SigningAuthority.TUQ if substituted else locked.signing_authority
    locked.signed_at = timezone.now()
    locked.signed_version = final
    before = _move(locked, DraftState.APPROVED)
    locked.save()
    _record(
        locked,
        kind=EventKind.SIGNED,
        acting=acting,
        from_state=before,
        comment=comment,
        step=step,
        version=final,
        data={"authority": locked.signed_authority, "substituted": substituted} | data,
    )
    clerks = User.objects.active().filter(agency_id=locked.agency_id).with_role(Role.CLERK)
    _notify(
        clerks,
        kind=NotificationKind.DRAFT_AWAITING_REVIEW,
        title=_("Draft approved, awaiting issue: %(subject)s") % {"subject": locked.subject},
        draft=locked,
        actor=actor,
    )


def _store_bytes(data: bytes, name: str, created: list[str]) -> Blob:
    """Store generated bytes as a checked blob; a new file's hash goes to `created` so the
    caller can remove it again if its transaction fails."""
    upload = io.BytesIO(data)
    checked = check_upload(upload, name)
    blob, is_new = store_blob(upload, checked)
    if is_new:
        created.append(checked.sha256)
    return blob


def _forget_files(created: list[str]) -> None:
    for sha256 in created:
        if not _blob_in_use(sha256):
            default_storage.delete(storage_name(sha256))
