"""A small one-stop world: a department with two units and a leader, a second agency on the
route (liên thông), a counter officer, a clerk, a published procedure with papers and steps,
and a citizen's account. `clock` sets the services' time."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.catalogue.constants import CopyKind, StepRole
from lienthong.catalogue.models import Procedure, ProcedureComponent, ProcedureStep, Sector
from lienthong.onestop import services
from lienthong.onestop.services import Applicant
from tests.conftest import PASSWORD
from tests.documents.files import text_pdf

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


class Clock:
    def __init__(self) -> None:
        self.now = vn(2026, 11, 23, 9, 0)  # a Monday

    def set(self, *args: int) -> datetime:
        self.now = vn(*args)
        return self.now


def _service_modules() -> list[ModuleType]:
    """The modules of the services package: each reads the time through its own `_now`."""
    return [
        importlib.import_module(f"{services.__name__}.{info.name}")
        for info in pkgutil.iter_modules(services.__path__)
    ]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    for module in _service_modules():
        if hasattr(module, "_now"):
            monkeypatch.setattr(module, "_now", lambda: c.now)
    return c


@dataclass
class World:
    dept: Agency
    other: Agency
    bc: Unit
    vp: Unit
    other_unit: Unit
    counter: User
    leader: User
    bc_leader: User
    bc_handler: User
    vp_leader: User
    vp_member: User
    other_leader: User
    other_handler: User
    clerk: User
    outsider: User
    citizen: User
    procedure: Procedure
    components: list[ProcedureComponent]


def make_user(agency: Agency | None, roles: list[Role], unit: Unit | None, username: str) -> User:
    return account_services.create_user(
        actor=None,
        username=username,
        full_name=f"Cán bộ {username}",
        password=PASSWORD,
        agency=agency,
        unit=unit,
        roles=roles,
        email=f"{username}@camau.gov.vn",
    )


CITIZEN = Applicant(
    kind="citizen",
    name="Trần Thị Mai",
    id_number="096188000123",
    phone="0913123456",
    email="mai@example.vn",
    address="Phường 5, TP Cà Mau",
)


def make_citizen(username: str = "mai", applicant: Applicant = CITIZEN) -> User:
    return services.sign_up_applicant(username=username, password=PASSWORD, applicant=applicant)


@pytest.fixture
def world(agency_factory: Any) -> World:
    dept = agency_factory("Sở Thông tin và Truyền thông", "STTTT")
    other = agency_factory("Sở Kế hoạch và Đầu tư", "SKHĐT")
    outsider_agency = agency_factory("Sở Y tế", "SYT")
    bc = account_services.create_unit(
        actor=None, agency=dept, name="Phòng Bưu chính, Viễn thông", abbreviation="BCVT"
    )
    vp = account_services.create_unit(
        actor=None, agency=dept, name="Văn phòng Sở", abbreviation="VP"
    )
    other_unit = account_services.create_unit(
        actor=None, agency=other, name="Phòng Đăng ký kinh doanh", abbreviation="ĐKKD"
    )
    sector = Sector.objects.create(code="BC", name="Bưu chính")
    procedure = Procedure.objects.create(
        national_code="T-CMU-BC-01",
        name="Cấp giấy phép bưu chính nội tỉnh",
        sector=sector,
        agency=dept,
        level_2011=3,
        legal_basis="Luật Bưu chính 2010",
        processing_days=Decimal("5"),
        result_name="Giấy phép bưu chính",
        is_published=True,
    )
    components = [
        ProcedureComponent.objects.create(
            procedure=procedure, order=1, name="Đơn đề nghị cấp giấy phép bưu chính"
        ),
        ProcedureComponent.objects.create(
            procedure=procedure,
            order=2,
            name="Giấy chứng nhận đăng ký doanh nghiệp",
            copy_kind=CopyKind.CERTIFIED_COPY,
        ),
        ProcedureComponent.objects.create(
            procedure=procedure, order=3, name="Tài liệu khác", required=False
        ),
    ]
    for order, name, agency, unit, role, days in [
        (1, "Tiếp nhận hồ sơ", dept, None, StepRole.RECEPTION, "0.5"),
        (2, "Thẩm định hồ sơ", dept, bc, StepRole.PROCESSING, "2"),
        (3, "Xác nhận đăng ký kinh doanh", other, other_unit, StepRole.PROCESSING, "1.5"),
        (4, "Lãnh đạo Sở phê duyệt", dept, None, StepRole.APPROVAL, "0.5"),
        (5, "Trả kết quả", dept, None, StepRole.RESULT, "0.5"),
    ]:
        ProcedureStep.objects.create(
            procedure=procedure,
            order=order,
            name=name,
            agency=agency,
            unit=unit,
            role=role,
            days=Decimal(days),
        )
    return World(
        dept=dept,
        other=other,
        bc=bc,
        vp=vp,
        other_unit=other_unit,
        counter=make_user(dept, [Role.ONESTOP_OFFICER], None, "motcua"),
        leader=make_user(dept, [Role.AGENCY_LEADER], None, "giamdoc"),
        bc_leader=make_user(dept, [Role.UNIT_LEADER], bc, "truongphong.bc"),
        bc_handler=make_user(dept, [Role.SPECIALIST], bc, "chuyenvien.bc"),
        vp_leader=make_user(dept, [Role.UNIT_LEADER], vp, "chanhvanphong"),
        vp_member=make_user(dept, [Role.SPECIALIST], vp, "chuyenvien.vp"),
        other_leader=make_user(other, [Role.UNIT_LEADER], other_unit, "truongphong.dkkd"),
        other_handler=make_user(other, [Role.SPECIALIST], other_unit, "chuyenvien.dkkd"),
        clerk=make_user(dept, [Role.CLERK], vp, "vanthu"),
        outsider=make_user(
            outsider_agency, [Role.ONESTOP_OFFICER, Role.AGENCY_LEADER], None, "ngoai"
        ),
        citizen=make_citizen(),
        procedure=procedure,
        components=components,
    )


def pdf_file(text: str = "Giấy tờ") -> Any:
    import io

    return io.BytesIO(text_pdf(text))


def filed_online(world: World, key: str | None = None) -> Any:
    """A citizen's draft with both required papers attached."""
    dossier = services.create_dossier(
        actor=world.citizen, procedure=world.procedure, idempotency_key=key
    )
    for component in world.components[:2]:
        services.add_component(
            actor=world.citizen,
            dossier=dossier,
            upload=pdf_file(component.name),
            name=f"{component.order}.pdf",
            procedure_component=component,
        )
    return dossier
