"""The demo's tasks: the People's Committee's 2012 IT plan, some done on time, one late, one
with an extension; loading twice adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from lienthong.demo.province import load_demo_province
from lienthong.tasks.constants import ExtensionState, Timeliness
from lienthong.tasks.demo import TASKS, load_demo_tasks
from lienthong.tasks.models import Task
from lienthong.tasks.stats import task_counts

pytestmark = pytest.mark.django_db


def test_the_demo_tasks_show_on_time_late_and_extended(time_machine: Any) -> None:
    load_demo_province()
    assert load_demo_tasks() == len(TASKS)
    assert load_demo_tasks() == 0
    today = timezone.localdate()
    seen = [t.timeliness(today) for t in Task.objects.all()]
    assert seen.count(Timeliness.DONE_ON_TIME) == 2
    assert seen.count(Timeliness.DONE_LATE) == 1
    assert seen.count(Timeliness.IN_TIME) == 2
    extended = Task.objects.get(extensions__state=ExtensionState.APPROVED)
    assert extended.deadline > extended.original_deadline
    province = Task.objects.first().agency  # type: ignore[union-attr]
    counts = task_counts([province.pk], today.replace(year=today.year - 1), today)
    assert counts == {"given": 5, "done_on_time": 2, "done_late": 1, "overdue": 0, "in_progress": 2}
