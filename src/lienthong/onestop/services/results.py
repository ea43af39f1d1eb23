"""The result: issued by the clerk as an outgoing document (sealed when the agency
signs) and returned by the counter."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Unit, User
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.services import result_document_type
from lienthong.documents import services as document_services
from lienthong.documents.models import DocumentType
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify
from lienthong.signatures.services import enqueue_verification, seal_attachment

from ..constants import (
    Channel,
    DossierStatus,
    HandOverAction,
    Outcome,
    StepState,
)
from ..models import (
    Dossier,
    DossierStep,
)
from ..permissions import enforce, why_not_issue_result, why_not_return_result
from ._common import _dossier_url, _locked, _move, _now, _officers, _record
from .appointments import outcome_of
from .digitisation import keep_result_digitised


@transaction.atomic
def issue_result(
    *,
    actor: User,
    dossier: Dossier,
    document_type: DocumentType | None = None,
    upload: IO[bytes],
    file_name: str,
    subject: str = "",
    signing_secret: str | None = None,
) -> Dossier:
    """The result (licence, certificate, decision) is issued as an outgoing document of the
    competent agency through the document services, so numbering and the register apply to it;
    with the agency's certificate on file and its passphrase or PIN given (required when
    LIENTHONG_REQUIRE_DIGITAL_SIGNATURE is on) the number and date are stamped in and the agency
    signs the file (signatures.seal_attachment); the dossier's result is ready (status 9).
    The result is registered under the procedure's result kind (Giấy phép, Giấy chứng nhận…,
    `catalogue.services.result_document_type`); `document_type` is only for a procedure whose
    catalogue entry names no kind. The issued file is kept digitised for reuse."""
    dossier = _locked(dossier)
    enforce(why_not_issue_result(actor, dossier))
    kind = dossier.procedure.result_kind
    if kind is not None:
        document_type = result_document_type(kind)
    elif document_type is None:
        raise ValidationError(
            {"document_type": _("Choose the document type: the procedure names no result kind.")}
        )
    last_unit = (
        DossierStep.objects.filter(dossier=dossier, agency_id=dossier.agency_id)
        .exclude(unit=None)
        .order_by("-order")
        .values_list("unit", flat=True)
        .first()
    )
    document = document_services.record_outgoing(
        actor=actor,
        document_type=document_type,
        subject=(subject.strip() or f"{dossier.procedure.result_name} — {dossier.applicant_name}")[
            :500
        ],
        drafting_unit=Unit.objects.filter(pk=last_unit).first() if last_unit else None,
        external_recipients=dossier.applicant_name,
        description=f"Kết quả giải quyết hồ sơ {dossier.code}",
    )
    attached = document_services.add_attachment(
        actor=actor, document=document, upload=upload, name=file_name
    )
    document = document_services.issue_outgoing(actor=actor, document=document)
    sealed = None
    if signing_secret is not None or settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE:
        sealed = seal_attachment(
            document=document,
            version=attached,
            actor=actor,
            secret=signing_secret,
            require_personal=False,
        )
    now = _now()
    for step in DossierStep.objects.filter(dossier=dossier, role=StepRole.RESULT).exclude(
        state=StepState.DONE
    ):
        step.state, step.handler, step.started_at, step.finished_at = (
            StepState.DONE,
            actor,
            step.started_at or now,
            now,
        )
        step.outcome = Outcome.ON_TIME
        step.save()
    _move(dossier, DossierStatus.DONE)
    dossier.result_document, dossier.finished_at = document, now
    # Only the sealed file is the electronic result the applicant gets (never the upload).
    dossier.result_file = sealed
    if sealed is not None:  # its badge on the applicant's page: checked in the background
        enqueue_verification(blob=sealed.blob)
    dossier.save()
    keep_result_digitised(dossier, document, actor)
    _record(
        dossier,
        HandOverAction.RESULT_READY,
        actor=actor,
        to_agency=dossier.agency,
        note=document.number_and_symbol,
        at=now,
    )
    notify(
        recipients=_officers(dossier.agency_id, Role.ONESTOP_OFFICER),
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Dossier %(code)s: result ready to return") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return dossier


@transaction.atomic
def return_result(*, actor: User, dossier: Dossier, channel: Channel | str) -> Dossier:
    """The counter returns the result (at the counter, on-line or by post); the dossier closes
    as early, on time or late."""
    dossier = _locked(dossier)
    enforce(why_not_return_result(actor, dossier))
    channel = Channel(channel)
    if channel == Channel.ONLINE and dossier.applicant_id is None:
        raise ValidationError({"channel": _("A counter dossier has no on-line account.")})
    _move(dossier, DossierStatus.RETURNED)
    assert dossier.finished_at is not None and dossier.due_at is not None
    now = _now()
    dossier.returned_at, dossier.returned_by, dossier.return_channel = now, actor, channel
    dossier.outcome = outcome_of(dossier.finished_at, dossier.due_at)
    dossier.closed_at, dossier.closed_by = now, actor
    dossier.save()
    _record(dossier, HandOverAction.RETURNED, actor=actor, note=str(channel.label), at=now)
    return dossier
