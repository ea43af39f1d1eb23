"""The cut-off windows of Decree 09/2019/NĐ-CP Art. 12, and a form's own cut-off day."""

from __future__ import annotations

from datetime import date

import pytest

from lienthong.reports.periods import label, window, window_containing


@pytest.mark.parametrize(
    ("periodicity", "year", "number", "cutoff", "start", "end"),
    [
        ("monthly", 2012, 3, 15, date(2012, 2, 15), date(2012, 3, 14)),
        ("monthly", 2012, 1, 15, date(2011, 12, 15), date(2012, 1, 14)),
        ("quarterly", 2012, 1, 15, date(2011, 12, 15), date(2012, 3, 14)),
        ("quarterly", 2012, 2, 15, date(2012, 3, 15), date(2012, 6, 14)),
        ("quarterly", 2012, 4, 15, date(2012, 9, 15), date(2012, 12, 14)),
        ("six_monthly", 2012, 1, 15, date(2011, 12, 15), date(2012, 6, 14)),
        ("six_monthly", 2012, 2, 15, date(2012, 6, 15), date(2012, 12, 14)),
        ("yearly", 2012, 1, 15, date(2011, 12, 15), date(2012, 12, 14)),
        # A form's own cut-off: calendar periods, or another day.
        ("quarterly", 2012, 1, 1, date(2012, 1, 1), date(2012, 3, 31)),
        ("monthly", 2012, 2, 1, date(2012, 2, 1), date(2012, 2, 29)),
        ("yearly", 2012, 1, 1, date(2012, 1, 1), date(2012, 12, 31)),
        ("monthly", 2012, 3, 20, date(2012, 2, 20), date(2012, 3, 19)),
    ],
)
def test_cutoff_window(
    periodicity: str, year: int, number: int, cutoff: int, start: date, end: date
) -> None:
    found = window(periodicity, year, number, cutoff)
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize(
    ("periodicity", "year", "number", "cutoff"),
    [
        ("monthly", 2012, 13, 15),
        ("quarterly", 2012, 0, 15),
        ("six_monthly", 2012, 3, 15),
        ("yearly", 2012, 2, 15),
        ("monthly", 2012, 1, 29),
        ("ad_hoc", 2012, 1, 15),
    ],
)
def test_window_refused(periodicity: str, year: int, number: int, cutoff: int) -> None:
    with pytest.raises(ValueError):
        window(periodicity, year, number, cutoff)


@pytest.mark.parametrize(
    ("day", "year", "number"),
    [
        (date(2011, 12, 15), 2012, 1),
        (date(2012, 3, 14), 2012, 1),
        (date(2012, 3, 15), 2012, 2),
        (date(2012, 12, 31), 2013, 1),
    ],
)
def test_window_containing_a_day(day: date, year: int, number: int) -> None:
    found = window_containing("quarterly", day)
    assert (found.year, found.number) == (year, number)


def test_deadline_counts_days_after_the_cutoff() -> None:
    assert window("quarterly", 2012, 2).deadline(5) == date(2012, 6, 19)


def test_labels() -> None:
    assert "II" in label("quarterly", 2012, 2)
    assert "2012" in label("yearly", 2012, 1)
