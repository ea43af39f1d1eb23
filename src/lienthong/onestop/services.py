"""State-changing use cases of the one-stop shop, one function each: filing, reception,
supplements, refusal, withdrawal, processing through the steps (assign, consult, propose,
approve), apology and new date, result, return, rating, fee payment and the late warning."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Unit, User
from lienthong.accounts.validators import validate_applicant_identifier
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.models import OneStopRules, Procedure, ProcedureComponent
from lienthong.core import workdays
from lienthong.core.audit import record_event
from lienthong.documents.models import DocumentType
from lienthong.documents.search import fold
from lienthong.documents.uploads import check_upload, storage_name, store_blob
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from . import codes, scans
from .constants import (
    APPLICANT_ACTIONS,
    TRANSITIONS,
    WARNING_HOURS,
    ApplicantKind,
    Channel,
    DossierStatus,
    HandOverAction,
    Outcome,
    Satisfaction,
    StepState,
    SupplementPhase,
)
from .models import (
    Apology,
    ApplicantProfile,
    Consultation,
    DigitisedPaper,
    Dossier,
    DossierComponent,
    DossierStep,
    HandOver,
    Rating,
    SupplementRequest,
)
from .permissions import (
    is_onestop_officer,
    leads_step,
    require_applicant,
    require_handler,
    require_onestop_officer,
    require_step_leader,
)
from .querysets import is_applicant

PHONE_RE = re.compile(r"^0\d{9,10}$")
ID_RE = re.compile(r"^(\d{9}|\d{12}|\d{10}|\d{10}-\d{3})$")


# --- Helpers ---------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _move(dossier: Dossier, status: DossierStatus) -> None:
    if status not in TRANSITIONS[dossier.status]:
        raise ValidationError(
            _("A dossier “%(status)s” cannot become “%(new)s”.")
            % {"status": dossier.get_status_display(), "new": status.label}
        )
    dossier.status = status


def _record(
    dossier: Dossier,
    action: HandOverAction,
    *,
    actor: User | None,
    step: DossierStep | None = None,
    note: str = "",
    to_agency: Any = None,
    to_unit: Unit | None = None,
    to_user: User | None = None,
    at: datetime | None = None,
    to_applicant: bool | None = None,
) -> HandOver:
    """Append one history entry (and its audit event). `to_applicant`: whether its note is a
    message to the applicant; by default so for supplement requests, refusals, stops and
    apologies, never otherwise. The applicant is told when the status changed (DVCQG code)
    or a message is sent to them (`_announce`)."""
    if to_applicant is None:
        to_applicant = action in APPLICANT_ACTIONS
    to_applicant = bool(to_applicant and note.strip())
    before = (
        HandOver.objects.filter(dossier=dossier)
        .order_by("-id")
        .values_list("status_after", flat=True)
        .first()
    )
    entry = HandOver.objects.create(
        dossier=dossier,
        step=step,
        action=action,
        at=at or _now(),
        actor=actor,
        from_agency_id=getattr(actor, "agency_id", None),
        to_agency=to_agency,
        to_unit=to_unit,
        to_user=to_user,
        status_after=dossier.status,
        note=note[:2000],
        to_applicant=to_applicant,
    )
    record_event(
        action=f"dossier.{action}",
        actor=actor,
        obj=dossier,
        data={
            "code": dossier.code,
            "status": dossier.status,
            "note": note[:200],
            "to_applicant": to_applicant,
        },
    )
    changed = before is not None and before != dossier.status
    if dossier.status != DossierStatus.DRAFT and (changed or to_applicant):
        _announce(dossier, entry, actor=actor, status_changed=changed)
    return entry


def _locked(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "agency")
        .get(pk=dossier.pk)
    )


def _dossier_url(dossier: Dossier) -> str:
    return reverse("onestop:dossier", args=[dossier.pk])


def _my_url(dossier: Dossier) -> str:
    return reverse("citizen:my-dossier", args=[dossier.pk])


def _officers(agency_id: int, role: Role) -> list[User]:
    return list(
        User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role=role).distinct()
    )


def _step_leaders(step: DossierStep) -> list[User]:
    """Who assigns and approves a step: the unit's leaders, else the agency's leaders."""
    candidates = (
        User.objects.filter(agency_id=step.agency_id, is_active=True)
        .filter(Q(role_grants__role=Role.UNIT_LEADER) | Q(role_grants__role=Role.AGENCY_LEADER))
        .distinct()
    )
    unit_leaders = [u for u in candidates if u.unit_id == step.unit_id and step.unit_id]
    unit_leaders = [u for u in unit_leaders if u.has_role(Role.UNIT_LEADER)]
    return unit_leaders or [u for u in candidates if u.has_role(Role.AGENCY_LEADER)]


def _announce(
    dossier: Dossier, entry: HandOver, *, actor: User | None, status_changed: bool
) -> None:
    """Tell the applicant of a new status or of a message sent to them: in the platform when
    they have an account, and through the channels switched on (e-mail now; SMS, Zalo later)
    at the address given in the dossier, unless their account turned such e-mail off."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from lienthong.notifications.channels import Contact
    from lienthong.notifications.mail import absolute_url
    from lienthong.notifications.models import NotificationPreference
    from lienthong.notifications.services import send_to_contact

    agency = entry.to_agency or dossier.agency
    with translation.override(settings.LANGUAGE_CODE):
        if status_changed:
            title = _("Dossier %(code)s: %(status)s") % {
                "code": dossier.code,
                "status": dossier.portal_status_name,
            }
        else:
            title = _("Dossier %(code)s: a message from %(agency)s") % {
                "code": dossier.code,
                "agency": agency.name,
            }
        link = _my_url(dossier) if dossier.applicant_id else reverse("citizen:track")
        body = render_to_string(
            "onestop/email/dossier_news.txt",
            {
                "dossier": dossier,
                "entry": entry,
                "agency": agency,
                "status_changed": status_changed,
                "link": absolute_url(link),
            },
        )
    if dossier.applicant_id is not None:
        notify(
            recipients=[dossier.applicant_id],
            kind=NotificationKind.DOSSIER_UPDATE,
            title=title,
            url=_my_url(dossier),
            actor=actor,
            email=False,
        )
        if not NotificationPreference.objects.wanting_email(
            NotificationKind.DOSSIER_UPDATE, [dossier.applicant_id]
        ):
            return
    send_to_contact(
        contact=Contact(
            name=dossier.applicant_name,
            email=dossier.applicant_email,
            phone=dossier.applicant_phone,
        ),
        subject=title,
        body=body,
        topic=dossier.code or "",
    )


