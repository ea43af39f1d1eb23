"""Issuing an approved draft (phát hành): the outgoing document recorded, numbered and dated,
its file attached and, when required or asked, sealed with the agency's signature."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.documents import services as documents
from lienthong.documents.models import AttachmentVersion, NumberAllocation
from lienthong.exchange.axis_services import send_to_addressees
from lienthong.signatures import services as signatures

from ..constants import DraftAction, DraftState, EventKind
from ..models import Draft
from ..permissions import is_personally_signed, require
from ._common import _lock, _move, _record
from .signing import signature_line, signing_required


def _seal(document: Any, attached: AttachmentVersion, *, actor: User, secret: str | None) -> None:
    """Ký số phát hành: number and date stamped in, then the agency's signature."""
    signatures.seal_attachment(document=document, version=attached, actor=actor, secret=secret)


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
    send_to_addressees(actor=actor, source=draft, document=document)  # over the document axis
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
