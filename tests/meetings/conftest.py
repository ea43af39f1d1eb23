"""The provincial People's Committee's office (a schedule officer, the chief of office, the
chairman, a specialist) and two district committees (each with a clerk and a specialist)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.meetings import services
from lienthong.meetings.constants import RoomKind
from lienthong.meetings.models import Meeting, Room
from tests.conftest import run_tasks  # noqa: F401

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Org:
    province: Agency
    district: Agency
    other_district: Agency
    office: Unit
    officer: User  # thư ký lịch công tác
    chief_of_office: User
    chairman: User
    vice_chairman: User
    specialist: User
    district_clerk: User
    district_specialist: User
    other_clerk: User
    room: Room


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(province, user_factory) -> Org:
    province = account_services.set_issuing_policy(
        actor=None, agency=province, issues_on_paper=True
    )

    def district(code: str, name: str, abbreviation: str) -> Agency:
        return account_services.create_agency(
            actor=None,
            code=code,
            name=name,
            abbreviation=abbreviation,
            kind=AgencyKind.DISTRICT_COMMITTEE,
            place_name=name.split(" ")[-1],
            parent=province,
        )

    one = district("000.00.31.H12", "Ủy ban nhân dân huyện Thới Bình", "UBND")
    two = district("000.00.32.H12", "Ủy ban nhân dân huyện U Minh", "UBND")
    office = account_services.create_unit(
        actor=None, agency=province, name="Văn phòng UBND tỉnh", abbreviation="VP"
    )
    officer = user_factory(province, [Role.SCHEDULE_OFFICER], unit=office, username="thuky")
    chief = user_factory(province, [Role.UNIT_LEADER], unit=office, username="chanhvanphong")
    chairman = user_factory(province, [Role.AGENCY_LEADER], username="chutich")
    vice = user_factory(province, [Role.AGENCY_LEADER], username="phochutich")
    specialist = user_factory(province, [Role.SPECIALIST], unit=office, username="chuyenvien")
    clerk = user_factory(one, [Role.CLERK], username="vanthu.thoibinh")
    district_specialist = user_factory(one, [Role.SPECIALIST], username="chuyenvien.thoibinh")
    other_clerk = user_factory(two, [Role.CLERK], username="vanthu.uminh")
    for user, email in ((chairman, "chutich@camau.gov.vn"), (specialist, "cv@camau.gov.vn")):
        user.email = email
        user.save(update_fields=["email"])
    room = services.create_room(
        actor=officer,
        name="Phòng họp số 1",
        kind=RoomKind.PHYSICAL,
        capacity=30,
        equipment="Màn hình, micro",
    )
    return Org(
        province,
        one,
        two,
        office,
        officer,
        chief,
        chairman,
        vice,
        specialist,
        clerk,
        district_specialist,
        other_clerk,
        room,
    )


@functools.cache
def _monday() -> date:
    """The Monday of next week by the suite's clock (conf/test.py LIENTHONG_TEST_CLOCK, or the
    real one), read once per run so that a test moving the clock does not move its dates."""
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) + timedelta(days=7)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Cà Mau around next week, numbered like a month whose 14th is next week's
    Monday (the tests were written for December 2026): `at(14, 8)` is next Monday at 8:00,
    `at(15, 8)` the Tuesday, `at(10, 9)` the Thursday before, `at(21, 8)` the Monday after."""
    moment = datetime.combine(_monday() + timedelta(days=day - 14), time(hour, minute))
    return moment.replace(tzinfo=TZ)


@pytest.fixture
def book(org) -> Callable[..., Meeting]:
    def make(**overrides: Any) -> Meeting:
        values: dict[str, Any] = {
            "actor": org.officer,
            "title": "Họp giao ban tuần",
            "starts_at": at(14, 8),
            "ends_at": at(14, 10),
            "chair": org.chairman,
            "room": org.room,
            "users": [org.specialist],
            "agencies": [org.district, org.other_district],
        }
        values.update(overrides)
        return services.book_meeting(**values)

    return make