def _clean_text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    return value


def outcome_of(finished_at: datetime, due_at: datetime) -> Outcome:
    """Trước hạn / đúng hạn / quá hạn: early when finished before the appointment day, on time
    on that day up to the appointed time, late after it."""
    if finished_at > due_at:
        return Outcome.LATE
    if timezone.localtime(finished_at).date() < timezone.localtime(due_at).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


# --- Applicants --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    phone: str
    email: str = ""
    address: str = ""


def _check_applicant(applicant: Applicant) -> Applicant:
    errors: dict[str, list[str]] = {}
    if applicant.kind not in ApplicantKind.values:
        errors["kind"] = [_("Choose citizen or business.")]
    if not applicant.name.strip() or len(applicant.name.strip()) > 200:
        errors["name"] = [_("Give the applicant's name (at most 200 characters).")]
    if not ID_RE.fullmatch(applicant.id_number.strip()):
        errors["id_number"] = [
            _(
                "An ID number has 9 or 12 digits (identity card) or a tax code 10 or 13 digits "
                "(0123456789-001)."
            )
        ]
    if not PHONE_RE.fullmatch(applicant.phone.strip().replace(" ", "")):
        errors["phone"] = [_("A telephone number has 10 or 11 digits and starts with 0.")]
    if len(applicant.address) > 300:
        errors["address"] = [_("At most %(limit)d characters, please.") % {"limit": 300}]
    if applicant.email:
        from django.core.validators import validate_email

        try:
            validate_email(applicant.email.strip())
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)
    return Applicant(
        kind=applicant.kind,
        name=applicant.name.strip(),
        id_number=applicant.id_number.strip(),
        phone=applicant.phone.strip().replace(" ", ""),
        email=applicant.email.strip(),
        address=applicant.address.strip(),
    )


@transaction.atomic
def sign_up_applicant(
    *,
    password: str,
    applicant: Applicant,
    organisation_name: str = "",
    username: str | None = None,
) -> User:
    """A citizen's or business's account: a user with no agency and no roles, with the
    identity data used to fill in dossiers. The user name is the ID number or tax code (the
    public sign-up page gives no other): officials' user names always contain a letter, so a
    sign-up never meets an official's account, and an ID number already signed up gets one
    answer whichever account holds it. `username` is for the demo province's named accounts."""
    applicant = _check_applicant(applicant)
    if applicant.kind == ApplicantKind.BUSINESS and not organisation_name.strip():
        raise ValidationError({"organisation_name": _("Give the business's name.")})
    try:  # an account is for a 12-digit personal identification number or an enterprise code
        validate_applicant_identifier(applicant.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    username = applicant.id_number if username is None else username
    if User.objects.filter(
        Q(username__iexact=username) | Q(identifier=applicant.id_number)
    ).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "An account may already exist for this ID number: sign in with it, or ask "
                    "the one-stop office for help."
                )
            },
            code="taken",
        )
    user = account_services.create_user(
        actor=None,
        username=username,
        full_name=applicant.name,
        password=password,
        agency=None,
        roles=[],
        email=applicant.email,
        phone=applicant.phone,
        identifier=applicant.id_number,
    )
    ApplicantProfile.objects.create(
        user=user,
        kind=applicant.kind,
        id_number=applicant.id_number,
        phone=applicant.phone,
        address=applicant.address,
        organisation_name=organisation_name.strip()[:300],
    )
    record_event(action="applicant.signed_up", actor=user, obj=user)
    return user


def applicant_of(user: User) -> Applicant:
    profile = ApplicantProfile.objects.get(user=user)
    name = profile.organisation_name or user.full_name
    return Applicant(
        kind=profile.kind,
        name=name,
        id_number=profile.id_number,
        phone=profile.phone,
        email=user.email,
        address=profile.address,
    )


# --- Filing ------------------------------------------------------------------------------------


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
        applicant = _check_applicant(applicant or applicant_of(actor))
    elif is_onestop_officer(actor, procedure.agency_id):
        channel = Channel.COUNTER
        if applicant is None:
            raise ValidationError({"name": _("Give the applicant's data.")})
        applicant = _check_applicant(applicant)
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


def _may_change_components(actor: User, dossier: Dossier) -> None:
    if dossier.channel == Channel.ONLINE:
        if dossier.applicant_id != actor.pk:
            raise PermissionDenied(_("Only the applicant can change this dossier's papers."))
        allowed = {DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED}
    else:
        require_onestop_officer(actor, dossier.agency_id)
        allowed = {DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED}
    if dossier.status not in allowed:
        raise ValidationError(_("The papers of this dossier cannot be changed now."))


