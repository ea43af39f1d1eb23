"""Deadline reminders: a periodic function the scheduler runs every minute sends each DUE_SOON
or OVERDUE notice once per assignment and day, on working days."""

from datetime import date, datetime

from lienthong.core import periodic
from lienthong.workflows import services
from lienthong.workflows.models import SentReminder
from lienthong.workflows.services import Assignee
from tests.workflows.conftest import VN

run = periodic.registered()["workflows.deadline_reminders"]


def test_reminders_are_sent_once_a_day(clock, people, incoming, sent) -> None:
    p = people
    (soon,) = services.assign(
        actor=p.leader,
        document=incoming(subject="Hạn ngày mai"),
        assignees=[Assignee(role="lead", unit=p.legal)],
        deadline=date(2026, 2, 13),
    )
    services.assign(
        actor=p.leader,
        document=incoming(subject="Còn lâu"),
        assignees=[
            Assignee(role="lead", user=p.specialist),
            Assignee(role="information", user=p.deputy),
        ],
        working_days=10,
    )
    sent.notifications.clear()

    assert run() == 1
    assert sent.notified("due_soon") == [{"truongphong"}]
    assert "13/02/2026" in sent.notifications[0]["title"]
    assert sent.notifications[0]["url"] == f"/xu-ly/van-ban/{soon.document_id}/"
    clock.advance(hours=3)
    assert run() == 0  # already told today
    assert SentReminder.objects.count() == 1

    clock.set(date(2026, 2, 13))
    assert run() == 1  # due today: told again, once
    assert run() == 0
    clock.set(date(2026, 2, 14))  # Saturday, and then Tết: nobody is told
    assert run() == 0
    clock.set(date(2026, 2, 18))
    assert run() == 0

    clock.set(datetime(2026, 2, 23, 7, 30, tzinfo=VN))
    assert run() == 1
    assert sent.notified("overdue") == [{"truongphong"}]
    services.complete(actor=p.legal_head, assignment=soon)
    clock.set(date(2026, 2, 24))
    assert run() == 0
    assert sorted(SentReminder.objects.values_list("kind", "day")) == [
        ("due_soon", date(2026, 2, 12)),
        ("due_soon", date(2026, 2, 13)),
        ("overdue", date(2026, 2, 23)),
    ]
