"""Filing: a dossier started on-line by its applicant (a draft, then submitted) or at
the counter by a one-stop officer (submitted at once), with its papers in one go."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.catalogue.models import OneStopRules, Procedure, ProcedureComponent
from lienthong.documents.uploads import check_upload
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from .. import codes
from ..constants import (
    Channel,
    DossierStatus,
    HandOverAction,
)
from ..models import (
    DigitisedPaper,
    Dossier,
)
from ..permissions import (
    is_onestop_officer,
)
from ..querysets import is_applicant
from ._common import (
    _clean_text,
    _dossier_url,
    _locked,
    _move,
    _now,
    _officers,
    _record,
    _require_complete,
)
from .applicants import Applicant, applicant_of, check_applicant
from .digitisation import check_scan, reuse_digitised_paper
from .papers import add_component


def _check_procedure(procedure: Procedure, channel: Channel) -> None:
    if not procedure.is_published:
        raise ValidationError({"procedure": _("This procedure is not published.")})
    if channel == Channel.ONLINE and procedure.level_2011 < 3:
        raise ValidationError(
            {"procedure": _("This procedure cannot be filed on-line (level 1 or 2).")}
        )


@transaction.atomic
def create_dossier(
    *,
    actor: User,
    procedure: Procedure,
    idempotency_key: uuid.UUID | str | None = None,
    applicant: Applicant | None = None,
    subject: str = "",
    copies: int = 1,
    by_post: bool = False,
) -> Dossier:
    """Start a dossier: on-line by an applicant (a draft they complete and submit), or at the
    counter by a one-stop officer (submitted at once, with its code). The same idempotency key
    gives back the same dossier: a form sent twice creates one."""
    dossier, _created = _create_dossier(
        actor=actor,
        procedure=procedure,
        idempotency_key=idempotency_key,
        applicant=applicant,
        subject=subject,
        copies=copies,
        by_post=by_post,
    )
    return dossier


@dataclass(frozen=True)
class Paper:
    """One uploaded paper for `file_dossier`."""

    upload: IO[bytes]
    name: str
    component: ProcedureComponent | None = None


@dataclass(frozen=True)
class Reuse:
    """One digitised paper the counter attaches again in `file_dossier`, instead of a scan."""

    paper: DigitisedPaper
    component: ProcedureComponent | None = None


@transaction.atomic
def file_dossier(
    *,
    actor: User,
    procedure: Procedure,
    idempotency_key: uuid.UUID | str | None,
    papers: list[Paper],
    applicant: Applicant | None = None,
    subject: str = "",
    copies: int = 1,
    by_post: bool = False,
    submit: bool = False,
    reused: list[Reuse] | None = None,
) -> Dossier:
    """Create a dossier with its papers in one go (the on-line form or the counter intake),
    and submit it if asked. A form sent twice (the same key) adds nothing the second time.
    At the counter, papers are scans (checked for resolution) and `reused` attaches papers
    the agency digitised before for the same applicant."""
    for paper in papers:  # every file checked before anything is stored
        checked = check_upload(paper.upload, paper.name)
        if not is_applicant(actor):
            check_scan(paper.upload, checked.content_type, paper.name)
    dossier, created = _create_dossier(
        actor=actor,
        procedure=procedure,
        idempotency_key=idempotency_key,
        applicant=applicant,
        subject=subject,
        copies=copies,
        by_post=by_post,
    )
    if not created:
        return dossier
    for paper in papers:
        add_component(
            actor=actor,
            dossier=dossier,
            upload=paper.upload,
            name=paper.name,
            procedure_component=paper.component,
        )
    for reuse in reused or []:
        reuse_digitised_paper(
            actor=actor, dossier=dossier, paper=reuse.paper, procedure_component=reuse.component
        )
    if submit and dossier.status == DossierStatus.DRAFT:
        dossier = submit_dossier(actor=actor, dossier=dossier)
    return dossier


def _create_dossier(
    *,
    actor: User,
    procedure: Procedure,
    idempotency_key: uuid.UUID | str | None,
    applicant: Applicant | None,
    subject: str,
    copies: int,
    by_post: bool,
) -> tuple[Dossier, bool]:
    key: uuid.UUID | None = None
    if idempotency_key:
        try:
            key = uuid.UUID(str(idempotency_key))
        except ValueError as exc:
            raise ValidationError({"idempotency_key": _("Invalid form token.")}) from exc
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.created_by_id != actor.pk:
                raise ValidationError({"idempotency_key": _("Invalid form token.")})
            return existing, False
    if is_applicant(actor):
        channel = Channel.ONLINE
        applicant = check_applicant(applicant or applicant_of(actor))
    elif is_onestop_officer(actor, procedure.agency_id):
        channel = Channel.COUNTER
        if applicant is None:
            raise ValidationError({"name": _("Give the applicant's data.")})
        applicant = check_applicant(applicant)
    else:
        raise PermissionDenied(
            _("Dossiers are filed by applicants on-line or by the receiving agency's counter.")
        )
    _check_procedure(procedure, channel)
    if not 1 <= copies <= 99:
        raise ValidationError({"copies": _("The number of sets must be between 1 and 99.")})
    subject = _clean_text(subject, "subject", 500, required=False) or procedure.name[:500]
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                procedure=procedure,
                agency_id=procedure.agency_id,
                channel=channel,
                status=DossierStatus.DRAFT,
                applicant=actor if channel == Channel.ONLINE else None,
                applicant_kind=applicant.kind,
                applicant_name=applicant.name,
                applicant_id_number=applicant.id_number,
                applicant_phone=applicant.phone,
                applicant_email=applicant.email,
                applicant_address=applicant.address,
                subject=subject,
                copies=copies,
                by_post=by_post,
                idempotency_key=key,
                rules_version=OneStopRules.objects.in_force_on(
                    timezone.localtime(_now()).date()
                ).code,
                fee_vnd=procedure.fee_vnd,
                created_by=actor,
            )
    except IntegrityError:  # the same form, sent twice at the same moment
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is None or existing.created_by_id != actor.pk:
            raise
        return existing, False
    _record(dossier, HandOverAction.CREATED, actor=actor)
    if channel == Channel.COUNTER:
        _submit(dossier, actor=actor)
    return dossier, True


def _submit(dossier: Dossier, *, actor: User) -> None:
    now = _now()
    _move(dossier, DossierStatus.SUBMITTED)
    dossier.code = codes.next_code(agency=dossier.agency, day=timezone.localtime(now).date())
    dossier.submitted_at = now
    dossier.save()
    _record(dossier, HandOverAction.SUBMITTED, actor=actor, to_agency=dossier.agency, at=now)
    if dossier.channel == Channel.ONLINE:
        notify(
            recipients=_officers(dossier.agency_id, Role.ONESTOP_OFFICER),
            kind=NotificationKind.NEW_ASSIGNMENT,
            title=_("On-line dossier %(code)s awaits reception") % {"code": dossier.code},
            url=_dossier_url(dossier),
            actor=actor,
        )


@transaction.atomic
def submit_dossier(*, actor: User, dossier: Dossier) -> Dossier:
    """The applicant submits a draft: it gets its code and waits for the counter (status 1).
    Submitting again changes nothing."""
    dossier = _locked(dossier)
    if dossier.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can submit this dossier."))
    if dossier.status != DossierStatus.DRAFT:
        return dossier
    _check_procedure(dossier.procedure, Channel(dossier.channel))
    _require_complete(dossier)
    _submit(dossier, actor=actor)
    return dossier
