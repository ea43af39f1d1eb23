"""Deadlines in working days: weekends, Tết, observed days, government swaps and overrides."""

from datetime import date

import pytest

from lienthong.core.models import CalendarOverride
from lienthong.core.workdays import add_working_days, is_working_day, working_days_between

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
