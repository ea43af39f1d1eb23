"""Dates of the reports' test dossiers, relative to the suite's clock (CI runs it in other
years through LIENTHONG_TEST_CLOCK): the dossiers are walked through in October of the year
before "now" — a month with no public holiday in Vietnam, so the working-day deadlines fall
as the fixtures' comments say — starting on its first Monday from the 5th."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone


def first_monday() -> date:
    """Day 0 of the walk: the first Monday on or after 5 October of last year."""
    fifth = date(timezone.localdate().year - 1, 10, 5)
    return fifth + timedelta(days=(7 - fifth.weekday()) % 7)


def day(n: int) -> date:
    """Day n of the walk (day 0 a Monday, day 1 the Tuesday, … day 17 a Thursday)."""
    return first_monday() + timedelta(days=n)


def moment(n: int, hour: int, minute: int = 0) -> tuple[int, int, int, int, int]:
    """(year, month, day, hour, minute) of day n, as the clock fixture takes it."""
    d = day(n)
    return (d.year, d.month, d.day, hour, minute)


def month() -> tuple[date, date]:
    """The calendar month the walk falls in (October of last year)."""
    start = first_monday().replace(day=1)
    return start, start.replace(day=31)
