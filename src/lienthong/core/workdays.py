"""Working days in Vietnam, for legal deadlines counted in working days.

The statutory calendar (Labour Code 2019 Art. 112: Tết, Hùng Kings, 30/4, 1/5, 2/9 and the days
around them, observed days, government day swaps and make-up Saturdays) comes from the
maintained `holidays` package, which uses the Vietnamese lunisolar calendar. Announcements the
package does not know yet are entered as `CalendarOverride` rows, which always win."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from .models import CalendarOverride

MAX_SPAN_DAYS = 3660


@lru_cache(maxsize=64)
def _statutory(year: int) -> tuple[frozenset[date], frozenset[date]]:
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    days_off = frozenset(calendar.keys())
    make_up = frozenset(d for d in getattr(calendar, "weekend_workdays", set()) if d.year == year)
    return days_off, make_up


def _statutory_working_day(day: date) -> bool:
    days_off, make_up = _statutory(day.year)
    if day in make_up:
        return True
    return day.weekday() < 5 and day not in days_off


class WorkingCalendar:
    """Answers for a span of dates with one query for the overrides."""

    def __init__(self, start: date, end: date) -> None:
        self.overrides = dict(
            CalendarOverride.objects.filter(day__gte=start, day__lte=end).values_list(
                "day", "is_working_day"
            )
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _statutory_working_day(day)


def is_working_day(day: date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted): a 10-working-day
    deadline for a document received on `start`. `days=0` gives `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = WorkingCalendar(start, start + timedelta(days=days * 3 + 60))
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if (current - start).days > MAX_SPAN_DAYS:
            raise ValueError("no working days found in ten years")
        if calendar.is_working_day(current):
            counted += 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = WorkingCalendar(start, end)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if calendar.is_working_day(start + timedelta(days=offset))
    )