def add_component(
    *,
    actor: User,
    dossier: Dossier,
    upload: IO[bytes],
    name: str,
    procedure_component: ProcedureComponent | None = None,
) -> DossierComponent:
    """Attach one paper (uploaded or scanned). The file is checked (type by content, size,
    readable PDF) before anything is stored; a newly stored file is removed again if the
    database write fails. A paper of a dossier handed in on paper (at the counter, by post) is
    a scan: it must reach `scans.MIN_DPI` and is kept as a digitised copy ("Đã số hoá", who
    and when) that the counter may reuse in the applicant's later dossiers."""
    checked = check_upload(upload, name)
    on_paper = dossier.channel != Channel.ONLINE
    dpi = check_scan(upload, checked.content_type, name) if on_paper else None
    created_file = False
    try:
        with transaction.atomic():
            blob, created_file = store_blob(upload, checked)
            locked = _locked(dossier)
            _may_change_components(actor, locked)
            if (
                procedure_component is not None
                and procedure_component.procedure_id != locked.procedure_id
            ):
                raise ValidationError(
                    {"procedure_component": _("That paper belongs to another procedure.")}
                )
            pending = locked.supplements.filter(fulfilled_at__isnull=True).first()
            safe = _safe_name(name)
            component = DossierComponent.objects.create(
                dossier=locked,
                procedure_component=procedure_component,
                name=(procedure_component.name if procedure_component else safe)[:500],
                blob=blob,
                original_name=safe,
                uploaded_by=actor,
                supplement=pending if locked.status == DossierStatus.SUPPLEMENT_REQUESTED else None,
            )
            record_event(
                action="dossier.component_added",
                actor=actor,
                obj=locked,
                data={"component": component.pk, "sha256": blob.sha256, "name": safe},
            )
            if on_paper:
                _digitise(component, actor=actor, dpi=dpi)
            # Signed papers (a certified copy, a signed application) are checked in the
            # background like every PDF that arrives; the badge shows on the dossier.
            from lienthong.signatures.services import enqueue_verification

            enqueue_verification(blob=blob)
            return component
    except BaseException:
        if (
            created_file
            and not DossierComponent.objects.filter(blob__sha256=checked.sha256).exists()
        ):
            from lienthong.documents.models import AttachmentVersion

            if not AttachmentVersion.objects.filter(blob__sha256=checked.sha256).exists():
                default_storage.delete(storage_name(checked.sha256))
        raise


def paper_kind(name: str) -> str:
    """The kind of a paper for reuse: its name folded (no tone marks, lower case, one space)."""
    return " ".join(fold(name).split())[:500]


def check_scan(upload: IO[bytes], content_type: str, name: str) -> int | None:
    """The resolution of a scanned paper, refused under `scans.MIN_DPI` with a message that
    says what to do; None for a file that is not a scan (a PDF born digital, Word, Excel)."""
    dpi = scans.scan_dpi(upload, content_type)
    if dpi is not None and dpi < scans.MIN_DPI:
        raise ValidationError(
            _(
                "“%(name)s” is scanned at about %(dpi)s dpi; digitised papers need at least "
                "%(min)s dpi. Scan it again at %(min)s dpi or more."
            )
            % {"name": name, "dpi": dpi, "min": scans.MIN_DPI},
            code="low_resolution",
        )
    return dpi


def _digitise(component: DossierComponent, *, actor: User, dpi: int | None) -> DigitisedPaper:
    dossier = component.dossier
    paper = DigitisedPaper.objects.create(
        agency_id=dossier.agency_id,
        applicant_id_number=dossier.applicant_id_number,
        kind_key=paper_kind(component.name),
        name=component.name,
        blob=component.blob,
        file_name=component.original_name,
        dpi=dpi,
        dossier=dossier,
        digitised_by=actor,
        digitised_at=_now(),
    )
    component.digitised = paper
    component.save(update_fields=["digitised"])
    record_event(
        action="dossier.paper_digitised",
        actor=actor,
        obj=dossier,
        data={"component": component.pk, "digitised": paper.pk, "dpi": dpi},
    )
    return paper


@transaction.atomic
def reuse_digitised_paper(
    *,
    actor: User,
    dossier: Dossier,
    paper: DigitisedPaper,
    procedure_component: ProcedureComponent | None = None,
) -> DossierComponent:
    """The counter attaches a paper it digitised before for the same applicant (or a result it
    issued to them) instead of scanning it again: same file, marked reused, audited."""
    locked = _locked(dossier)
    require_onestop_officer(actor, locked.agency_id)
    _may_change_components(actor, locked)
    if (
        paper.agency_id != locked.agency_id
        or paper.applicant_id_number != locked.applicant_id_number
    ):
        raise ValidationError(
            {"digitised": _("That digitised paper is not one of this applicant's.")}
        )
    if procedure_component is not None:
        if procedure_component.procedure_id != locked.procedure_id:
            raise ValidationError(
                {"procedure_component": _("That paper belongs to another procedure.")}
            )
        if paper_kind(procedure_component.name) != paper.kind_key:
            raise ValidationError(
                {
                    "digitised": _("That digitised paper is of another kind than “%(name)s”.")
                    % {"name": procedure_component.name}
                }
            )
    pending = locked.supplements.filter(fulfilled_at__isnull=True).first()
    component = DossierComponent.objects.create(
        dossier=locked,
        procedure_component=procedure_component,
        name=(procedure_component.name if procedure_component else paper.name)[:500],
        blob=paper.blob,
        original_name=paper.file_name,
        uploaded_by=actor,
        supplement=pending if locked.status == DossierStatus.SUPPLEMENT_REQUESTED else None,
        digitised=paper,
    )
    record_event(
        action="dossier.paper_reused",
        actor=actor,
        obj=locked,
        data={"component": component.pk, "digitised": paper.pk, "from_dossier": paper.dossier_id},
    )
    return component


