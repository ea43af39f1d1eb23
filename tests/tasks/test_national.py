"""The national task-tracking system, through the real HTTP client against the simulator:
tasks assigned to the province reach its board once; progress and completion flow back as jobs;
what the national side refuses (token, unknown task, malformed report) is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lienthong.tasks import national, services
from lienthong.tasks.constants import SourceKind, TaskState
from lienthong.tasks.models import Task
from lienthong.tasks.simulator import RunningSimulator, TaskTrackingSimulator, demo_tasks

from .conftest import Cast

pytestmark = pytest.mark.django_db
TOKEN = "token-of-ca-mau-for-tests"


@pytest.fixture
def national_side() -> Iterator[RunningSimulator]:
    simulator = TaskTrackingSimulator(token=TOKEN, province="96", tasks=demo_tasks(2026))
    with RunningSimulator(simulator) as running:
        yield running


def client(running: RunningSimulator, token: str = TOKEN) -> national.HttpTaskTrackingClient:
    return national.HttpTaskTrackingClient(
        base_url=running.url, token=token, province_code="96", timeout=5
    )


def test_tasks_are_received_once_and_progress_flows_back(
    cast: Cast, national_side: RunningSimulator, run_tasks: Any, settings: Any
) -> None:
    settings.LIENTHONG_TASK_TRACKING_URL = national_side.url
    settings.LIENTHONG_TASK_TRACKING_TOKEN = TOKEN
    received = national.receive_national_tasks(client=client(national_side), agency=cast.province)
    assert len(received) == 2
    assert national.receive_national_tasks(client=client(national_side), agency=cast.province) == []
    task = Task.objects.get(national_id="TTg-2026-0412")
    assert (task.source_kind, task.giver, task.giver_label) == (
        SourceKind.NATIONAL,
        None,
        "Thủ tướng Chính phủ",
    )
    assert Task.objects.visible_to(cast.chairman).filter(pk=task.pk).exists()
    # The province's leader reports; the job sends it; the national side accepted it.
    services.report_progress(actor=cast.chairman, task=task, progress=60, note="Đã tổng hợp.")
    services.complete_task(actor=cast.chairman, task=task, report="Đã gửi báo cáo.")
    run_tasks()
    reports = national_side.simulator.reports["TTg-2026-0412"]
    assert [(r["progress"], r["status"]) for r in reports] == [
        (60, "in_progress"),
        (100, "completed"),
    ]
    assert all(
        e.national_reported_at for e in task.entries.filter(kind__in=["progress", "completed"])
    )
    task.refresh_from_db()
    assert task.state == TaskState.EVALUATED  # evaluated by the Government Office, not here
    # Sending again sends nothing twice.
    entry = task.entries.get(kind="progress")
    assert national.report_entry(entry.pk) == "already reported"
    assert len(national_side.simulator.reports["TTg-2026-0412"]) == 2


def test_the_national_side_refuses_what_the_real_one_would(
    national_side: RunningSimulator,
) -> None:
    with pytest.raises(national.TaskTrackingError, match="401"):
        client(national_side, token="wrong").fetch_assigned()
    good = national.ProgressPayload(
        reported_at=timezone.now(), progress=50, status="in_progress", content="x", reporter="y"
    )
    with pytest.raises(national.TaskTrackingError, match="404"):
        client(national_side).report_progress("TTg-1999-0001", good)
    bad = national.ProgressPayload(
        reported_at=datetime(2026, 3, 9, 9, 0),  # no time zone
        progress=150,
        status="done",
        content="",
        reporter="y",
    )
    with pytest.raises(national.TaskTrackingError, match="400") as refused:
        client(national_side).report_progress("TTg-2026-0412", bad)
    for field in ("reported_at", "progress", "status", "content"):
        assert field in str(refused.value)
    assert national_side.simulator.reports == {}


def test_a_malformed_national_task_is_refused() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        national.parse_task({"id": "X", "title": "T", "assigned_by": "A", "deadline": "30/6"})
    with pytest.raises(ValidationError):
        national.parse_task(["not", "an", "object"])


def test_the_simulator_command_needs_a_token(settings: Any) -> None:
    settings.LIENTHONG_TASK_TRACKING_TOKEN = ""
    with pytest.raises(CommandError):
        call_command("task_tracking_simulator", "--port", "0")
