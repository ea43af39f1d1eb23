"""State-changing use cases of drafts, from the first version to the issued document
(Decree 30/2020, Điều 10 to 14). Each one checks who acts and the draft's state, changes it
along the transition table, appends to the draft's history, writes the audit event and
notifies whoever acts next — in one transaction.

Services that take a file check it before anything is written and store it content-addressed
(documents.uploads); if the transaction fails, a newly stored file is removed again."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Delegation, Unit, User
from lienthong.core.audit import record_event
from lienthong.documents import services as documents
from lienthong.documents.constants import Confidentiality, Direction, DocumentStatus, Urgency
from lienthong.documents.models import (
    AttachmentVersion,
    Blob,
    Document,
    DocumentType,
    NumberAllocation,
)
from lienthong.documents.uploads import CheckedFile, check_upload, storage_name, store_blob
from lienthong.notifications import services as notifications
from lienthong.notifications.constants import NotificationKind

from .constants import (
    FOR_HEAD_AUTHORITIES,
    OPEN_STEP_STATUSES,
    TRANSITIONS,
    Decision,
    DraftAction,
    DraftState,
    EventKind,
    SigningAuthority,
    StepDecision,
    StepKind,
    StepMode,
    StepStatus,
)
from .models import Draft, DraftEvent, DraftVersion, ReviewStep
from .permissions import (
    Acting,
    active_comment_steps,
    authorise,
    comment_step_for,
    is_leader,
    is_personally_signed,
    require,
    unit_leaders,
)

T = TypeVar("T")

# The particulars of a draft that `update_draft` may change.
EDITABLE_FIELDS = {
    "document_type",
    "subject",
    "urgency",
    "confidentiality",
    "recipient_agencies",
    "external_recipients",
    "signer",
    "signing_authority",
    "on_behalf_of",
}


# --- Helpers -------------------------------------------------------------------------------------


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


# --- Particulars ---------------------------------------------------------------------------------


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


def _validate_particulars(
    *,
    agency: Agency,
    document_type: DocumentType,
    subject: str,
    urgency: int,
    confidentiality: int,
    recipient_agencies: Sequence[Agency],
    external_recipients: str,
    signer: User | None,
    signing_authority: str,
    on_behalf_of: User | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not document_type.is_active or document_type.is_copy_kind:
        errors["document_type"] = [_("Choose a document type in use (not a copy kind).")]
    if not subject.strip():
        errors["subject"] = [_("The subject (trích yếu) is required.")]
    elif len(subject.strip()) > 500:
        errors["subject"] = [_("The subject is at most 500 characters.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Unknown urgency.")]
    if confidentiality not in Confidentiality.values:
        errors["confidentiality"] = [_("Unknown confidentiality level.")]
    if any(r.pk == agency.pk for r in recipient_agencies):
        errors["recipient_agencies"] = [_("An agency does not send a document to itself.")]
    elif any(not r.is_active for r in recipient_agencies):
        errors["recipient_agencies"] = [_("A recipient agency is no longer active.")]
    elif not recipient_agencies and not external_recipients.strip():
        errors["recipient_agencies"] = [_("Choose at least one recipient.")]
    if len(external_recipients.strip()) > 1000:
        errors["external_recipients"] = [_("At most %(limit)s characters.") % {"limit": 1000}]
    errors.update(
        _validate_signing(
            agency=agency,
            signer=signer,
            signing_authority=signing_authority,
            on_behalf_of=on_behalf_of,
            when=timezone.now(),
        )
    )
    if errors:
        raise ValidationError(errors)


def can_be_replied_to(document: Document, *, agency_id: int) -> bool:
    """A reply answers a registered incoming document of the agency: never one recalled by its
    sender, returned to it or not yet registered."""
    return (
        document.agency_id == agency_id
        and document.direction == Direction.INCOMING
        and document.status == DocumentStatus.REGISTERED
    )


def create_draft(
    *,
    actor: User,
    document_type: DocumentType,
    subject: str,
    signer: User,
    signing_authority: SigningAuthority | str = SigningAuthority.NONE,
    on_behalf_of: User | None = None,
    urgency: int = Urgency.NORMAL,
    confidentiality: int = Confidentiality.NONE,
    recipient_agencies: Iterable[Agency] = (),
    external_recipients: str = "",
    drafting_unit: Unit | None = None,
    upload: IO[bytes] | None = None,
    file_name: str = "",
    note: str = "",
    replaces: Document | None = None,
    replies_to: Document | None = None,
) -> Draft:
    """Start a dự thảo in the drafter's unit, optionally with its first version. With
    `replies_to`, it answers a registered incoming document of the agency (văn bản trả lời). With
    `replaces`, it is a văn bản thay thế: the correction of an issued document of the agency,
    which goes through review, signature and issue like any draft; issuing it recalls the
    document it replaces (documents are final once issued: they are corrected this way, not by
    changing their files)."""
    if not (actor.is_authenticated and actor.is_active and actor.agency_id):
        raise PermissionDenied(_("Only an official of an agency may draft documents."))
    agency = actor.agency
    assert agency is not None
    unit = drafting_unit or actor.unit
    if unit is None or unit.agency_id != agency.pk or not unit.is_active:
        raise ValidationError({"drafting_unit": [_("Choose an active unit of your agency.")]})
    if unit.pk != actor.unit_id and not actor.has_role(Role.AGENCY_LEADER):
        raise PermissionDenied(_("You may draft only for your own unit."))
    recipients = list(recipient_agencies)
    authority = str(signing_authority)
    if replaces is not None and (
        replaces.agency_id != agency.pk
        or replaces.direction != Direction.OUTGOING
        or replaces.status != DocumentStatus.ISSUED
    ):
        raise ValidationError(
            {"replaces": [_("Only an issued document of your agency can be replaced.")]}
        )
    if replies_to is not None and not can_be_replied_to(replies_to, agency_id=agency.pk):
        raise ValidationError(
            {
                "replies_to": [
                    _("Only a registered incoming document of your agency can be answered.")
                ]
            }
        )
    _validate_particulars(
        agency=agency,
        document_type=document_type,
        subject=subject,
        urgency=urgency,
        confidentiality=confidentiality,
        recipient_agencies=recipients,
        external_recipients=external_recipients,
        signer=signer,
        signing_authority=authority,
        on_behalf_of=on_behalf_of,
    )

    def work(blob: Blob | None) -> Draft:
        draft = Draft.objects.create(
            agency=agency,
            drafting_unit=unit,
            created_by=actor,
            state=DraftState.DRAFTING,
            document_type=document_type,
            subject=subject.strip(),
            urgency=urgency,
            confidentiality=confidentiality,
            external_recipients=external_recipients.strip(),
            signer=signer,
            signing_authority=authority,
            on_behalf_of=on_behalf_of,
            replaces=replaces,
            replies_to=replies_to,
        )
        draft.recipient_agencies.set(recipients)
        acting = Acting(actor)
        _record(
            draft,
            kind=EventKind.CREATED,
            acting=acting,
            from_state=DraftState.DRAFTING,
            data={
                key: value.pk
                for key, value in (("replaces", replaces), ("replies_to", replies_to))
                if value is not None
            }
            or None,
        )
        if blob is not None:
            version = _add_version(draft, blob=blob, name=file_name, actor=actor, note=note)
            _record(
                draft,
                kind=EventKind.VERSION_UPLOADED,
                acting=acting,
                from_state=draft.state,
                comment=version.note,
                version=version,
                data={"sha256": blob.sha256, "name": version.original_name},
            )
        return draft

    return _with_upload(upload, file_name, work)


@transaction.atomic
def update_draft(*, actor: User, draft: Draft, **changes: Any) -> Draft:
    """Change a draft's particulars while it is being drafted or after it was returned."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown draft fields: {sorted(unknown)}")
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.EDIT)
    values: dict[str, Any] = {
        "document_type": draft.document_type,
        "subject": draft.subject,
        "urgency": draft.urgency,
        "confidentiality": draft.confidentiality,
        "recipient_agencies": list(draft.recipient_agencies.all()),
        "external_recipients": draft.external_recipients,
        "signer": draft.signer,
        "signing_authority": draft.signing_authority,
        "on_behalf_of": draft.on_behalf_of,
    }
    before = {key: _plain(value) for key, value in values.items()}
    values.update(changes)
    values["recipient_agencies"] = list(values["recipient_agencies"])
    values["signing_authority"] = str(values["signing_authority"])
    _validate_particulars(agency=draft.agency, **values)
    for field, value in values.items():
        if field == "recipient_agencies":
            continue
        setattr(draft, field, value.strip() if isinstance(value, str) else value)
    draft.save()
    draft.recipient_agencies.set(values["recipient_agencies"])
    after = {key: _plain(value) for key, value in values.items()}
    changed = {key: after[key] for key in after if after[key] != before[key]}
    _record(
        draft,
        kind=EventKind.UPDATED,
        acting=acting,
        from_state=draft.state,
        data={"changed": changed},
    )
    return draft


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(item.pk for item in value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def upload_version(
    *, actor: User, draft: Draft, upload: IO[bytes], name: str, note: str = ""
) -> DraftVersion:
    """Add a new version of the draft's file (the earlier ones are kept)."""
    require(actor, Draft.objects.get(pk=draft.pk), DraftAction.UPLOAD)  # before storing anything

    def work(blob: Blob | None) -> DraftVersion:
        assert blob is not None
        locked = _lock(draft)
        acting = require(actor, locked, DraftAction.UPLOAD)
        version = _add_version(locked, blob=blob, name=name, actor=actor, note=note)
        locked.save(update_fields=["updated_at"])
        _record(
            locked,
            kind=EventKind.VERSION_UPLOADED,
            acting=acting,
            from_state=locked.state,
            comment=version.note,
            version=version,
            data={"sha256": blob.sha256, "name": version.original_name},
        )
        return version

    return _with_upload(upload, name, work)


# --- The route -----------------------------------------------------------------------------------


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


def _return_to_drafter(draft: Draft, *, acting: Acting) -> None:
    _notify(
        [draft.created_by],
        kind=NotificationKind.RETURNED,
        title=_("Draft returned for revision: %(subject)s") % {"subject": draft.subject},
        draft=draft,
        actor=acting.actor,
    )


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


def sign_off(
    *,
    actor: User,
    draft: Draft,
    decision: Decision | str,
    comment: str = "",
    upload: IO[bytes] | None = None,
    file_name: str = "",
    signing_secret: str | None = None,
) -> Draft:
    """The signer approves the draft for issue, or returns it with comments. A signer who
    edits uploads the edited file with the decision: it becomes a new version (and, on
    approval, the version that is issued). Only the designated signer may sign — or, when the
    signer signs as the head, whom they authorised for the period (TUQ.); a TUQ. signature
    needs the head's authorisation in force at the moment of signing."""
    current = Draft.objects.select_related("agency").get(pk=draft.pk)
    require(actor, current, DraftAction.SIGN)  # before storing anything
    chosen = _decision(decision)
    text = comment.strip()
    if chosen == Decision.RETURN:
        text = _require_comment(comment, _("Say what has to be revised."))
    else:
        _check_approval_signing(current, actor=actor, secret=signing_secret)

    def work(blob: Blob | None) -> Draft:
        locked = _lock(draft)
        acting = require(actor, locked, DraftAction.SIGN)
        step = ReviewStep.objects.filter(
            draft=locked, round=locked.round, kind=StepKind.SIGNATURE, status=StepStatus.ACTIVE
        ).first()
        version = None
        if blob is not None:
            version = _add_version(
                locked, blob=blob, name=file_name, actor=actor, note=_("Edited by the signer")
            )
            _record(
                locked,
                kind=EventKind.VERSION_UPLOADED,
                acting=acting,
                from_state=locked.state,
                comment=version.note,
                version=version,
                data={"sha256": blob.sha256, "name": version.original_name},
            )
        if chosen == Decision.RETURN:
            if step is not None:
                _decide(step, acting=acting, decision=StepDecision.RETURNED, comment=text)
            before = _move(locked, DraftState.RETURNED)
            _close_open_steps(locked)
            locked.save(update_fields=["state", "updated_at"])
            _record(
                locked,
                kind=EventKind.RETURNED,
                acting=acting,
                from_state=before,
                comment=text,
                step=step,
            )
            _return_to_drafter(locked, acting=acting)
            return locked
        final = _latest_version(locked)
        if final is None:
            raise ValidationError(_("The draft has no file to approve."), code="no_file")
        if signing_secret:
            final = _sign_version(
                locked, final, actor=actor, secret=signing_secret, created=created
            )
        _approve(
            locked,
            acting=acting,
            step=step,
            final=final,
            comment=text,
            data={"digital": bool(signing_secret)},
        )
        return locked

    created: list[str] = []
    try:
        return _with_upload(upload, file_name, work)
    except BaseException:
        _forget_files(created)
        raise


def signing_required(draft: Draft) -> bool:
    """Whether the issued document must carry the signer's and the agency's digital signatures:
    always when LIENTHONG_REQUIRE_DIGITAL_SIGNATURE is on; otherwise when it is delivered
    electronically to another agency on the platform, unless the agency's policy says it also
    issues on paper (Agency.issues_on_paper)."""
    if settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE:
        return True
    if draft.agency.issues_on_paper:
        return False
    return draft.recipient_agencies.exists()


def approval_needs_signature(draft: Draft, *, actor: User) -> bool:
    """Approving = signing: for a signer with a signing certificate on file, and for every
    signer when LIENTHONG_REQUIRE_DIGITAL_SIGNATURE is on."""
    from lienthong.signatures import services as signatures

    return bool(
        settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE or signatures.has_personal_credential(actor)
    )


def _check_approval_signing(draft: Draft, *, actor: User, secret: str | None) -> None:
    """Before anything is stored: a signer with a certificate signs as he approves; a signer
    without one approves unsigned only when the document may be issued unsigned; a signer
    whose certificate a remote signing service holds approves through it."""
    from lienthong.signatures import services as signatures

    if signatures.remote_personal_credential(actor) is not None:
        raise ValidationError(
            _(
                "Your signing certificate is held by the remote signing service: approve by "
                "signing with it (Ký số từ xa) and confirm on your phone."
            ),
            code="remote_credential",
        )
    if approval_needs_signature(draft, actor=actor):
        if not secret:
            raise ValidationError(
                {
                    "signing_secret": [
                        _(
                            "Approving is signing: enter the passphrase or PIN of your signing "
                            "certificate."
                        )
                    ]
                }
            )
    elif not secret and signing_required(draft):
        raise ValidationError(
            _(
                "You need a digital signing certificate to approve this draft: it is delivered "
                "electronically to other agencies, so it must carry your digital signature. Ask "
                "your agency's administrator to register your signing certificate."
            ),
            code="no_credential",
        )


def _sign_version(
    draft: Draft, final: DraftVersion, *, actor: User, secret: str, created: list[str]
) -> DraftVersion:
    """Ký số phê duyệt: the final PDF gets the signer's personal PAdES signature and becomes a
    new version of the draft (returned). A wrong passphrase or PIN raises ValidationError."""
    from lienthong.signatures import services as signatures

    if final.blob.content_type != "application/pdf":
        raise ValidationError(
            _("Only a PDF can be signed digitally: upload the final version as PDF."),
            code="not_pdf",
        )
    with default_storage.open(final.blob.storage_name, "rb") as stored:
        data = stored.read()
    signed = signatures.sign_personal(
        actor=actor, data=data, secret=secret, position=signature_line(draft)
    )
    blob = _store_bytes(signed, final.original_name, created)
    return _add_version(
        draft, blob=blob, name=final.original_name, actor=actor, note=_("Digitally signed")
    )


def sign_draft(*, actor: User, draft: Draft, secret: str) -> Draft:
    """Ký số: who approved a draft without signing it signs its approved version now, with the
    certificate on file and its passphrase or PIN. The signed PDF becomes a new version and the
    one that is issued; the draft stays approved, awaiting issue. (The signing step of the
    signer; another way of signing — a remote service — sits beside this one.)"""
    created: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(draft)
            acting = require(actor, locked, DraftAction.SIGN_DIGITALLY)
            if not secret:
                raise ValidationError(
                    {
                        "signing_secret": [
                            _("Enter the passphrase or PIN of your signing certificate.")
                        ]
                    }
                )
            final = locked.signed_version
            if final is None:  # pragma: no cover - an approved draft has its signed version
                raise ValidationError(_("The draft has no file to sign."), code="no_file")
            signed = _sign_version(locked, final, actor=actor, secret=secret, created=created)
            locked.signed_version = signed
            locked.save(update_fields=["signed_version", "updated_at"])
            _record(
                locked,
                kind=EventKind.DIGITALLY_SIGNED,
                acting=acting,
                from_state=locked.state,
                version=signed,
                data={"sha256": signed.blob.sha256, "replaces_version": final.number},
            )
            clerks = User.objects.active().filter(agency_id=locked.agency_id).with_role(Role.CLERK)
            _notify(
                clerks,
                kind=NotificationKind.DRAFT_AWAITING_REVIEW,
                title=_("Draft digitally signed, awaiting issue: %(subject)s")
                % {"subject": locked.subject},
                draft=locked,
                actor=actor,
            )
            return locked
    except BaseException:
        _forget_files(created)
        raise


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


@transaction.atomic
def withdraw(*, actor: User, draft: Draft, reason: str) -> Draft:
    """Rút dự thảo: the drafter or the drafting unit's leader stops it before issue."""
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.WITHDRAW)
    text = _require_comment(reason, _("Say why the draft is withdrawn."))
    before = _move(draft, DraftState.WITHDRAWN)
    _close_open_steps(draft)
    draft.save(update_fields=["state", "updated_at"])
    _record(draft, kind=EventKind.WITHDRAWN, acting=acting, from_state=before, comment=text)
    return draft