def _keep_result_digitised(dossier: Dossier, document: Any, actor: User) -> None:
    """The issued result's final file (sealed when signed) is kept as the applicant's
    digitised copy, reusable in later dossiers at this agency (Decree 107/2021)."""
    from lienthong.documents.models import AttachmentVersion

    version = (
        AttachmentVersion.objects.filter(attachment__document=document)
        .select_related("blob", "attachment")
        .order_by("-id")
        .first()
    )
    if version is None:
        return
    name = dossier.procedure.result_name or document.subject
    paper = DigitisedPaper.objects.create(
        agency_id=dossier.agency_id,
        applicant_id_number=dossier.applicant_id_number,
        kind_key=paper_kind(name),
        name=name[:500],
        blob=version.blob,
        file_name=f"{document.number_and_symbol or dossier.code}.pdf"[:255],
        is_result=True,
        dossier=dossier,
        digitised_by=actor,
        digitised_at=_now(),
    )
    record_event(
        action="dossier.result_digitised",
        actor=actor,
        obj=dossier,
        data={"digitised": paper.pk, "document": document.pk, "sha256": version.blob.sha256},
    )


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").split("/")[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "tep"


@transaction.atomic
def remove_component(*, actor: User, component: DossierComponent) -> None:
    dossier = _locked(component.dossier)
    _may_change_components(actor, dossier)
    if component.supplement_id is None and dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        raise ValidationError(_("Papers received before the supplement request are kept."))
    record_event(
        action="dossier.component_removed",
        actor=actor,
        obj=dossier,
        data={"component": component.pk, "name": component.original_name},
    )
    component.delete()


def missing_components(dossier: Dossier) -> list[ProcedureComponent]:
    have = set(
        dossier.components.exclude(procedure_component=None).values_list(
            "procedure_component_id", flat=True
        )
    )
    return [c for c in dossier.procedure.components.filter(required=True) if c.pk not in have]


def _require_complete(dossier: Dossier) -> None:
    missing = missing_components(dossier)
    if missing:
        raise ValidationError(
            {
                "components": [
                    _("Missing required paper: %(name)s.") % {"name": c.name} for c in missing
                ]
            }
        )


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


# --- Reception --------------------------------------------------------------------------------


def schedule(received_at: datetime, days: Decimal) -> tuple[datetime, datetime, datetime]:
    """(clock start, appointment, warning moment) for a dossier received at `received_at`
    with `days` working days to settle it."""
    start = workdays.clock_start(received_at)
    due = workdays.add_working_days_hours(start, days)
    warn = max(start, workdays.subtract_working_hours(due, WARNING_HOURS))
    return start, due, warn


def _activate(step: DossierStep, at: datetime, actor: User | None) -> None:
    step.state = StepState.QUEUED
    step.started_at = at
    step.deadline_at = workdays.add_working_days_hours(workdays.clock_start(at), step.days)
    step.save()
    _record(
        step.dossier,
        HandOverAction.FORWARDED,
        actor=actor,
        step=step,
        to_agency=step.agency,
        to_unit=step.unit,
        at=at,
    )
    notify(
        recipients=_step_leaders(step),
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Dossier %(code)s: %(step)s") % {"code": step.dossier.code, "step": step.name},
        url=_dossier_url(step.dossier),
        actor=actor,
    )


@transaction.atomic
def receive_dossier(*, actor: User, dossier: Dossier) -> Dossier:
    """Complete: the counter receives it (Mẫu 01 with code and appointment), computes the
    appointment in working hours and hands it to the first processing step."""
    dossier = _locked(dossier)
    require_onestop_officer(actor, dossier.agency_id)
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        raise ValidationError(_("The applicant has not supplied the missing papers yet."))
    _require_complete(dossier)
    _move(dossier, DossierStatus.RECEIVED)
    now = _now()
    start, due, warn = schedule(now, dossier.procedure.processing_days)
    dossier.received_at, dossier.received_by = now, actor
    # The one-stop rules in force on the day of reception apply to the dossier for good.
    dossier.rules_version = OneStopRules.objects.in_force_on(timezone.localtime(now).date()).code
    dossier.clock_started_at, dossier.due_at, dossier.first_due_at = start, due, due
    dossier.warn_at = warn
    dossier.save()
    _record(dossier, HandOverAction.RECEIVED, actor=actor, at=now)
    steps = [
        DossierStep(
            dossier=dossier,
            order=s.order,
            name=s.name,
            agency_id=s.agency_id,
            unit_id=s.unit_id,
            role=s.role,
            days=s.days,
        )
        for s in dossier.procedure.steps.order_by("order")
    ]
    DossierStep.objects.bulk_create(steps)
    for step in DossierStep.objects.filter(dossier=dossier, role=StepRole.RECEPTION):
        step.state, step.started_at, step.finished_at = StepState.DONE, now, now
        step.handler, step.outcome = actor, Outcome.ON_TIME
        step.save()
    _advance(dossier, actor=actor, at=now)
    return dossier


