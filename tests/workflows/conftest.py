"""Fixtures of the processing tests: one agency's people (leader, deputy, unit leaders,
specialists, clerk), an officer of another agency, a frozen clock, and recorders of the
notifications and status reports the services send."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.documents.models import Document
from tests.documents.conftest import register_incoming, run_tasks  # noqa: F401  (fixtures)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    """A frozen `timezone.now()`; `set` moves it (a date means 09:00 Vietnam time)."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def set(self, when: datetime | date) -> None:
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(9, 0), tzinfo=VN)
        self.current = when

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Frozen at Thursday 12/02/2026 09:00 (Vietnam), the last working days before Tết."""
    frozen = Clock(datetime(2026, 2, 12, 9, 0, tzinfo=VN))
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


@dataclass
class Recorder:
    notifications: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[tuple[int, str]] = field(default_factory=list)

    def notified(self, kind: str) -> list[set[str]]:
        return [
            {u.username for u in n["recipients"]} for n in self.notifications if n["kind"] == kind
        ]


@pytest.fixture(autouse=True)
def sent(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """What the services told other apps (notifications, edXML statuses). Those apps are
    written in parallel; these tests check the calls, not their effects."""
    from lienthong.exchange import services as exchange_services
    from lienthong.notifications import services as notification_services

    recorder = Recorder()

    def notify(*, recipients: Any, kind: Any, title: str, url: str = "", actor: Any = None):
        recorder.notifications.append(
            {"recipients": list(recipients), "kind": str(kind), "title": title, "url": url}
        )

    def report_status(*, document: Any, status: str, actor: Any = None, note: str = "") -> None:
        recorder.statuses.append((document.pk, status))

    monkeypatch.setattr(notification_services, "notify", notify)
    monkeypatch.setattr(exchange_services, "report_status", report_status)
    return recorder


@dataclass
class People:
    agency: Agency
    other_agency: Agency
    legal: Unit  # the lead unit in the tests
    admin_unit: Unit  # a supporting unit
    leader: User
    deputy: User
    legal_head: User
    admin_head: User
    specialist: User
    specialist2: User
    clerk: User
    outsider: User  # a leader of the other agency
    other_specialist: User  # a specialist of another unit of the same agency


def official(
    agency: Agency, role: Role, username: str, full_name: str, unit: Unit | None = None
) -> User:
    """An official without a password (quick to create; tests sign in with force_login)."""
    return account_services.create_user(
        actor=None,
        username=username,
        full_name=full_name,
        password=None,
        agency=agency,
        unit=unit,
        roles=[role],
    )


@pytest.fixture
def clerk(two_agencies) -> User:
    return official(two_agencies[0], Role.CLERK, "vanthu.stp", "Lê Thị Văn Thư")


@pytest.fixture
def people(two_agencies, clerk) -> People:
    stp, snv = two_agencies
    legal = account_services.create_unit(
        actor=None, agency=stp, name="Phòng Xây dựng và Kiểm tra văn bản", abbreviation="XDKTVB"
    )
    admin_unit = account_services.create_unit(
        actor=None, agency=stp, name="Phòng Hành chính tư pháp", abbreviation="HCTP"
    )
    return People(
        agency=stp,
        other_agency=snv,
        legal=legal,
        admin_unit=admin_unit,
        leader=official(stp, Role.AGENCY_LEADER, "giamdoc", "Trần Quốc Giám"),
        deputy=official(stp, Role.SPECIALIST, "phogiamdoc", "Phạm Thị Phó"),
        legal_head=official(stp, Role.UNIT_LEADER, "truongphong", "Ngô Văn Trưởng", legal),
        admin_head=official(stp, Role.UNIT_LEADER, "truongphong2", "Đỗ Thị Hành", admin_unit),
        specialist=official(stp, Role.SPECIALIST, "chuyenvien", "Nguyễn Văn Một", legal),
        specialist2=official(stp, Role.SPECIALIST, "chuyenvien2", "Hồ Thị Hai", legal),
        clerk=clerk,
        outsider=official(snv, Role.AGENCY_LEADER, "giamdoc.snv", "Võ Văn Ngoài"),
        other_specialist=official(stp, Role.SPECIALIST, "chuyenvien.hctp", "Lý Văn Ba", admin_unit),
    )


@pytest.fixture
def incoming(register_incoming) -> Callable[..., Document]:  # noqa: F811
    """Register an incoming document now (by the clerk); its date is early February 2026."""

    def make(**overrides: Any) -> Document:
        overrides.setdefault("issued_date", date(2026, 2, 2))
        return register_incoming(**overrides)

    return make


@pytest.fixture
def api() -> Callable[[User], APIClient]:
    def client_for(user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def web() -> Iterator[Callable[[User], Any]]:
    from django.test import Client

    def client_for(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    yield client_for


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """These tests read service messages in English (the msgids); the UI default stays vi."""
    from django.utils import translation

    with translation.override("en"):
        yield
