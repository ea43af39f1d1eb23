"""The use cases of tasks against a real database: deadlines, visibility, the predicates the
services share with the pages, extensions with their history, completion and evaluation,
timeliness and the SQL counts, reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lienthong.core.models import AuditEvent
from lienthong.notifications.models import Notification
from lienthong.tasks import permissions, services
from lienthong.tasks.constants import DeadlineKind, EntryKind, ExtensionState, TaskState, Timeliness
from lienthong.tasks.models import Task
from lienthong.tasks.reminders import send_task_reminders
from lienthong.tasks.stats import task_counts

from .conftest import VN, Cast

pytestmark = pytest.mark.django_db


def give(cast: Cast, **kw: Any) -> Task:
    fields: dict[str, Any] = {
        "actor": cast.chairman,
        "title": "Triển khai hệ thống quản lý văn bản và điều hành",
        "owner_agency": cast.department,
        "owner_unit": cast.it_unit,
        "working_days": 10,
    }
    fields.update(kw)
    return services.give_task(**fields)


def test_working_days_deadline_skips_the_holidays_and_is_shown_as_such(cast: Cast) -> None:
    # Given on Mon 09/03/2026: 10 working days → Mon 23/03.
    task = give(cast)
    assert task.deadline_kind == DeadlineKind.WORKING_DAYS
    assert (task.working_days, task.deadline) == (10, date(2026, 3, 23))
    # Over the Hùng Kings' day (Sun 26/04/2026, observed Mon 27/04) and 30/4-1/5.
    later = give(cast, working_days=None, deadline=date(2026, 4, 24))
    assert later.deadline_kind == DeadlineKind.DATE and later.working_days is None
    assert later.days_left(date(2026, 4, 20)) == 4  # calendar days for a date
    assert task.days_left(date(2026, 3, 20)) == 1  # working days: Fri → Mon
    assert AuditEvent.objects.filter(action="task.given", object_id=str(task.pk)).exists()
    assert task.entries.get().kind == EntryKind.GIVEN
    # The unit's leader is told.
    assert Notification.objects.filter(recipient=cast.unit_head, url=task.get_absolute_url())


def test_giving_is_validated_and_refused_to_non_leaders(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        give(cast, actor=cast.specialist)
    with pytest.raises(ValidationError):
        give(cast, working_days=None)  # no deadline
    with pytest.raises(ValidationError):
        give(cast, working_days=None, deadline=date(2026, 3, 1))  # in the past
    with pytest.raises(ValidationError):
        give(cast, owner_unit=cast.other_unit, owner_user=cast.specialist)  # not in the unit
    # A unit's leader gives tasks to the unit's people only.
    with pytest.raises(ValidationError):
        give(cast, actor=cast.unit_head, owner_unit=cast.other_unit)
    own = give(cast, actor=cast.unit_head, owner_unit=None, owner_user=cast.specialist)
    assert own.agency == cast.department
    assert Task.objects.count() == 1


def test_visible_to_the_giving_owning_and_supporting_agencies_only(cast: Cast) -> None:
    task = give(cast)
    visible = lambda user: Task.objects.visible_to(user).filter(pk=task.pk).exists()  # noqa: E731
    assert visible(cast.chairman) and visible(cast.other_specialist)
    assert not visible(cast.outsider)
    task.supporting_agencies.add(cast.outsider_agency)
    assert visible(cast.outsider)
    # Seeing is not acting.
    assert not permissions.can_report_progress(cast.outsider, task)
    assert not permissions.can_report_progress(cast.other_specialist, task)
    assert permissions.can_report_progress(cast.unit_head, task)
    assert permissions.can_report_progress(cast.director, task)
    assert not permissions.can_decide_extension(cast.director, task)


def test_extension_approved_moves_the_deadline_and_keeps_the_history(cast: Cast) -> None:
    task = give(cast)
    services.report_progress(actor=cast.unit_head, task=task, progress=40, note="Đã khảo sát.")
    with pytest.raises(PermissionDenied):
        services.report_progress(actor=cast.specialist, task=task, progress=50, note="x")
    with pytest.raises(ValidationError):
        services.report_progress(actor=cast.unit_head, task=task, progress=140, note="x")
    with pytest.raises(ValidationError):  # not later than the deadline
        services.request_extension(
            actor=cast.unit_head, task=task, reason="Chờ vốn", requested_deadline=date(2026, 3, 20)
        )
    request = services.request_extension(
        actor=cast.unit_head, task=task, reason="Chờ bố trí vốn.", extra_working_days=5
    )
    assert request.requested_deadline == date(2026, 3, 30)
    assert not permissions.can_request_extension(cast.unit_head, task)  # one at a time
    with pytest.raises(PermissionDenied):
        services.decide_extension(actor=cast.director, task=task, approve=True)
    services.decide_extension(actor=cast.chairman, task=task, approve=True, note="Đồng ý.")
    task.refresh_from_db()
    request.refresh_from_db()
    assert (task.deadline, task.original_deadline, task.working_days) == (
        date(2026, 3, 30),
        date(2026, 3, 23),
        15,
    )
    assert (request.state, request.previous_deadline) == (
        ExtensionState.APPROVED,
        date(2026, 3, 23),
    )
    assert [e.kind for e in task.entries.all()] == [
        EntryKind.GIVEN,
        EntryKind.PROGRESS,
        EntryKind.EXTENSION_REQUESTED,
        EntryKind.EXTENSION_APPROVED,
    ]
    # A refusal needs a reason and leaves the deadline.
    services.request_extension(
        actor=cast.unit_head, task=task, reason="Thêm.", requested_deadline=date(2026, 4, 30)
    )
    with pytest.raises(ValidationError):
        services.decide_extension(actor=cast.chairman, task=task, approve=False)
    services.decide_extension(actor=cast.chairman, task=task, approve=False, note="Không.")
    task.refresh_from_db()
    assert task.deadline == date(2026, 3, 30)
    assert task.extensions.filter(state=ExtensionState.REFUSED).count() == 1


def test_late_completion_is_counted_late_and_evaluated(cast: Cast, time_machine: Any) -> None:
    on_time = give(cast, title="Đúng hạn")
    late = give(cast, title="Trễ hạn")
    open_late = give(cast, title="Quá hạn")
    in_time = give(cast, title="Còn hạn", working_days=60)
    cancelled = give(cast, title="Hủy")
    services.cancel_task(actor=cast.chairman, task=cancelled, reason="Không cần nữa.")
    services.complete_task(actor=cast.unit_head, task=on_time, report="Xong.")
    time_machine.move_to(datetime(2026, 3, 25, 9, 0, tzinfo=VN), tick=True)
    services.complete_task(actor=cast.unit_head, task=late, report="Xong muộn.")
    late.refresh_from_db()
    today = date(2026, 3, 25)
    assert late.timeliness(today) == Timeliness.DONE_LATE
    assert late.days_late(today) == 2  # working days after Mon 23/03
    open_late.refresh_from_db()
    assert open_late.timeliness(today) == Timeliness.OVERDUE
    assert in_time.timeliness(today) == Timeliness.IN_TIME
    counts = task_counts([cast.province.pk], date(2026, 3, 1), date(2026, 3, 31))
    assert counts == {"given": 4, "done_on_time": 1, "done_late": 1, "overdue": 1, "in_progress": 1}
    assert task_counts([cast.department.pk], date(2026, 3, 1), date(2026, 3, 31))["given"] == 0
    # The giver evaluates, or sends it back to work.
    with pytest.raises(PermissionDenied):
        services.evaluate_task(actor=cast.director, task=late, accepted=True, rating="good")
    services.evaluate_task(actor=cast.chairman, task=on_time, accepted=True, rating="excellent")
    services.evaluate_task(actor=cast.chairman, task=late, accepted=False, remarks="Thiếu số liệu.")
    late.refresh_from_db()
    assert late.state == TaskState.IN_PROGRESS and late.completed_on is None
    with pytest.raises(ValidationError):
        services.evaluate_task(actor=cast.chairman, task=on_time, accepted=True, rating="good")


def test_reminders_once_a_day_for_due_soon_and_overdue(cast: Cast, time_machine: Any) -> None:
    due = give(cast, working_days=2)  # Wed 11/03
    overdue = give(cast, working_days=1)  # Tue 10/03
    time_machine.move_to(datetime(2026, 3, 11, 8, 0, tzinfo=VN), tick=True)
    assert send_task_reminders() == 2
    assert send_task_reminders() == 0  # once a day
    titles = set(Notification.objects.values_list("kind", "recipient__username"))
    assert ("overdue", "lanhdao.tinh") in titles  # the giver hears of overdue tasks
    assert ("due_soon", "truong.cntt") in titles
    assert overdue.reminders.count() == 1 and due.reminders.count() == 1
    time_machine.move_to(datetime(2026, 3, 14, 8, 0, tzinfo=VN) + timedelta(hours=1), tick=True)
    assert send_task_reminders() == 0  # Saturday


def test_a_conclusion_notice_is_told_from_an_instruction_on_a_document() -> None:
    from lienthong.documents.constants import Direction
    from lienthong.documents.models import Document, DocumentType
    from lienthong.tasks.constants import SourceKind

    notice = Document(direction=Direction.OUTGOING, document_type=DocumentType(abbreviation="TB"))
    letter = Document(direction=Direction.INCOMING, document_type=DocumentType(abbreviation="TB"))
    assert services.source_kind_of(notice) == SourceKind.CONCLUSION
    assert services.source_kind_of(letter) == SourceKind.DOCUMENT