def _advance(dossier: Dossier, *, actor: User | None, at: datetime) -> DossierStep | None:
    """Hand the dossier to its next waiting step (none left: the result is awaited)."""
    nxt = (
        DossierStep.objects.filter(dossier=dossier, state=StepState.WAITING)
        .exclude(role=StepRole.RESULT)
        .order_by("order")
        .first()
    )
    if nxt is not None:
        _activate(nxt, at, actor)
    return nxt


@transaction.atomic
def request_supplement(
    *, actor: User, dossier: Dossier, items: str, reason: str = ""
) -> SupplementRequest:
    """Phiếu yêu cầu bổ sung (Mẫu 02), once at reception and once during processing (then
    within 3 working days of reception). The clock stops until the applicant supplies all."""
    dossier = _locked(dossier)
    items = _clean_text(items, "items", 4000)
    reason = _clean_text(reason, "reason", 1000, required=False)
    now = _now()
    if dossier.status == DossierStatus.SUBMITTED:
        require_onestop_officer(actor, dossier.agency_id)
        phase = SupplementPhase.RECEPTION
    elif dossier.status in {DossierStatus.RECEIVED, DossierStatus.PROCESSING}:
        step = DossierStep.objects.active().filter(dossier=dossier).first()
        if not (
            is_onestop_officer(actor, dossier.agency_id)
            or (step is not None and (leads_step(actor, step) or step.handler_id == actor.pk))
        ):
            raise PermissionDenied(_("Only the officers handling this dossier can ask for papers."))
        assert dossier.clock_started_at is not None
        days = dossier.rules.supplement_days  # the rules in force when it was received
        if workdays.working_hours_between(dossier.clock_started_at, now) > (
            days * workdays.HOURS_PER_DAY
        ):
            raise ValidationError(
                _("Supplements can be asked for within %(days)s working days of reception only.")
                % {"days": days}
            )
        phase = SupplementPhase.PROCESSING
    else:
        raise ValidationError(_("Papers cannot be asked for at this stage."))
    if SupplementRequest.objects.filter(dossier=dossier, phase=phase).exists():
        raise ValidationError(_("The applicant has already been asked once for papers."))
    _move(dossier, DossierStatus.SUPPLEMENT_REQUESTED)
    dossier.save()
    request = SupplementRequest.objects.create(
        dossier=dossier,
        phase=phase,
        items=items,
        reason=reason,
        requested_by=actor,
        requested_at=now,
    )
    _record(dossier, HandOverAction.SUPPLEMENT_REQUESTED, actor=actor, note=items, at=now)
    return request


@transaction.atomic
def resubmit_dossier(*, actor: User, dossier: Dossier) -> Dossier:
    """The missing papers are supplied: back to the counter (reception phase), or back to
    processing with the time counted again from the complete resubmission (Decree 61/2018
    Art. 19)."""
    dossier = _locked(dossier)
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        raise ValidationError(_("No papers are awaited for this dossier."))
    _may_change_components(actor, dossier)
    request = dossier.supplements.filter(fulfilled_at__isnull=True).get()
    if not request.components.exists():
        raise ValidationError({"components": _("Attach the papers asked for first.")})
    _require_complete(dossier)
    now = _now()
    request.fulfilled_at = now
    request.save(update_fields=["fulfilled_at"])
    if request.phase == SupplementPhase.RECEPTION:
        _move(dossier, DossierStatus.SUBMITTED)
        dossier.save()
        _record(dossier, HandOverAction.RESUBMITTED, actor=actor, at=now)
        notify(
            recipients=_officers(dossier.agency_id, Role.ONESTOP_OFFICER),
            kind=NotificationKind.NEW_ASSIGNMENT,
            title=_("Dossier %(code)s: papers supplied") % {"code": dossier.code},
            url=_dossier_url(dossier),
            actor=actor,
        )
        return dossier
    step = DossierStep.objects.active().filter(dossier=dossier).first()
    has_handler = step is not None and step.handler_id is not None
    _move(dossier, DossierStatus.PROCESSING if has_handler else DossierStatus.RECEIVED)
    start, due, warn = schedule(now, dossier.procedure.processing_days)
    dossier.clock_started_at, dossier.due_at, dossier.warn_at = start, due, warn
    dossier.first_due_at, dossier.warned_at = due, None
    dossier.save()
    if step is not None:
        step.started_at = now
        step.deadline_at = workdays.add_working_days_hours(start, step.days)
        step.save(update_fields=["started_at", "deadline_at"])
    _record(dossier, HandOverAction.RESUBMITTED, actor=actor, step=step, at=now)
    if step is not None:
        notify(
            recipients=[u for u in [step.handler] if u is not None],
            kind=NotificationKind.RETURNED,
            title=_("Dossier %(code)s: papers supplied") % {"code": dossier.code},
            url=_dossier_url(dossier),
            actor=actor,
        )
    return dossier


