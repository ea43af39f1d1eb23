from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.catalogue import services
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.models import Procedure, Sector
from lienthong.catalogue.services import ComponentSpec, StepSpec


@pytest.fixture
def sector(db: Any) -> Sector:
    return services.save_sector(actor=None, code="BAO-CHI", name="Báo chí")


@pytest.fixture
def justice(two_agencies: tuple[Agency, Agency]) -> Agency:
    return two_agencies[0]


@pytest.fixture
def home_affairs(two_agencies: tuple[Agency, Agency]) -> Agency:
    return two_agencies[1]


@pytest.fixture
def sysadmin(user_factory: Callable[..., User]) -> User:
    return user_factory(None, roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def justice_admin(user_factory: Callable[..., User], justice: Agency) -> User:
    return user_factory(justice, roles=[Role.AGENCY_ADMIN])


@pytest.fixture
def other_admin(user_factory: Callable[..., User], home_affairs: Agency) -> User:
    return user_factory(home_affairs, roles=[Role.AGENCY_ADMIN])


@pytest.fixture
def justice_officer(user_factory: Callable[..., User], justice: Agency) -> User:
    return user_factory(justice, roles=[Role.SPECIALIST, Role.ONESTOP_OFFICER])


def steps_for(agency: Agency, *days: str, other: Agency | None = None) -> list[StepSpec]:
    """Steps of the given days at `agency` (the second at `other` when given)."""
    roles = [StepRole.RECEPTION, StepRole.PROCESSING, StepRole.APPROVAL, StepRole.RESULT]
    return [
        StepSpec(
            order=index,
            name=f"Bước {index}",
            agency=other if other is not None and index == 2 else agency,
            role=roles[(index - 1) % 4],
            days=Decimal(value),
        )
        for index, value in enumerate(days, start=1)
    ]


def fields_for(agency: Agency, sector: Sector, **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "national_code": "T-CMU-000001-TT",
        "name": "Cấp Phiếu lý lịch tư pháp",
        "sector": sector,
        "agency": agency,
        "level_2011": 3,
        "legal_basis": "Luật Lý lịch tư pháp số 28/2009/QH12",
        "processing_days": Decimal(10),
        "result_name": "Phiếu lý lịch tư pháp",
    }
    fields.update(extra)
    return fields


@pytest.fixture
def make_procedure(sector: Sector) -> Callable[..., Procedure]:
    counter = iter(range(1, 10_000))

    def make(agency: Agency, *, publish: bool = True, days: str = "10", **extra: Any) -> Procedure:
        n = next(counter)
        extra.setdefault("national_code", f"T-CMU-{n:06d}-TT")
        return services.create_procedure(
            actor=None,
            fields=fields_for(agency, sector, processing_days=Decimal(days), **extra),
            components=[ComponentSpec(order=1, name="Tờ khai", copy_kind="original")],
            steps=steps_for(agency, "1", str(Decimal(days) - 2), "1"),
            publish=publish,
        )

    return make


@pytest.fixture
def import_agencies(agency_factory: Callable[..., Agency]) -> dict[str, Agency]:
    """The agencies (and units) the import template refers to, as in the demo province, without
    loading the whole province: Sở Thông tin và Truyền thông and Sở Tư pháp."""
    from lienthong.accounts import services as accounts

    dic = agency_factory("Sở Thông tin và Truyền thông", "STTTT", code="000.00.11.H12")
    for name, abbreviation in (
        ("Bộ phận Một cửa", "MC"),
        ("Phòng Thông tin - Báo chí - Xuất bản", "TTBCXB"),
    ):
        accounts.create_unit(actor=None, agency=dic, name=name, abbreviation=abbreviation)
    justice = agency_factory("Sở Tư pháp", "STP", code="000.00.05.H12")
    return {"dic": dic, "justice": justice}
