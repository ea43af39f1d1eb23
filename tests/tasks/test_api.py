"""The tasks API: list with filters, detail, create, progress, extension, decision, complete;
each checked for status and database state, refusals changing nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from lienthong.tasks.models import Task
from tests.workflows.conftest import api  # noqa: F401  (fixture)

from .conftest import VN, Cast

pytestmark = pytest.mark.django_db


def test_the_api_walks_a_task_from_giving_to_completion(
    cast: Cast,
    api: Any,  # noqa: F811
    time_machine: Any,
) -> None:
    chairman, head = api(cast.chairman), api(cast.unit_head)
    body = {
        "title": "Xây dựng kho dữ liệu dùng chung",
        "owner_agency": cast.department.pk,
        "owner_unit": cast.it_unit.pk,
        "supporting_agencies": [cast.outsider_agency.pk],
        "working_days": 3,
    }
    assert api(cast.specialist).post("/api/v1/tasks/", body, format="json").status_code == 403
    bad = chairman.post("/api/v1/tasks/", {**body, "working_days": None}, format="json")
    assert bad.status_code == 400 and "deadline" in bad.json()
    assert Task.objects.count() == 0
    created = chairman.post("/api/v1/tasks/", body, format="json")
    assert created.status_code == 201, created.json()
    task_id = created.json()["id"]
    assert created.json()["deadline"] == "2026-03-12" and created.json()["timeliness"] == "in_time"
    # The supporting agency sees it; nobody else outside.
    assert api(cast.outsider).get(f"/api/v1/tasks/{task_id}/").status_code == 200
    progress = head.post(
        f"/api/v1/tasks/{task_id}/progress/", {"progress": 50, "note": "Đang làm."}, format="json"
    )
    assert progress.status_code == 201
    refused = api(cast.outsider).post(
        f"/api/v1/tasks/{task_id}/progress/", {"progress": 60, "note": "x"}, format="json"
    )
    assert refused.status_code == 403 and Task.objects.get().progress == 50
    asked = head.post(
        f"/api/v1/tasks/{task_id}/extension/",
        {"reason": "Chờ thiết bị.", "extra_working_days": 2},
        format="json",
    )
    assert asked.status_code == 201 and asked.json()["requested_deadline"] == "2026-03-16"
    decided = chairman.post(
        f"/api/v1/tasks/{task_id}/extension-decision/", {"approve": True}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    time_machine.move_to(datetime(2026, 3, 17, 9, 0, tzinfo=VN), tick=True)
    listed = chairman.get("/api/v1/tasks/?timeliness=overdue").json()
    assert [t["id"] for t in listed["results"]] == [task_id]
    assert chairman.get("/api/v1/tasks/?timeliness=in_time").json()["results"] == []
    done = head.post(f"/api/v1/tasks/{task_id}/complete/", {"report": "Xong."}, format="json")
    assert done.status_code == 200 and done.json()["timeliness"] == "done_late"
    detail = chairman.get(f"/api/v1/tasks/{task_id}/").json()
    assert [e["kind"] for e in detail["entries"]] == [
        "given",
        "progress",
        "extension_requested",
        "extension_approved",
        "completed",
    ]
    assert detail["original_deadline"] == "2026-03-12" and detail["deadline"] == "2026-03-16"
    assert api(cast.outsider).get("/api/v1/tasks/").json()["results"]  # it supports it
