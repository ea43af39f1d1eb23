"""Deadlines given in working days skip weekends, Tết and the other public holidays."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lienthong.core.models import CalendarOverride
from lienthong.workflows.querysets import due_soon_cutoff
from lienthong.workflows.services import resolve_deadline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "days", "expected"),
    [
        # Thursday before Tết Bính Ngọ 2026 (16 to 20/02 off): Fri 13/02 is day 1, then 23/02...
        (date(2026, 2, 12), 10, date(2026, 3, 5)),
        (date(2026, 2, 12), 1, date(2026, 2, 13)),
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        # Hùng Kings (observed Mon 27/04), 30/4 and 1/5 (Thu, Fri).
        (date(2026, 4, 24), 3, date(2026, 5, 4)),
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        (date(2026, 4, 28), 3, date(2026, 5, 5)),
        # An ordinary week.
        (date(2026, 11, 2), 5, date(2026, 11, 9)),
    ],
)
def test_working_days_deadline_skips_days_off(today, days, expected) -> None:
    assert resolve_deadline(deadline=None, working_days=days, today=today) == (expected, days)


def test_a_make_up_working_saturday_counts(db) -> None:
    CalendarOverride.objects.create(
        day=date(2026, 2, 14), is_working_day=True, reason="Làm bù (thử nghiệm)"
    )
    assert resolve_deadline(deadline=None, working_days=2, today=date(2026, 2, 12)) == (
        date(2026, 2, 14),
        2,
    )


def test_a_date_deadline_is_kept_and_not_in_the_past() -> None:
    today = date(2026, 2, 12)
    assert resolve_deadline(deadline=date(2026, 2, 27), working_days=None, today=today) == (
        date(2026, 2, 27),
        None,
    )
    with pytest.raises(ValidationError):
        resolve_deadline(deadline=date(2026, 2, 11), working_days=None, today=today)
    with pytest.raises(ValidationError):
        resolve_deadline(deadline=date(2026, 2, 27), working_days=3, today=today)
    with pytest.raises(ValidationError):
        resolve_deadline(deadline=None, working_days=0, today=today)


def test_due_soon_window_counts_working_days() -> None:
    # Two working days after Friday 13/02/2026 jump over Tết to Tuesday 24/02.
    assert due_soon_cutoff(date(2026, 2, 13)) == date(2026, 2, 24)
    assert due_soon_cutoff(date(2026, 11, 5)) == date(2026, 11, 9)
