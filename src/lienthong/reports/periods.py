"""Reporting periods and their data cut-off windows (Decree 09/2019/NĐ-CP, Art. 12).

Art. 12 fixes when the figures of a periodic report are counted from and to:
- monthly: from the 15th of the previous month to the 14th of the reporting month;
- quarterly: from the 15th of the month before the quarter to the 14th of its last month;
- six-monthly: from 15 December of the previous year to 14 June;
- yearly: from 15 December of the previous year to 14 December.
All four are one rule: the window starts on day D of the month before the period's first month
and ends on day D-1 of its last month, with D = 15. A form may set another D; D = 1 gives
calendar periods (1 January to 31 March...). The second half-year, which Art. 12 leaves to the
yearly report, follows the same rule (15 June to 14 December).

The submission deadline is a rule on the form: so many days after the window's end."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .constants import Periodicity

DECREE_09_CUTOFF_DAY = 15
# Months per period and how many periods a year has.
_MONTHS = {
    Periodicity.MONTHLY: 1,
    Periodicity.QUARTERLY: 3,
    Periodicity.SIX_MONTHLY: 6,
    Periodicity.YEARLY: 12,
}


@dataclass(frozen=True)
class Window:
    year: int
    number: int  # month, quarter or half within the year (1 for a yearly report)
    start: date
    end: date

    def deadline(self, days_after_end: int) -> date:
        return self.end + timedelta(days=days_after_end)


def periods_per_year(periodicity: str) -> int:
    if periodicity not in _MONTHS:
        raise ValueError(_("An ad hoc report has no periods of its own; give its dates."))
    return 12 // _MONTHS[Periodicity(periodicity)]


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def window(
    periodicity: str, year: int, number: int, cutoff_day: int = DECREE_09_CUTOFF_DAY
) -> Window:
    """The cut-off window of period `number` of `year` (e.g. quarterly, 2012, 1 → 15/12/2011 to
    14/03/2012)."""
    count = periods_per_year(periodicity)
    if not 1 <= number <= count:
        raise ValueError(_("The period must be between 1 and %(count)s.") % {"count": count})
    if not 1 <= cutoff_day <= 28:
        raise ValueError(_("The cut-off day must be between 1 and 28."))
    months = _MONTHS[Periodicity(periodicity)]
    first_month = (number - 1) * months + 1
    last_year, last_month = _shift(year, first_month, months - 1)
    if cutoff_day == 1:
        start = date(year, first_month, 1)
        end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    else:
        start_year, start_month = _shift(year, first_month, -1)
        start = date(start_year, start_month, cutoff_day)
        end = date(last_year, last_month, cutoff_day - 1)
    return Window(year=year, number=number, start=start, end=end)


def window_containing(
    periodicity: str, day: date, cutoff_day: int = DECREE_09_CUTOFF_DAY
) -> Window:
    """The period whose window holds `day` (15/12/2011 belongs to 2012's first quarter)."""
    for year in (day.year, day.year + 1):
        for number in range(1, periods_per_year(periodicity) + 1):
            found = window(periodicity, year, number, cutoff_day)
            if found.start <= day <= found.end:
                return found
    raise AssertionError("every day lies in one window")  # pragma: no cover


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def label(periodicity: str, year: int, number: int) -> str:
    if periodicity == Periodicity.MONTHLY:
        return _("Month %(number)s/%(year)s") % {"number": number, "year": year}
    if periodicity == Periodicity.QUARTERLY:
        return _("Quarter %(number)s/%(year)s") % {"number": _ROMAN[number], "year": year}
    if periodicity == Periodicity.SIX_MONTHLY:
        if number == 1:
            return _("First half of %(year)s") % {"year": year}
        return _("Second half of %(year)s") % {"year": year}
    return _("Year %(year)s") % {"year": year}
