"""Every path of the demo can be walked: every unit a demo procedure's step names, and every
unit a demo leader may assign as lead or supporting unit ("chủ trì" / "phối hợp"), has a head
and a specialist who can act; and every demo procedure (Sở TT&TT's 18 among them) goes from
intake at the counter to the result returned, through the services, with the demo officials."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.demo import DIC, DIC_PROCEDURES, OTHER_PROCEDURES
from lienthong.catalogue.models import Procedure, ProcedureStep
from lienthong.documents.models import DocumentType
from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus, StepState
from lienthong.onestop.models import DossierStep
from lienthong.onestop.permissions import leads_step
from lienthong.onestop.services import Applicant, Paper
from tests.documents.files import text_pdf

pytestmark = pytest.mark.django_db

# The units that are not assigned work: the leadership, the office and the one-stop counter.
NOT_ASSIGNED = {"LĐ", "VP", "TH", "MC"}
APPLICANT = Applicant(
    kind="citizen",
    name="Nguyễn Văn Bé",
    id_number="096085000999",
    phone="0913000999",
    email="be.nguyen@example.vn",
    address="Phường 5, thành phố Cà Mau",
)


def test_every_demo_path_can_be_walked() -> None:
    # One test: loading the demo takes most of its time.
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    check_every_named_unit_has_a_head_and_a_specialist()
    check_every_demo_procedure_walks_from_intake_to_result()


def _active(**filters: object) -> list[User]:
    return list(User.objects.filter(is_active=True, **filters).distinct())


def heads(unit: Unit) -> list[User]:
    return [u for u in _active(unit=unit, role_grants__role=Role.UNIT_LEADER)]


def specialists(agency_id: int, unit_id: int | None) -> list[User]:
    """Who handles a step: a specialist of the unit (of the agency when no unit is named) who
    is not its head."""
    found = _active(agency_id=agency_id, role_grants__role=Role.SPECIALIST)
    return [
        u
        for u in found
        if (unit_id is None or u.unit_id == unit_id) and not u.has_role(Role.UNIT_LEADER)
    ]


def check_every_named_unit_has_a_head_and_a_specialist() -> None:
    codes = [p.code for p in DIC_PROCEDURES + OTHER_PROCEDURES]
    steps = ProcedureStep.objects.filter(procedure__national_code__in=codes).select_related(
        "agency", "unit", "procedure"
    )
    assert len(DIC_PROCEDURES) == 18
    assert Procedure.objects.filter(agency__code=DIC, national_code__in=codes).count() == 18
    assert steps.count() >= 4 * len(codes)
    named_units = set()
    for step in steps:
        where = f"{step.procedure.national_code} step {step.order} ({step.name})"
        if step.role in (StepRole.RECEPTION, StepRole.RESULT):
            # The counter receives and returns; the agency's clerk issues the result.
            assert step.unit is not None, where
            assert _active(unit=step.unit, role_grants__role=Role.ONESTOP_OFFICER), where
            assert _active(agency=step.procedure.agency, role_grants__role=Role.CLERK), where
            continue
        if step.unit is not None:
            named_units.add(step.unit)
        # Somebody leads it (the unit's head, or the agency's leader for a step of no unit)...
        leaders = heads(step.unit) if step.unit else []
        leaders = leaders or _active(agency=step.agency, role_grants__role=Role.AGENCY_LEADER)
        assert leaders, where
        if step.unit is not None:
            assert heads(step.unit), where
        # ... and somebody of its unit handles it.
        if step.role == StepRole.PROCESSING:
            assert specialists(step.agency_id, step.unit_id), where
    assert {u.abbreviation for u in named_units} >= {"TTBCXB", "BCVT", "CNTT", "NV", "TPHT"}

    # Assignments: a demo leader may name any specialised unit of his agency, as lead or
    # supporting unit ("phối hợp"): each has a head to hand it on and a specialist to work it.
    led = Agency.objects.filter(users__role_grants__role=Role.AGENCY_LEADER).distinct()
    assert led.count() >= 8
    assignable = Unit.objects.filter(agency__in=led).exclude(abbreviation__in=NOT_ASSIGNED)
    assert assignable.count() >= 15
    for unit in assignable:
        assert heads(unit), f"{unit.agency.code} {unit.abbreviation}: no head"
        assert specialists(unit.agency_id, unit.pk), f"{unit.agency.code} {unit.abbreviation}"


def _walk(procedure: Procedure, clerks_type: DocumentType) -> None:
    officer = User.objects.filter(
        agency=procedure.agency, role_grants__role=Role.ONESTOP_OFFICER, is_active=True
    ).first()
    assert officer is not None, procedure.national_code
    papers = [
        Paper(upload=io.BytesIO(text_pdf(c.name)), name=f"{c.order}.pdf", component=c)
        for c in procedure.components.filter(required=True)
    ]
    dossier = services.file_dossier(
        actor=officer,
        procedure=procedure,
        idempotency_key=None,
        papers=papers,
        applicant=APPLICANT,
        submit=True,
    )
    services.receive_dossier(actor=officer, dossier=dossier)
    walked = 0
    while True:
        step = (
            DossierStep.objects.filter(dossier=dossier, state=StepState.QUEUED)
            .select_related("dossier", "agency", "unit")
            .first()
        )
        if step is None:
            break
        where = f"{procedure.national_code} step {step.order}"
        candidates = (heads(step.unit) if step.unit else []) or _active(
            agency_id=step.agency_id, role_grants__role=Role.AGENCY_LEADER
        )
        leader = next(u for u in candidates if leads_step(u, step))
        if step.role == StepRole.PROCESSING:
            handler = specialists(step.agency_id, step.unit_id)[0]
            services.assign_handler(actor=leader, step=step, handler=handler)
            services.propose(actor=handler, step=step, text=f"Đề nghị giải quyết ({where})")
            step.refresh_from_db()
        services.approve_step(actor=leader, step=step, note="Đồng ý")
        walked += 1
    assert walked >= 2, procedure.national_code
    clerk = User.objects.filter(agency=procedure.agency, role_grants__role=Role.CLERK).first()
    assert clerk is not None, procedure.national_code
    services.issue_result(
        actor=clerk,
        dossier=dossier,
        document_type=clerks_type,
        upload=io.BytesIO(text_pdf(procedure.result_name)),
        file_name="ket-qua.pdf",
    )
    services.return_result(actor=officer, dossier=dossier, channel="counter")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED, procedure.national_code
    assert not dossier.steps.exclude(state=StepState.DONE).exists()
    assert not dossier.steps.filter(handler=None).exists()


def check_every_demo_procedure_walks_from_intake_to_result() -> None:
    decision = DocumentType.objects.get(name="Quyết định")
    codes = [p.code for p in DIC_PROCEDURES + OTHER_PROCEDURES]
    procedures = list(Procedure.objects.filter(national_code__in=codes).order_by("national_code"))
    assert len(procedures) == len(codes)
    walked = []
    for procedure in procedures:
        _walk(procedure, decision)
        walked.append(procedure)
    assert sum(1 for p in walked if p.agency.code == DIC) == 18
    # The inter-agency procedure (liên thông) passed through Sở Lao động - Thương binh và Xã hội.
    assert DossierStep.objects.filter(
        agency__code="000.00.12.H12", state=StepState.DONE, handler__isnull=False
    ).exists()
