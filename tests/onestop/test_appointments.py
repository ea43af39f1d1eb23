"""Appointment dates in working hours, computed by hand: 08:00-12:00 and 13:00-17:00, Monday to
Friday, statutory holidays (Tết, Vietnam Cultural Day 24/11) and overrides; reception after
15:00 counts from the next working day (Decree 61/2018 Art. 18)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lienthong.core import workdays
from lienthong.core.models import CalendarOverride
from lienthong.onestop.services import schedule
from tests.onestop.conftest import vn

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "received,days,start,due",
    [
        # Friday 10:00, one day: 2 h + 4 h on Friday, the weekend skipped, 2 h on Monday.
        ((2026, 12, 4, 10, 0), "1", (2026, 12, 4, 10, 0), (2026, 12, 7, 10, 0)),
        # Friday 15:30 is after 15:00: the clock starts Monday 08:00, one day ends 17:00.
        ((2026, 12, 4, 15, 30), "1", (2026, 12, 7, 8, 0), (2026, 12, 7, 17, 0)),
        # Exactly 15:00 is already late: half a day from Friday 08:00 ends at 12:00 sharp.
        ((2026, 12, 3, 15, 0), "0.5", (2026, 12, 4, 8, 0), (2026, 12, 4, 12, 0)),
        # 14:59 Thursday: 2 h 01 min that day, 1 h 59 min on Friday.
        ((2026, 12, 3, 14, 59), "0.5", (2026, 12, 3, 14, 59), (2026, 12, 4, 9, 59)),
        # Saturday: counts from Monday 08:00.
        ((2026, 12, 5, 10, 0), "2", (2026, 12, 7, 8, 0), (2026, 12, 8, 17, 0)),
        # Lunch break: from 13:00; 1 day = 4 h Monday afternoon + 4 h Tuesday morning.
        ((2026, 12, 7, 12, 30), "1", (2026, 12, 7, 13, 0), (2026, 12, 8, 12, 0)),
        # Monday 23/11/2026 10:00, 1 day; Tuesday 24/11 is Vietnam Cultural Day:
        # 6 h Monday, then Wednesday 08:00-10:00.
        ((2026, 11, 23, 10, 0), "1", (2026, 11, 23, 10, 0), (2026, 11, 25, 10, 0)),
        # Tết 2027 (4-10/02 off): Wednesday 03/02 09:00, 3 days = 24 h: 7 h on Wednesday,
        # Thursday 11/02 8 h, Friday 12/02 8 h, weekend, Monday 15/02 08:00-09:00.
        ((2027, 2, 3, 9, 0), "3", (2027, 2, 3, 9, 0), (2027, 2, 15, 9, 0)),
        # 15-day procedure received Wednesday 27/01/2027 16:00 (after 15:00): from Thursday
        # 28/01 08:00; working days 28, 29/01, 1, 2, 3/02 (5), Tết, 11, 12/02 (7),
        # 15-19/02 (12), 22, 23, 24/02 (15): Wednesday 24/02, ending 17:00.
        ((2027, 1, 27, 16, 0), "15", (2027, 1, 28, 8, 0), (2027, 2, 24, 17, 0)),
    ],
)
def test_appointment_in_working_hours(received, days, start, due) -> None:
    clock, appointment, _warn = schedule(vn(*received), Decimal(days))
    assert clock == vn(*start)
    assert appointment == vn(*due)


def test_a_make_up_saturday_counts_and_a_declared_day_off_does_not() -> None:
    CalendarOverride.objects.create(day="2026-12-05", is_working_day=True, reason="Làm bù")
    CalendarOverride.objects.create(day="2026-12-07", is_working_day=False, reason="Nghỉ bù")
    # Friday 10:00 + 1 day: 6 h Friday, the make-up Saturday 08:00-10:00.
    _clock, due, _warn = schedule(vn(2026, 12, 4, 10, 0), Decimal(1))
    assert due == vn(2026, 12, 5, 10, 0)
    # Friday 10:00 + 2 days: Saturday full (8 h), Monday off, Tuesday 08:00-10:00.
    _clock, due, _warn = schedule(vn(2026, 12, 4, 10, 0), Decimal(2))
    assert due == vn(2026, 12, 8, 10, 0)


def test_warning_moment_is_one_working_day_before() -> None:
    # Due Monday 07/12 10:00: one working day earlier is Friday 04/12 10:00.
    assert workdays.subtract_working_hours(vn(2026, 12, 7, 10, 0), 8) == vn(2026, 12, 4, 10, 0)
    # Due Thursday 11/02/2027 12:00, just after Tết: 4 h back is 08:00 that day, 4 more
    # hours back skip Tết to Wednesday 03/02 13:00.
    assert workdays.subtract_working_hours(vn(2027, 2, 11, 12, 0), 8) == vn(2027, 2, 3, 13, 0)


def test_working_hours_between_skip_lunch_nights_and_holidays() -> None:
    assert workdays.working_hours_between(vn(2026, 12, 4, 11, 0), vn(2026, 12, 7, 9, 0)) == 6
    assert workdays.working_hours_between(vn(2027, 2, 3, 16, 0), vn(2027, 2, 11, 8, 30)) == Decimal(
        "1.5"
    )
    assert workdays.working_hours_between(vn(2026, 12, 7, 9, 0), vn(2026, 12, 7, 9, 0)) == 0


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError):
        workdays.add_working_hours(vn(2026, 12, 4, 10, 0), -1)