# --- Issue ---------------------------------------------------------------------------------------


def _seal(document: Any, attached: AttachmentVersion, *, actor: User, secret: str | None) -> None:
    """Ký số phát hành: number and date stamped in, then the agency's signature."""
    from lienthong.signatures import services as signatures

    signatures.seal_attachment(document=document, version=attached, actor=actor, secret=secret)


def signature_line(draft: Draft) -> str:
    """Quyền hạn and chức vụ of the signature (ô 7a), e.g. “KT. Giám đốc, Phó Giám đốc”."""
    signer = draft.signed_by or draft.signer
    own = signer.position.name if signer.position else ""
    authority = SigningAuthority(draft.signed_authority or draft.signing_authority)
    head = draft.signed_on_behalf_of if draft.signed_by else draft.on_behalf_of
    if authority == SigningAuthority.NONE:
        return own
    if authority == SigningAuthority.TM:
        for_whom = draft.agency.short_name or draft.agency.name
    elif authority == SigningAuthority.Q:
        return f"Q. {own}".strip()
    else:
        for_whom = head.position.name if head and head.position else (str(head) if head else "")
    return ", ".join(part for part in (f"{authority.prefix} {for_whom}".strip(), own) if part)


@transaction.atomic
def issue_draft(
    *,
    actor: User,
    draft: Draft,
    issued_date: date | None = None,
    reservation: NumberAllocation | None = None,
    signing_secret: str | None = None,
) -> Draft:
    """Phát hành: the agency's clerk records the outgoing document from the approved draft,
    attaches the signed version's file, gives it its number and date (documents services) and
    links it to the draft. With the agency's certificate on file and its passphrase or PIN
    given (required when LIENTHONG_REQUIRE_DIGITAL_SIGNATURE is on), the number and date are
    stamped into the PDF and the agency signs it (the seal): a new version of the attachment.

    Issuing policy: a document that must be signed (`signing_required`: delivered
    electronically to another agency, unless the agency also issues on paper; always when
    LIENTHONG_REQUIRE_DIGITAL_SIGNATURE is on) is refused unless the signer has signed it
    digitally, and is sealed. Otherwise it may be issued without the seal, and is then marked
    as issued on paper (its electronic copy is not digitally signed)."""
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.ISSUE)
    final = draft.signed_version
    if final is None or draft.signed_by is None:
        raise ValidationError(_("The draft has not been signed off."), code="not_signed")
    required = signing_required(draft)
    if required and not is_personally_signed(final):
        raise ValidationError(
            _(
                "This document is delivered electronically to other agencies: it must carry the "
                "digital signature of the competent person and the agency's seal. The signer "
                "has not signed it digitally: ask them to sign it (Ký số) before it is issued."
            ),
            code="unsigned",
        )
    seal = required or bool(signing_secret)
    document = documents.record_outgoing(
        actor=actor,
        document_type=draft.document_type,
        subject=draft.subject,
        drafting_unit=draft.drafting_unit,
        signer_name=draft.signed_by.full_name[:50],
        signer_position=signature_line(draft)[:100],
        urgency=draft.urgency,
        confidentiality=draft.confidentiality,
        recipient_agencies=list(draft.recipient_agencies.all()),
        external_recipients=draft.external_recipients,
        replaces=draft.replaces,
    )
    with default_storage.open(final.blob.storage_name, "rb") as stored:
        attached = documents.add_attachment(
            actor=actor,
            document=document,
            upload=stored,
            name=final.original_name,
            title=draft.subject[:255],
        )
    document = documents.issue_outgoing(
        actor=actor, document=document, reservation=reservation, issued_date=issued_date
    )
    if seal:
        _seal(document, attached, actor=actor, secret=signing_secret or None)
    draft.document = document
    draft.issued_on_paper = not seal
    before = _move(draft, DraftState.ISSUED)
    draft.save(update_fields=["document", "issued_on_paper", "state", "updated_at"])
    _record(
        draft,
        kind=EventKind.ISSUED,
        acting=acting,
        from_state=before,
        version=final,
        data={
            "document": document.pk,
            "number": document.number_and_symbol,
            "sealed": seal,
            "on_paper": not seal,
        },
    )
    return draft


