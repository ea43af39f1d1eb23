"""Deadlines in working days: weekends, Tết, observed days, government swaps and overrides."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lienthong.core.models import CalendarOverride
from lienthong.core.workdays import (
    add_working_days,
    add_working_days_hours,
    clock_start,
    is_working_day,
    preloaded_overrides,
    working_days_between,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day,working",
    [
        (date(2026, 11, 27), True),  # a Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 2, 17), False),  # Tết Bính Ngọ
        (date(2026, 4, 27), False),  # Hùng Kings observed on Monday
        (date(2026, 8, 22), True),  # a make-up Saturday (swap for 31/08)
        (date(2026, 8, 31), False),
        (date(2025, 4, 26), True),  # make-up Saturday in 2025
        (date(2025, 5, 2), False),
    ],
)
def test_statutory_calendar(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_ten_working_days_across_tet() -> None:
    assert add_working_days(date(2026, 2, 12), 10) == date(2026, 3, 5)
    # 11, 12, 13 and 23-27 February: the start day itself is not counted.
    assert working_days_between(date(2026, 2, 10), date(2026, 2, 28)) == 8


def test_overrides_win_over_the_library() -> None:
    CalendarOverride.objects.create(
        day=date(2026, 12, 31), is_working_day=False, reason="Nghỉ bù (ví dụ)"
    )
    CalendarOverride.objects.create(
        day=date(2026, 12, 26), is_working_day=True, reason="Làm bù thứ Bảy"
    )
    assert not is_working_day(date(2026, 12, 31))
    assert is_working_day(date(2026, 12, 26))
    assert add_working_days(date(2026, 12, 29), 2) == date(2027, 1, 4)


def test_zero_and_negative() -> None:
    assert add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 27), -1)


def test_deadlines_across_tet_2027_and_national_day_2026() -> None:
    # Tết Đinh Mùi: 04/02-10/02/2027 off; the next working day after 03/02 is 11/02.
    assert add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    # National Day 2026: 31/08 (swapped for Saturday 22/08), 01/09 and 02/09 off.
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    # 30/4 and 1/5/2026 (Thursday, Friday): a 2-day deadline from 29/04 ends on Tuesday 05/05.
    assert add_working_days(date(2026, 4, 29), 2) == date(2026, 5, 5)


def test_preloaded_overrides_give_the_same_answers_with_one_query(
    django_assert_num_queries: Any,
) -> None:
    CalendarOverride.objects.create(
        day=date(2026, 12, 31), is_working_day=False, reason="Nghỉ bù (ví dụ)"
    )
    CalendarOverride.objects.create(
        day=date(2026, 12, 26), is_working_day=True, reason="Làm bù thứ Bảy"
    )
    start = datetime(2026, 12, 24, 15, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    days = [date(2026, 12, d) for d in range(20, 32)]
    expected = (
        [is_working_day(d) for d in days],
        add_working_days(date(2026, 12, 29), 2),
        add_working_days_hours(clock_start(start), Decimal("3.5")),
    )
    with django_assert_num_queries(1), preloaded_overrides():
        got = (
            [is_working_day(d) for d in days],
            add_working_days(date(2026, 12, 29), 2),
            add_working_days_hours(clock_start(start), Decimal("3.5")),
        )
    assert got == expected
    assert expected[1] == date(2027, 1, 4)
