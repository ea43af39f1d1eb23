"""Fixtures of the tasks tests: a provincial committee giving tasks to a department (its units
and people), an unrelated agency, and a clock frozen on a working day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from tests.workflows.conftest import official

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Cast:
    province: Agency
    department: Agency  # Sở TT&TT
    outsider_agency: Agency
    it_unit: Unit  # a unit of the department
    other_unit: Unit
    chairman: User  # leader of the province (gives tasks)
    director: User  # leader of the department
    unit_head: User  # leader of the IT unit
    specialist: User  # of the IT unit
    other_specialist: User  # of the other unit
    outsider: User  # a leader of the unrelated agency


@pytest.fixture
def cast(province: Agency, agency_factory: Any, time_machine: Any) -> Cast:
    # Monday 09/03/2026 09:00 in Vietnam, ticking.
    time_machine.move_to(datetime(2026, 3, 9, 9, 0, tzinfo=VN), tick=True)
    department = agency_factory("Sở Thông tin và Truyền thông", "STTTT")
    outsider_agency = agency_factory("Sở Tư pháp", "STP")
    it_unit = account_services.create_unit(
        actor=None, agency=department, name="Phòng Công nghệ thông tin", abbreviation="CNTT"
    )
    other_unit = account_services.create_unit(
        actor=None, agency=department, name="Văn phòng", abbreviation="VP"
    )
    return Cast(
        province=province,
        department=department,
        outsider_agency=outsider_agency,
        it_unit=it_unit,
        other_unit=other_unit,
        chairman=official(province, Role.AGENCY_LEADER, "lanhdao.tinh", "Phạm Thành Tươi"),
        director=official(department, Role.AGENCY_LEADER, "giamdoc.tttt", "Lê Văn Sở"),
        unit_head=official(department, Role.UNIT_LEADER, "truong.cntt", "Ngô Văn Trưởng", it_unit),
        specialist=official(department, Role.SPECIALIST, "cv.cntt", "Nguyễn Văn Một", it_unit),
        other_specialist=official(department, Role.SPECIALIST, "cv.vp", "Hồ Thị Hai", other_unit),
        outsider=official(outsider_agency, Role.AGENCY_LEADER, "giamdoc.stp", "Võ Văn Ngoài"),
    )


@pytest.fixture
def clerk(cast: Cast) -> User:
    """The province's clerk (registers the documents tasks come from)."""
    return official(cast.province, Role.CLERK, "vanthu.tinh", "Lê Thị Văn Thư")


@pytest.fixture
def web() -> Any:
    from django.test import Client

    def client_for(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for