@transaction.atomic
def refuse_dossier(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """At the counter: Phiếu từ chối tiếp nhận (Mẫu 03). During processing, by the leader of
    the current step: processing stops (ineligible), with the reason."""
    dossier = _locked(dossier)
    reason = _clean_text(reason, "reason", 1000)
    if dossier.status in {DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED} and (
        dossier.received_at is None
    ):
        require_onestop_officer(actor, dossier.agency_id)
        _move(dossier, DossierStatus.REFUSED)
        action = HandOverAction.REFUSED
    else:
        step = DossierStep.objects.active().filter(dossier=dossier).first()
        if step is None or not leads_step(actor, step):
            raise PermissionDenied(_("Only the leader of the current step can stop processing."))
        _move(dossier, DossierStatus.STOPPED)
        action = HandOverAction.STOPPED
        step.state, step.finished_at = StepState.DONE, _now()
        step.save(update_fields=["state", "finished_at"])
    dossier.closing_reason, dossier.closed_at, dossier.closed_by = reason, _now(), actor
    dossier.save()
    _record(dossier, action, actor=actor, note=reason)
    return dossier


@transaction.atomic
def withdraw_dossier(*, actor: User, dossier: Dossier, reason: str = "") -> Dossier:
    """The applicant withdraws the dossier (status 7); a one-stop officer records it for a
    counter dossier."""
    dossier = _locked(dossier)
    if dossier.channel == Channel.ONLINE:
        if dossier.applicant_id != actor.pk:
            raise PermissionDenied(_("Only the applicant can withdraw this dossier."))
    else:
        require_onestop_officer(actor, dossier.agency_id)
    reason = _clean_text(reason, "reason", 1000, required=False)
    _move(dossier, DossierStatus.WITHDRAWN)
    now = _now()
    dossier.closing_reason, dossier.closed_at, dossier.closed_by = reason, now, actor
    dossier.save()
    DossierStep.objects.active().filter(dossier=dossier).update(
        state=StepState.DONE, finished_at=now
    )
    _record(dossier, HandOverAction.WITHDRAWN, actor=actor, note=reason, at=now)
    return dossier


# --- Processing --------------------------------------------------------------------------------


def _locked_step(step: DossierStep) -> tuple[DossierStep, Dossier]:
    dossier = _locked(step.dossier)
    step = (
        DossierStep.objects.select_for_update(of=("self",))
        .select_related("agency", "unit")
        .get(pk=step.pk)
    )
    step.dossier = dossier
    if dossier.status not in {DossierStatus.RECEIVED, DossierStatus.PROCESSING}:
        raise ValidationError(_("This dossier is not being processed now."))
    return step, dossier


@transaction.atomic
def assign_handler(*, actor: User, step: DossierStep, handler: User) -> DossierStep:
    """The unit's leader gives the step to a handler of the unit (or gives it to another)."""
    step, dossier = _locked_step(step)
    require_step_leader(actor, step)
    if step.state not in {StepState.QUEUED, StepState.ASSIGNED}:
        raise ValidationError(_("This step cannot be assigned now."))
    if (
        handler.agency_id != step.agency_id
        or not handler.is_active
        or (step.unit_id is not None and handler.unit_id != step.unit_id)
    ):
        raise ValidationError({"handler": _("The handler must work in the unit of this step.")})
    step.handler, step.state = handler, StepState.ASSIGNED
    step.save(update_fields=["handler", "state"])
    if dossier.status == DossierStatus.RECEIVED:
        _move(dossier, DossierStatus.PROCESSING)
        dossier.save()
    _record(
        dossier,
        HandOverAction.ASSIGNED,
        actor=actor,
        step=step,
        to_user=handler,
        to_unit=step.unit,
        to_agency=step.agency,
    )
    notify(
        recipients=[handler],
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Dossier %(code)s assigned to you") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return step


@transaction.atomic
def consult_unit(
    *, actor: User, step: DossierStep, unit: Unit, question: str, days: Decimal = Decimal(1)
) -> Consultation:
    """The handler asks another unit's opinion, with a deadline in working days."""
    step, dossier = _locked_step(step)
    require_handler(actor, step)
    question = _clean_text(question, "question", 2000)
    if unit.agency_id != step.agency_id or unit.pk == step.unit_id:
        raise ValidationError({"unit": _("Ask another unit of the same agency.")})
    if not Decimal("0.5") <= Decimal(days) <= 30:
        raise ValidationError({"days": _("Between half a day and 30 working days.")})
    now = _now()
    consultation = Consultation.objects.create(
        step=step,
        unit=unit,
        question=question,
        deadline_at=workdays.add_working_days_hours(now, days),
        asked_by=actor,
        asked_at=now,
    )
    _record(
        dossier,
        HandOverAction.CONSULTED,
        actor=actor,
        step=step,
        to_unit=unit,
        to_agency=step.agency,
        note=question,
        at=now,
    )
    notify(
        recipients=User.objects.filter(
            unit=unit, is_active=True, role_grants__role=Role.UNIT_LEADER
        ),
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Opinion asked on dossier %(code)s") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return consultation


@transaction.atomic
def answer_consultation(*, actor: User, consultation: Consultation, answer: str) -> Consultation:
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("step")
        .get(pk=consultation.pk)
    )
    if actor.unit_id != consultation.unit_id:
        raise PermissionDenied(_("Only the unit asked can answer."))
    if consultation.answered_at is not None:
        raise ValidationError(_("This opinion has already been given."))
    consultation.answer = _clean_text(answer, "answer", 4000)
    consultation.answered_by, consultation.answered_at = actor, _now()
    consultation.save()
    dossier = consultation.step.dossier
    _record(
        dossier,
        HandOverAction.ANSWERED,
        actor=actor,
        step=consultation.step,
        to_user=consultation.asked_by,
        note=consultation.answer,
    )
    notify(
        recipients=[consultation.asked_by_id],
        kind=NotificationKind.RETURNED,
        title=_("Opinion given on dossier %(code)s") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return consultation


@transaction.atomic
def propose(*, actor: User, step: DossierStep, text: str) -> DossierStep:
    """The handler submits the result of the examination to the leader."""
    step, dossier = _locked_step(step)
    require_handler(actor, step)
    if step.state != StepState.ASSIGNED:
        raise ValidationError(_("This step is not being examined."))
    step.proposal = _clean_text(text, "text", 4000)
    step.state = StepState.PROPOSED
    step.save(update_fields=["proposal", "state"])
    _record(dossier, HandOverAction.PROPOSED, actor=actor, step=step, note=step.proposal)
    notify(
        recipients=_step_leaders(step),
        kind=NotificationKind.DRAFT_AWAITING_REVIEW,
        title=_("Dossier %(code)s awaits your approval") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return step


@transaction.atomic
def approve_step(
    *, actor: User, step: DossierStep, note: str = "", to_applicant: bool = False
) -> DossierStep:
    """The leader approves the proposal (an approval step: the leader decides directly); the
    dossier goes on to the next step, possibly at another agency. The note stays internal
    unless `to_applicant` (then it is a message to the applicant)."""
    step, dossier = _locked_step(step)
    require_step_leader(actor, step)
    if step.state == StepState.PROPOSED or (
        step.role == StepRole.APPROVAL and step.state in {StepState.QUEUED, StepState.ASSIGNED}
    ):
        pass
    else:
        raise ValidationError(_("There is no proposal to approve on this step."))
    now = _now()
    step.state, step.finished_at = StepState.DONE, now
    if step.handler_id is None:
        step.handler = actor
    assert step.deadline_at is not None
    step.outcome = outcome_of(now, step.deadline_at)
    step.save()
    if dossier.status == DossierStatus.RECEIVED:
        _move(dossier, DossierStatus.PROCESSING)
        dossier.save()
    _record(
        dossier,
        HandOverAction.APPROVED,
        actor=actor,
        step=step,
        note=note[:2000],
        at=now,
        to_applicant=to_applicant,
    )
    nxt = _advance(dossier, actor=actor, at=now)
    if nxt is None:
        clerks = _officers(dossier.agency_id, Role.CLERK)
        notify(
            recipients=clerks,
            kind=NotificationKind.NEW_ASSIGNMENT,
            title=_("Dossier %(code)s: issue the result") % {"code": dossier.code},
            url=_dossier_url(dossier),
            actor=actor,
        )
    return step


def _on_route(actor: User, dossier: Dossier) -> bool:
    """An official of the receiving agency or of an agency on the dossier's route."""
    return actor.agency_id is not None and (
        actor.agency_id == dossier.agency_id
        or dossier.steps.filter(agency_id=actor.agency_id).exists()
    )


@transaction.atomic
def add_note(*, actor: User, dossier: Dossier, text: str, to_applicant: bool = False) -> HandOver:
    """A free note in the dossier's history by an official who sees it and works on its route:
    internal, or a message to the applicant (“Gửi cho người nộp hồ sơ”), who is then told."""
    dossier = _locked(dossier)
    visible = Dossier.objects.visible_to(actor).filter(pk=dossier.pk).exists()
    if not (visible and _on_route(actor, dossier)):
        raise PermissionDenied(_("Only the officials handling this dossier can write in it."))
    if dossier.status == DossierStatus.DRAFT:
        raise ValidationError(_("This dossier has not been submitted."))
    text = _clean_text(text, "text", 2000)
    step = DossierStep.objects.active().filter(dossier=dossier).first()
    return _record(
        dossier, HandOverAction.NOTED, actor=actor, step=step, note=text, to_applicant=to_applicant
    )


@transaction.atomic
def apologise(*, actor: User, dossier: Dossier, reason: str, new_due_at: datetime) -> Apology:
    """Phiếu xin lỗi và hẹn lại (Mẫu 04): the leader of an agency on the route gives a new
    appointment, once."""
    dossier = _locked(dossier)
    if dossier.status not in {DossierStatus.RECEIVED, DossierStatus.PROCESSING}:
        raise ValidationError(_("This dossier is not being processed now."))
    agency_id = actor.agency_id
    on_route = agency_id is not None and dossier.steps.filter(agency_id=agency_id).exists()
    if agency_id is None or not (actor.has_role(Role.AGENCY_LEADER) and on_route):
        raise PermissionDenied(_("Only a leader of an agency processing this dossier can do this."))
    if Apology.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("The appointment has already been moved once."))
    reason = _clean_text(reason, "reason", 1000)
    assert dossier.due_at is not None
    if new_due_at <= dossier.due_at:
        raise ValidationError({"new_due_at": _("The new date must be after the current one.")})
    now = _now()
    apology = Apology.objects.create(
        dossier=dossier,
        reason=reason,
        old_due_at=dossier.due_at,
        new_due_at=new_due_at,
        agency_id=agency_id,
        signed_by=actor,
        created_at=now,
    )
    dossier.due_at = new_due_at
    dossier.warn_at = max(now, workdays.subtract_working_hours(new_due_at, WARNING_HOURS))
    dossier.warned_at = None
    dossier.save()
    _record(dossier, HandOverAction.APOLOGISED, actor=actor, note=reason, at=now)
    notify(
        recipients=_officers(dossier.agency_id, Role.ONESTOP_OFFICER),
        kind=NotificationKind.OVERDUE,
        title=_("Dossier %(code)s: new appointment") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return apology


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
    from lienthong.catalogue.services import result_document_type
    from lienthong.documents import services as document_services

    dossier = _locked(dossier)
    if dossier.status not in {DossierStatus.RECEIVED, DossierStatus.PROCESSING}:
        raise ValidationError(_("This dossier is not being processed now."))
    if not (actor.agency_id == dossier.agency_id and actor.has_role(Role.CLERK)):
        raise PermissionDenied(_("The result is issued by the competent agency's clerk."))
    if (
        DossierStep.objects.filter(dossier=dossier)
        .exclude(role=StepRole.RESULT)
        .exclude(state=StepState.DONE)
        .exists()
    ):
        raise ValidationError(_("The processing steps are not finished yet."))
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
        from lienthong.signatures.services import seal_attachment

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
        from lienthong.signatures.services import enqueue_verification

        enqueue_verification(blob=sealed.blob)
    dossier.save()
    _keep_result_digitised(dossier, document, actor)
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
    require_onestop_officer(actor, dossier.agency_id)
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


@transaction.atomic
def rate_dossier(
    *,
    actor: User,
    dossier: Dossier,
    satisfaction: int,
    staff_attitude: int,
    comment: str = "",
) -> Rating:
    """The applicant rates the service once the dossier is closed."""
    dossier = _locked(dossier)
    require_applicant(actor)
    if dossier.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can rate this dossier."))
    if dossier.status not in {
        DossierStatus.RETURNED,
        DossierStatus.REFUSED,
        DossierStatus.STOPPED,
    }:
        raise ValidationError(_("A dossier is rated once it is closed."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("This dossier has already been rated."))
    errors = {}
    for field, value in (("satisfaction", satisfaction), ("staff_attitude", staff_attitude)):
        if value not in Satisfaction.values:
            errors[field] = [_("Choose one of the answers.")]
    if errors:
        raise ValidationError(errors)
    rating = Rating.objects.create(
        dossier=dossier,
        rater=actor,
        satisfaction=satisfaction,
        staff_attitude=staff_attitude,
        comment=_clean_text(comment, "comment", 1000, required=False),
        rated_at=_now(),
    )
    record_event(
        action="dossier.rated", actor=actor, obj=dossier, data={"satisfaction": satisfaction}
    )
    return rating


# --- Fees --------------------------------------------------------------------------------------


def payment_reference(dossier: Dossier) -> str:
    return f"HS-{dossier.code}"


@transaction.atomic
def mark_fee_paid(
    *, reference: str, amount_vnd: int, paid_at: datetime | None = None
) -> Dossier | None:
    """Record the fee of the dossier a payment reference names (once; a repeat changes
    nothing). Called from the payments app's `payment_succeeded` signal."""
    if not reference.startswith("HS-"):
        return None
    dossier = Dossier.objects.select_for_update().filter(code=reference[3:]).first()
    if dossier is None or dossier.fee_paid_at is not None:
        return dossier
    if amount_vnd < dossier.fee_vnd:
        raise ValidationError(_("The amount paid is less than the fee."))
    dossier.fee_paid_at, dossier.payment_reference = paid_at or _now(), reference
    dossier.save(update_fields=["fee_paid_at", "payment_reference", "updated_at"])
    _record(dossier, HandOverAction.FEE_PAID, actor=None, note=f"{amount_vnd} VND")
    return dossier


# --- Late warning (periodic) -------------------------------------------------------------------


def warn_due_soon(now: datetime | None = None) -> int:
    """One working day before the appointment, tell the officers in charge (the current step's
    handler and leaders, and the counter) once. Run every minute by the scheduler."""
    now = now or _now()
    warned = 0
    ids = list(
        Dossier.objects.filter(
            warn_at__lte=now,
            warned_at__isnull=True,
            status__in=[DossierStatus.RECEIVED, DossierStatus.PROCESSING],
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        with transaction.atomic():
            dossier = (
                Dossier.objects.select_for_update().filter(pk=pk, warned_at__isnull=True).first()
            )
            if dossier is None:
                continue
            dossier.warned_at = now
            dossier.save(update_fields=["warned_at"])
            recipients: list[Any] = list(_officers(dossier.agency_id, Role.ONESTOP_OFFICER))
            for step in DossierStep.objects.active().filter(dossier=dossier):
                recipients.append(step.handler_id)
                recipients += _step_leaders(step)
            assert dossier.due_at is not None
            _record(dossier, HandOverAction.WARNED, actor=None, at=now)
            notify(
                recipients=recipients,
                kind=NotificationKind.DUE_SOON,
                title=_("Dossier %(code)s is due %(due)s")
                % {
                    "code": dossier.code,
                    "due": timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
                },
                url=_dossier_url(dossier),
            )
            warned += 1
    return warned


def may_pay(dossier: Dossier) -> bool:
    """A level-4 procedure with a fee: the applicant pays on-line once the dossier has its
    code, until the fee is recorded."""
    return bool(
        dossier.procedure.needs_payment_online
        and dossier.channel == Channel.ONLINE
        and dossier.code
        and dossier.fee_paid_at is None
        and dossier.status
        not in {
            DossierStatus.DRAFT,
            DossierStatus.REFUSED,
            DossierStatus.WITHDRAWN,
            DossierStatus.STOPPED,
        }
    )


@transaction.atomic
def start_fee_payment(*, actor: User, dossier: Dossier, return_url: str) -> Any:
    """Open the payment of the dossier's fee with the payment provider (payments app); the
    `payment_succeeded` signal marks it paid."""
    from lienthong.payments.services import start_payment

    dossier = _locked(dossier)
    if dossier.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can pay this dossier's fee."))
    if not may_pay(dossier):
        raise ValidationError(_("There is no fee to pay on-line for this dossier."))
    return start_payment(
        reference=payment_reference(dossier),
        amount_vnd=int(dossier.fee_vnd),
        description=f"Lệ phí hồ sơ {dossier.code}",
        payer=actor,
        return_url=return_url,
    )