# --- Remote signing (ký số từ xa) ---------------------------------------------------------------
#
# A signer whose certificate is held by a remote signing service (VNPT SmartCA, Viettel MySign)
# approves by signing there: `start_remote_signing` sends the hash of the final PDF to the
# service and the draft waits in “awaiting confirmation”; the signer confirms on the phone and
# the signatures app (callback or poll) hands the signed PDF to `_remote_signed`, which approves
# the draft as `sign_off` does. A refusal, a timeout or a cancellation (`_remote_ended`) puts the
# draft back where it was signed from, so it can be signed again.

REMOTE_PURPOSE = "drafting.draft"


def _remote_started_event(draft: Draft) -> DraftEvent | None:
    return (
        DraftEvent.objects.filter(draft=draft, kind=EventKind.REMOTE_SIGNING_STARTED)
        .order_by("-occurred_at", "-id")
        .first()
    )


def start_remote_signing(*, actor: User, draft: Draft, comment: str = "") -> Draft:
    """Ký số từ xa: the signer approves the latest version by signing it with their remote
    signing service. Only the hash leaves; the draft waits for the confirmation on the phone."""
    from lienthong.signatures import services as signatures

    with transaction.atomic():
        locked = _lock(draft)
        acting = require(actor, locked, DraftAction.SIGN)
        final = _latest_version(locked)
        if final is None:
            raise ValidationError(_("The draft has no file to approve."), code="no_file")
        if final.blob.content_type != "application/pdf":
            raise ValidationError(
                _("Only a PDF can be signed digitally: upload the final version as PDF."),
                code="not_pdf",
            )
        with default_storage.open(final.blob.storage_name, "rb") as stored:
            data = stored.read()
        pending = signatures.start_remote_personal_signature(
            actor=actor,
            data=data,
            purpose=REMOTE_PURPOSE,
            object_id=locked.pk,
            position=signature_line(locked),
            description=_("Sign the draft: %(subject)s") % {"subject": locked.subject[:200]},
            file_name=final.original_name,
        )
        before = _move(locked, DraftState.AWAITING_SIGNATURE_CONFIRMATION)
        locked.save(update_fields=["state", "updated_at"])
        _record(
            locked,
            kind=EventKind.REMOTE_SIGNING_STARTED,
            acting=acting,
            from_state=before,
            comment=comment.strip()[:5000],
            version=final,
            data={"provider": pending.provider, "transaction": pending.transaction_id},
        )
    return locked


