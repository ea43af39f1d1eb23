"""The demo's tasks: what the provincial People's Committee gave its departments from the
2012 plan for IT in the state agencies of Cà Mau (the article in docs: hồ sơ công việc liên
thông to every department and district, 18 procedures on line at level 2, IT training, video
conferences, ISO 9001:2008). Some were done on time, one late, one after an extension, the rest
are under way. Idempotent: a task already there (same title, same giving agency) is kept.

Each task is built through the services (timeline, audit, notices), then its history is moved
back in time to the days it happened, so the board and the statistics show a lived year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.workdays import add_working_days

from . import services
from .constants import DeadlineKind, EntryKind
from .models import ExtensionRequest, Task, TaskEntry

PROVINCE = "000.00.00.H12"
PLAN = (
    "Kế hoạch ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước tỉnh Cà Mau "
    "năm 2012"
)


@dataclass(frozen=True)
class DemoTask:
    title: str
    owner: str  # agency code
    unit: str | None  # unit abbreviation in the agency
    given_ago: int  # days before today it was given
    working_days: int | None = None
    deadline_after: int | None = None  # calendar days after it was given (a date deadline)
    progress: tuple[tuple[int, int, str], ...] = ()  # (days after given, %, note)
    extension: tuple[int, int, str] | None = None  # (days after given, further working days, why)
    done_after: int | None = None  # days after given it was reported done
    report: str = ""


TASKS = [
    DemoTask(
        "Nối thông suốt phần mềm hồ sơ công việc liên thông đến 100% sở, ban, ngành và UBND các "
        "huyện, thành phố",
        "000.00.11.H12",
        "CNTT",
        given_ago=150,
        working_days=40,
        progress=((20, 60, "Đã kết nối 15/20 sở, ban, ngành."),),
        done_after=50,
        report="Phần mềm đã nối thông suốt đến 100% sở, ban, ngành cấp tỉnh và UBND các huyện, "
        "thành phố.",
    ),
    DemoTask(
        "Đưa 18 bộ thủ tục hành chính lên dịch vụ công trực tuyến mức độ 2 trên trang thông tin "
        "điện tử của Sở",
        "000.00.11.H12",
        None,
        given_ago=120,
        deadline_after=60,
        progress=((30, 50, "Đã đưa lên 9 bộ thủ tục."),),
        done_after=55,
        report="Đã đưa 18 bộ thủ tục hành chính lên dịch vụ công trực tuyến mức độ 2.",
    ),
    DemoTask(
        "Tổ chức các lớp tập huấn công nghệ thông tin cho cán bộ, công chức, viên chức từ tỉnh "
        "đến cơ sở",
        "000.00.11.H12",
        "CNTT",
        given_ago=110,
        working_days=30,
        progress=((25, 70, "Đã tổ chức 12/18 lớp."),),
        done_after=52,
        report="Đã tổ chức 18 lớp tập huấn cho 347 cán bộ, công chức, viên chức.",
    ),
    DemoTask(
        "Tổ chức hội nghị truyền hình trực tuyến giữa UBND tỉnh và UBND các huyện, thành phố",
        "000.00.30.H12",
        None,
        given_ago=40,
        working_days=20,
        progress=((10, 40, "Đã lắp đặt thiết bị tại điểm cầu thành phố."),),
        extension=(18, 15, "Chờ nhà cung cấp bàn giao đường truyền số liệu chuyên dùng."),
    ),
    DemoTask(
        "Áp dụng hệ thống quản lý chất lượng theo tiêu chuẩn ISO 9001:2008 trong hoạt động của Sở",
        "000.00.05.H12",
        None,
        given_ago=20,
        deadline_after=120,
        progress=((12, 20, "Đã thành lập Ban chỉ đạo ISO."),),
    ),
]


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def load_demo_tasks() -> int:
    """Give the demo tasks not yet given; returns how many were added."""
    try:
        province = Agency.objects.get(code=PROVINCE)
        chairman = User.objects.get(username="lanhdao.ubndtinh")
    except (Agency.DoesNotExist, User.DoesNotExist):
        return 0
    added = 0
    today = timezone.localdate()
    for spec in TASKS:
        if Task.objects.filter(agency=province, title=spec.title).exists():
            continue
        owner = Agency.objects.get(code=spec.owner)
        unit = Unit.objects.get(agency=owner, abbreviation=spec.unit) if spec.unit else None
        _build(spec, chairman, owner, unit, today)
        added += 1
    return added


def _leader_of(owner: Agency, unit: Unit | None) -> User:
    people = User.objects.filter(agency=owner, is_active=True)
    if unit is not None:
        found: User | None = people.filter(unit=unit, role_grants__role="unit_leader").first()
        if found is not None:
            return found
    leader: User | None = people.filter(role_grants__role="agency_leader").order_by("pk").first()
    assert leader is not None, owner
    return leader


def _build(spec: DemoTask, chairman: User, owner: Agency, unit: Unit | None, today: date) -> None:
    given = today - timedelta(days=spec.given_ago)
    deadline: dict[str, Any] = (
        {"working_days": spec.working_days}
        if spec.working_days
        else {"deadline": today + timedelta(days=365)}  # moved to its real date below
    )
    task = services.give_task(
        actor=chairman,
        title=spec.title,
        owner_agency=owner,
        owner_unit=unit,
        source_label=PLAN,
        **deadline,
    )
    reporter = _leader_of(owner, unit)
    for _after, percent, note in spec.progress:
        services.report_progress(actor=reporter, task=task, progress=percent, note=note)
    if spec.extension:
        _after, days, why = spec.extension
        services.request_extension(actor=reporter, task=task, reason=why, extra_working_days=days)
        services.decide_extension(actor=chairman, task=task, approve=True, note="Đồng ý.")
    if spec.done_after is not None:
        services.complete_task(actor=reporter, task=task, report=spec.report)
    _move_back(task, spec, given)


def _move_back(task: Task, spec: DemoTask, given: date) -> None:
    """Put the task's history on the days it happened."""
    if spec.working_days:
        first = add_working_days(given, spec.working_days)
        kind = DeadlineKind.WORKING_DAYS
    else:
        assert spec.deadline_after is not None
        first = given + timedelta(days=spec.deadline_after)
        kind = DeadlineKind.DATE
    deadline = first
    entries = list(task.entries.order_by("at", "id"))
    times: dict[int, datetime] = {}
    progress = iter(spec.progress)
    for entry in entries:
        if entry.kind == EntryKind.GIVEN:
            times[entry.pk] = _at(given, 8)
        elif entry.kind == EntryKind.PROGRESS:
            times[entry.pk] = _at(given + timedelta(days=next(progress)[0]), 10)
        elif entry.kind in (EntryKind.EXTENSION_REQUESTED, EntryKind.EXTENSION_APPROVED):
            assert spec.extension is not None
            later = 0 if entry.kind == EntryKind.EXTENSION_REQUESTED else 1
            times[entry.pk] = _at(given + timedelta(days=spec.extension[0] + later), 14)
        elif entry.kind == EntryKind.COMPLETED:
            assert spec.done_after is not None
            times[entry.pk] = _at(given + timedelta(days=spec.done_after), 16)
    for pk, at in times.items():
        TaskEntry.objects.filter(pk=pk).update(at=at)
    if spec.extension:
        extension = ExtensionRequest.objects.get(task=task)
        deadline = add_working_days(first, spec.extension[1])
        asked = _at(given + timedelta(days=spec.extension[0]), 14)
        ExtensionRequest.objects.filter(pk=extension.pk).update(
            requested_at=asked,
            decided_at=asked + timedelta(days=1),
            previous_deadline=first,
            requested_deadline=deadline,
            granted_deadline=deadline,
        )
    fields: dict[str, Any] = {
        "given_at": _at(given, 8),
        "start_date": given,
        "deadline_kind": kind,
        "working_days": (spec.working_days + (spec.extension[1] if spec.extension else 0))
        if spec.working_days
        else None,
        "original_deadline": first,
        "deadline": deadline,
    }
    if spec.done_after is not None:
        done = given + timedelta(days=spec.done_after)
        fields |= {"completed_at": _at(done, 16), "completed_on": done}
    Task.objects.filter(pk=task.pk).update(**fields)
