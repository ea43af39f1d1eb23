"""The pre-fill registry's task, training and meeting figures: opening a period pre-fills each
agency's report with counts of the real rows of those apps, in the period's cut-off window, for
that agency only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency
from lienthong.meetings.constants import MeetingState
from lienthong.meetings.models import Meeting
from lienthong.reports import services, sources
from lienthong.reports.constants import Periodicity
from lienthong.reports.models import ReportForm, ReportValue
from lienthong.reports.services import IndicatorSpec
from lienthong.tasks.constants import DeadlineKind, TaskState
from lienthong.tasks.models import Task
from lienthong.training.constants import ClassStatus, EnrolmentStatus, Topic
from lienthong.training.models import Course, Enrolment, TrainingClass

# Quarter 2 of 2012 under Decree 09: 15/03/2012 to 14/06/2012.
INSIDE, BEFORE, AFTER = date(2012, 4, 10), date(2012, 3, 10), date(2012, 6, 20)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def _task(agency: Agency, given: date, state: str, deadline: date, done: date | None) -> Task:
    return Task.objects.create(
        agency=agency,
        title="Nhiệm vụ",
        giver_label="Chủ tịch UBND huyện",
        owner_agency=agency,
        deadline_kind=DeadlineKind.DATE,
        start_date=given,
        deadline=deadline,
        original_deadline=deadline,
        state=state,
        given_at=_at(given),
        completed_on=done,
        completed_at=_at(done) if done else None,
    )


def _meeting(agency: Agency, chair: Any, day: date, state: str, video: str = "") -> Meeting:
    return Meeting.objects.create(
        agency=agency,
        title="Họp giao ban",
        starts_at=_at(day),
        ends_at=_at(day).replace(hour=5),
        chair=chair,
        created_by=chair,
        state=state,
        video_provider=video,
    )


@pytest.fixture
def world(province: Agency, agency_factory: Any, user_factory: Any) -> dict[str, Any]:
    mine, other = agency_factory("UBND huyện Cái Nước", "UBND"), agency_factory("Sở Y tế", "SYT")
    official, outsider = user_factory(mine), user_factory(other)
    leader = user_factory(mine, [Role.AGENCY_LEADER])
    # Tasks: given in the window: one done on time, one done late, one overdue (still open,
    # deadline past), one cancelled; one given before the window; one of the other agency.
    _task(mine, INSIDE, TaskState.EVALUATED, date(2012, 4, 20), date(2012, 4, 18))
    _task(mine, INSIDE, TaskState.COMPLETED, date(2012, 4, 20), date(2012, 4, 25))
    _task(mine, INSIDE, TaskState.IN_PROGRESS, date(2012, 5, 1), None)
    _task(mine, INSIDE, TaskState.CANCELLED, date(2012, 5, 1), None)
    _task(mine, BEFORE, TaskState.EVALUATED, date(2012, 3, 12), date(2012, 3, 11))
    _task(other, INSIDE, TaskState.EVALUATED, date(2012, 4, 20), date(2012, 4, 18))
    # Training: one class of 40 hours ended in the window with two of our officials and one
    # outsider approved, one nominee not approved; a cancelled class and one ended after.
    course = Course.objects.create(title="Tin học cơ bản", topic=Topic.BASIC, hours=40)

    def training_class(title: str, starts: date, ends: date, status: str) -> TrainingClass:
        return TrainingClass.objects.create(
            course=course,
            organiser=other,
            title=title,
            starts_on=starts,
            ends_on=ends,
            trainer="GV",
            capacity=30,
            status=status,
            created_by=outsider,
        )

    held = training_class("Lớp 1", date(2012, 4, 2), INSIDE, ClassStatus.FINISHED)
    cancelled = training_class("Lớp 2", date(2012, 4, 2), INSIDE, ClassStatus.CANCELLED)
    later = training_class("Lớp 3", date(2012, 6, 16), AFTER, ClassStatus.FINISHED)
    for klass, person, agency, status in (
        (held, official, mine, EnrolmentStatus.APPROVED),
        (held, leader, mine, EnrolmentStatus.APPROVED),
        (held, user_factory(mine), mine, EnrolmentStatus.NOMINATED),
        (held, outsider, other, EnrolmentStatus.APPROVED),
        (cancelled, official, mine, EnrolmentStatus.APPROVED),
        (later, official, mine, EnrolmentStatus.APPROVED),
    ):
        Enrolment.objects.create(
            training_class=klass, official=person, agency=agency, nominated_by=leader, status=status
        )
    # Meetings: two held in the window (one on-line), one planned, one held after the window.
    _meeting(mine, leader, INSIDE, MeetingState.HELD)
    _meeting(mine, leader, date(2012, 5, 2), MeetingState.HELD, video="jitsi")
    _meeting(mine, leader, date(2012, 5, 3), MeetingState.PLANNED)
    _meeting(mine, leader, AFTER, MeetingState.HELD)
    _meeting(other, outsider, INSIDE, MeetingState.HELD)
    return {"province": province, "mine": mine, "other": other}


EXPECTED = {
    "tasks_given": 3,
    "tasks_done_on_time": 1,
    "tasks_done_late": 1,
    "tasks_overdue": 1,
    "training_classes_held": 1,
    "training_officials_trained": 2,
    "training_hours": 80,
    "meetings_held": 2,
    "meetings_held_online": 1,
}


@pytest.mark.django_db
def test_opening_a_period_prefills_task_training_and_meeting_counts(
    world: dict[str, Any], time_machine: Any
) -> None:
    time_machine.move_to(datetime(2012, 6, 16, 3, 0, tzinfo=UTC))
    form = ReportForm.objects.create(
        code="q-hd",
        name="Hoạt động",
        periodicity=Periodicity.QUARTERLY,
        aggregator=world["province"],
    )
    form.reporting_agencies.set([world["mine"]])
    specs = [
        IndicatorSpec(key.upper(), sources.SOURCES[key].label, "integer", source=key)
        for key in EXPECTED
    ]
    services.save_form_version(form=form, indicators=specs, actor=None)
    period = services.open_period(form=form, actor=None, year=2012, number=2)
    assert (period.starts_on, period.ends_on) == (date(2012, 3, 15), date(2012, 6, 14))
    values = {
        v.indicator.source: (v.number, v.prefilled)
        for v in ReportValue.objects.filter(report__period=period).select_related("indicator")
    }
    assert values == {key: (Decimal(n), Decimal(n)) for key, n in EXPECTED.items()}


@pytest.mark.django_db
def test_each_family_counts_only_the_agencies_asked_about(world: dict[str, Any]) -> None:
    window = (date(2012, 3, 15), date(2012, 6, 14))
    other = [world["other"].pk]
    assert sources.SOURCES["tasks_given"].compute(other, *window) == 1
    assert sources.SOURCES["training_officials_trained"].compute(other, *window) == 1
    assert sources.SOURCES["meetings_held"].compute(other, *window) == 1
    assert sources.SOURCES["meetings_held_online"].compute(other, *window) == 0
    assert all(str(source.definition) for source in sources.SOURCES.values())
