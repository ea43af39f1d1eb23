from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.catalogue import services as catalogue
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.models import Procedure
from lienthong.catalogue.services import ComponentSpec, StepSpec
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier
from lienthong.quality.constants import Indicator
from lienthong.quality.models import Objective, QualitySystem, ScopedProcedure, StandardVersion


@pytest.fixture
def agency(two_agencies) -> Agency:
    return two_agencies[0]


@pytest.fixture
def officer(agency, user_factory) -> User:
    return user_factory(agency, [Role.QUALITY_OFFICER], username="iso.stp")


@pytest.fixture
def owner(agency, user_factory) -> User:
    return user_factory(agency, [Role.SPECIALIST], username="chuyenvien.stp")


@pytest.fixture
def leader(agency, user_factory) -> User:
    return user_factory(agency, [Role.AGENCY_LEADER], username="lanhdao.stp")


@pytest.fixture
def procedure(agency) -> Procedure:
    return procedure_for(agency)


def procedure_for(agency: Agency) -> Procedure:
    sector = catalogue.save_sector(actor=None, code="TP", name="Tư pháp")
    return catalogue.create_procedure(
        actor=None,
        fields={
            "national_code": "T-CMU-000001-TT",
            "name": "Cấp Phiếu lý lịch tư pháp",
            "sector": sector,
            "agency": agency,
            "level_2011": 3,
            "legal_basis": "Luật Lý lịch tư pháp số 28/2009/QH12",
            "processing_days": Decimal(10),
            "result_name": "Phiếu lý lịch tư pháp",
        },
        components=[ComponentSpec(order=1, name="Tờ khai", copy_kind="original")],
        steps=[
            StepSpec(
                order=1, name="Tiếp nhận", agency=agency, role=StepRole.RECEPTION, days=Decimal(1)
            ),
            StepSpec(
                order=2, name="Thẩm định", agency=agency, role=StepRole.PROCESSING, days=Decimal(8)
            ),
            StepSpec(
                order=3, name="Trả kết quả", agency=agency, role=StepRole.RESULT, days=Decimal(1)
            ),
        ],
        publish=True,
    )


def system_for(agency: Agency, code: str, procedure: Procedure | None = None) -> QualitySystem:
    system = QualitySystem.objects.create(
        agency=agency,
        version=StandardVersion.objects.get(code=code),
        scope="Giải quyết thủ tục hành chính",
        policy="Đúng hẹn",
    )
    Objective.objects.create(
        system=system,
        year=2012,
        title="Tỷ lệ hồ sơ đúng hạn",
        indicator=Indicator.ONESTOP_ON_TIME,
        target=Decimal(98),
    )
    if procedure is not None:
        ScopedProcedure.objects.create(system=system, procedure=procedure)
    return system


@pytest.fixture
def system(agency, procedure) -> QualitySystem:
    return system_for(agency, "2008", procedure)


_codes = iter(range(1, 100_000))


def returned(procedure: Procedure, user: User, day: date, outcome: str) -> Dossier:
    """A dossier whose result was returned on `day` with `outcome` (test data, not a flow)."""
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    return Dossier.objects.create(
        code=f"000.00.05.H12-120510-{next(_codes):04d}",
        procedure=procedure,
        agency=procedure.agency,
        channel="counter",
        status=DossierStatus.RETURNED,
        applicant_kind="citizen",
        applicant_name="Nguyễn Văn A",
        applicant_id_number="096080000001",
        applicant_phone="0913000000",
        created_by=user,
        returned_at=moment,
        outcome=outcome,
    )
