"""Composing a draft: starting it (also as a reply or a replacement), changing its particulars
and adding versions of its file, while it is being drafted or after it was returned."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.documents.constants import Confidentiality, Direction, DocumentStatus, Urgency
from lienthong.documents.models import Blob, Document, DocumentType

from ..constants import DraftAction, DraftState, EventKind, SigningAuthority
from ..models import Draft, DraftVersion
from ..permissions import Acting, require
from ._common import _add_version, _lock, _record, _validate_signing, _with_upload

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