def _remote_signed(pending: Any, data: bytes) -> None:
    """The signer confirmed: the signed PDF becomes the signed version and the draft is
    approved (in the transaction that settles the remote signature)."""
    locked = Draft.objects.select_for_update().get(pk=pending.object_id)
    if locked.state != DraftState.AWAITING_SIGNATURE_CONFIRMATION:
        raise ValidationError(_("The draft no longer awaits this signature."), code="state")
    actor = pending.requested_by
    acting = authorise(actor, locked, DraftAction.SIGN)
    started = _remote_started_event(locked)
    text = started.comment if started else ""
    created: list[str] = []
    try:
        blob = _store_bytes(data, pending.file_name or "du-thao.pdf", created)
        final = _add_version(
            locked,
            blob=blob,
            name=pending.file_name or "du-thao.pdf",
            actor=actor,
            note=_("Digitally signed (remote signing service)"),
        )
        step = ReviewStep.objects.filter(
            draft=locked, round=locked.round, kind=StepKind.SIGNATURE, status=StepStatus.ACTIVE
        ).first()
        _approve(
            locked,
            acting=acting,
            step=step,
            final=final,
            comment=text,
            data={"digital": True, "remote": pending.transaction_id},
        )
    except BaseException:
        _forget_files(created)
        raise


