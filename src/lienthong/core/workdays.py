"""Working days in Vietnam, for legal deadlines counted in working days.

The statutory calendar (Labour Code 2019 Art. 112: Tết, Hùng Kings, 30/4, 1/5, 2/9 and the days
around them, observed days, government day swaps and make-up Saturdays) comes from the
maintained `holidays` package, which uses the Vietnamese lunisolar calendar. Announcements the
package does not know yet are entered as `CalendarOverride` rows, which always win."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

import holidays
from django.utils import timezone

from .models import CalendarOverride

MAX_SPAN_DAYS = 3660


@lru_cache(maxsize=64)
def _statutory(year: int) -> tuple[frozenset[date], frozenset[date]]:
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    days_off = frozenset(calendar.keys())
    make_up = frozenset(d for d in getattr(calendar, "weekend_workdays", set()) if d.year == year)
    return days_off, make_up


def load_statutory_calendar(year: int) -> None:
    """Read `year`'s statutory calendar now (the web workers' warm-up): the package imports
    every country's module at its first use."""
    _statutory(year)


def _statutory_working_day(day: date) -> bool:
    days_off, make_up = _statutory(day.year)
    if day in make_up:
        return True
    return day.weekday() < 5 and day not in days_off


# Overrides read once for a long run of calculations (see `preloaded_overrides`).
_PRELOADED: ContextVar[dict[date, bool] | None] = ContextVar("workdays_overrides", default=None)


@contextmanager
def preloaded_overrides() -> Iterator[None]:
    """Read every `CalendarOverride` once and answer from memory inside the block: for bulk
    work (the province generator computes thousands of deadlines) while nobody edits them."""
    token = _PRELOADED.set(dict(CalendarOverride.objects.values_list("day", "is_working_day")))
    try:
        yield
    finally:
        _PRELOADED.reset(token)


class WorkingCalendar:
    """Answers for a span of dates with one query for the overrides."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        preloaded = _PRELOADED.get()
        if preloaded is not None:
            self.overrides = {d: w for d, w in preloaded.items() if start <= d <= end}
            return
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


# --- Working hours (one-stop appointment dates) ------------------------------------------------
# The civil-service day: 08:00-12:00 and 13:00-17:00, 8 working hours (docs/glossary.md). A
# dossier received after 15:00 counts from the start of the next working day (Decree 61/2018
# Art. 18).

WORKING_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 0), time(12, 0)),
    (time(13, 0), time(17, 0)),
)
HOURS_PER_DAY = 8
LATE_RECEPTION = time(15, 0)


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _at(day: date, clock: time, like: datetime) -> datetime:
    naive = datetime.combine(day, clock)
    if timezone.is_aware(like):
        return timezone.make_aware(naive, like.tzinfo)
    return naive


class _HourWalker:
    """Walks working periods forward from a moment, with one calendar for the whole span."""

    def __init__(self, start: datetime, span_days: int) -> None:
        first = start.date()
        self.calendar = WorkingCalendar(first, first + timedelta(days=span_days))
        self.first = first

    def is_working_day(self, day: date) -> bool:
        if abs((day - self.first).days) > MAX_SPAN_DAYS:
            raise ValueError("no working days found in ten years")
        if day > self.calendar.end:
            self.calendar = WorkingCalendar(day, day + timedelta(days=400))
        elif day < self.calendar.start:
            self.calendar = WorkingCalendar(day - timedelta(days=400), day)
        return self.calendar.is_working_day(day)


def next_working_moment(moment: datetime) -> datetime:
    """`moment` if it falls in working time, else the start of the next working period."""
    moment = _local(moment)
    walker = _HourWalker(moment, 60)
    day = moment.date()
    while True:
        if walker.is_working_day(day):
            for begin, end in WORKING_PERIODS:
                period_start, period_end = _at(day, begin, moment), _at(day, end, moment)
                if moment < period_end:
                    return max(moment, period_start)
        day += timedelta(days=1)
        moment = _at(day, time(0, 0), moment)


def clock_start(received_at: datetime) -> datetime:
    """When the time for settling a dossier starts: the moment of reception during working
    time before 15:00, otherwise the start of the next working day (Decree 61/2018 Art. 18)."""
    received_at = _local(received_at)
    calendar = WorkingCalendar(received_at.date(), received_at.date())
    if calendar.is_working_day(received_at.date()) and received_at.time() >= LATE_RECEPTION:
        received_at = _at(received_at.date() + timedelta(days=1), time(0, 0), received_at)
    return next_working_moment(received_at)


def add_working_hours(start: datetime, hours: Decimal | int | float) -> datetime:
    """The moment `hours` working hours after `start` (weekends, holidays and the lunch break
    skipped; an end exactly at the close of a period stays there, 17:00 not next 08:00)."""
    remaining = timedelta(hours=float(hours))
    if remaining < timedelta(0):
        raise ValueError("hours must not be negative")
    current = next_working_moment(start)
    if remaining == timedelta(0):
        return current
    walker = _HourWalker(current, int(remaining.total_seconds() // 3600) + 60)
    day = current.date()
    while True:
        if walker.is_working_day(day):
            for begin, end in WORKING_PERIODS:
                period_start = max(_at(day, begin, current), current)
                period_end = _at(day, end, current)
                if period_start >= period_end:
                    continue
                available = period_end - period_start
                if remaining <= available:
                    return period_start + remaining
                remaining -= available
        day += timedelta(days=1)
        current = _at(day, time(0, 0), current)


def add_working_days_hours(start: datetime, days: Decimal | int | float) -> datetime:
    """`days` working days of 8 hours after `start`."""
    return add_working_hours(start, Decimal(str(days)) * HOURS_PER_DAY)


def working_hours_between(start: datetime, end: datetime) -> Decimal:
    """Working hours from `start` to `end` (0 when end <= start)."""
    if end <= start:
        return Decimal(0)
    start, end = _local(start), _local(end)
    walker = _HourWalker(start, (end.date() - start.date()).days + 1)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if walker.is_working_day(day):
            for begin, finish in WORKING_PERIODS:
                lo = max(_at(day, begin, start), start)
                hi = min(_at(day, finish, start), end)
                if hi > lo:
                    total += hi - lo
        day += timedelta(days=1)
    return Decimal(total.total_seconds()) / 3600


def subtract_working_hours(end: datetime, hours: Decimal | int | float) -> datetime:
    """The moment `hours` working hours before `end` (for “one working day before the
    deadline” warnings)."""
    remaining = timedelta(hours=float(hours))
    if remaining < timedelta(0):
        raise ValueError("hours must not be negative")
    current = _local(end)
    walker = _HourWalker(current, 0)
    walker.calendar = WorkingCalendar(
        current.date() - timedelta(days=remaining.days * 3 + 60), current.date()
    )
    day = current.date()
    while True:
        if walker.is_working_day(day):
            for begin, finish in reversed(WORKING_PERIODS):
                period_end = min(_at(day, finish, current), current)
                period_start = _at(day, begin, current)
                if period_end <= period_start:
                    continue
                available = period_end - period_start
                if remaining <= available:
                    return period_end - remaining
                remaining -= available
        day -= timedelta(days=1)
        current = _at(day, time(23, 59, 59), current)