def _remote_ended(pending: Any) -> None:
    """No signature (refused, not confirmed in time, failed or cancelled): the draft goes back
    to the state it was signed from, and can be signed again."""
    locked = Draft.objects.select_for_update().get(pk=pending.object_id)
    if locked.state != DraftState.AWAITING_SIGNATURE_CONFIRMATION:
        return
    started = _remote_started_event(locked)
    previous = DraftState(started.from_state) if started else DraftState.AWAITING_SIGNATURE
    before = _move(locked, previous)
    locked.save(update_fields=["state", "updated_at"])
    _record(
        locked,
        kind=EventKind.REMOTE_SIGNING_ENDED,
        acting=Acting(pending.requested_by),
        from_state=before,
        comment=str(pending.get_status_display()),
        data={"status": pending.status, "transaction": pending.transaction_id},
    )


def refresh_remote_signing(*, actor: User, draft: Draft) -> Draft:
    """Ask the remote signing service now how the draft's pending signature stands (what the
    periodic poll does), for the signer waiting on the draft's page."""
    from lienthong.signatures import services as signatures

    authorise(actor, draft, DraftAction.SIGN)
    pending = signatures.pending_remote_signature(REMOTE_PURPOSE, draft.pk)
    if pending is not None:
        signatures.settle_remote_signature(signature_id=pending.pk)
    return Draft.objects.get(pk=draft.pk)


@transaction.atomic
def abandon_remote_signing(*, actor: User, draft: Draft) -> Draft:
    """The signer stops waiting for the confirmation: the draft can be signed again (a
    confirmation arriving later is ignored)."""
    from lienthong.signatures import services as signatures

    locked = _lock(draft)
    authorise(actor, locked, DraftAction.SIGN)
    pending = signatures.pending_remote_signature(REMOTE_PURPOSE, locked.pk)
    if locked.state != DraftState.AWAITING_SIGNATURE_CONFIRMATION or pending is None:
        raise ValidationError(_("No remote signature is awaited on this draft."), code="state")
    signatures.abandon_remote_signature(actor=actor, signature=pending)
    return Draft.objects.get(pk=locked.pk)


def register_remote_signing() -> None:
    """Called by the app's ready(): what the signatures app does with a draft's signature."""
    from lienthong.signatures import services as signatures

    signatures.register_remote_handler(REMOTE_PURPOSE, signed=_remote_signed, ended=_remote_ended)
