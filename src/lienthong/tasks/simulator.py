"""A local simulator of the national task-tracking system of the Government Office, the side
`national.HttpTaskTrackingClient` talks to (docs/tasks.md). It checks what the real one
checks: the province's bearer token, the province code, a known task id, a well-formed progress
report (time with its zone, a percentage, a known status, a content and a reporter; a completion
at 100 %; nothing after a completion). It is a plain WSGI application (no Django), run beside the
platform (`lienthong task_tracking_simulator --port 8766`) or inside a test.

The payload is checked here independently of `national.py`, so that a mistake on one side shows
up as a refused report on the other."""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lienthong.core.simulators import ServedSimulator, json_response

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
TASKS_PATH = re.compile(r"^/api/v1/provinces/(?P<province>[0-9A-Za-z]+)/tasks$")
PROGRESS_PATH = re.compile(r"^/api/v1/tasks/(?P<id>[0-9A-Za-z._-]{1,64})/progress$")
STATUSES = ("in_progress", "completed")
MAX_BODY = 64 * 1024


def demo_tasks(year: int) -> list[dict[str, str]]:
    """Two tasks the Prime Minister assigned to the provinces, as the demo's national side."""
    return [
        {
            "id": f"TTg-{year}-0412",
            "title": "Báo cáo tình hình triển khai Chính phủ điện tử tại địa phương",
            "description": "Các tỉnh, thành phố báo cáo kết quả ứng dụng công nghệ thông tin "
            "trong hoạt động của cơ quan nhà nước, gửi Văn phòng Chính phủ tổng hợp.",
            "assigned_by": "Thủ tướng Chính phủ",
            "deadline": date(year, 6, 30).isoformat(),
            "source": f"Thông báo số 120/TB-VPCP ngày 15/3/{year}",
        },
        {
            "id": f"TTg-{year}-0518",
            "title": "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền của tỉnh",
            "description": "Rà soát thủ tục hành chính, đề xuất phương án đơn giản hóa.",
            "assigned_by": "Thủ tướng Chính phủ",
            "deadline": date(year, 9, 30).isoformat(),
            "source": f"Văn bản số 1850/VPCP-KSTT ngày 02/4/{year}",
        },
    ]


def check_progress(body: Any) -> dict[str, str]:
    """The national system's checks of a progress report: the errors by field (empty: valid)."""
    if not isinstance(body, dict):
        return {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    unknown = set(body) - {"reported_at", "progress", "status", "content", "reporter"}
    if unknown:
        errors["body"] = "unknown fields: " + ", ".join(sorted(unknown))
    try:
        when = datetime.fromisoformat(str(body.get("reported_at", "")))
        if when.tzinfo is None:
            errors["reported_at"] = "must carry its time zone"
    except ValueError:
        errors["reported_at"] = "must be an ISO 8601 date and time"
    progress = body.get("progress")
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        errors["progress"] = "must be a whole number from 0 to 100"
    status = body.get("status")
    if status not in STATUSES:
        errors["status"] = "must be one of " + ", ".join(STATUSES)
    elif status == "completed" and progress != 100:
        errors["progress"] = "a completed task is at 100"
    for name, limit in (("content", 4000), ("reporter", 300)):
        value = body.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            errors[name] = f"must be a non-empty text of at most {limit} characters"
    return errors


@dataclass
class TaskTrackingSimulator:
    token: str
    province: str
    tasks: list[dict[str, str]] = field(default_factory=list)
    reports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/health":
            return json_response(start_response, "200 OK", {"status": "ok"})
        if not self._authorised(environ):
            return json_response(start_response, "401 Unauthorized", {"error": "invalid_token"})
        listing = TASKS_PATH.match(path)
        if listing and method == "GET":
            if listing["province"] != self.province:
                return json_response(start_response, "404 Not Found", {"error": "unknown_province"})
            return json_response(start_response, "200 OK", {"tasks": self.tasks})
        progress = PROGRESS_PATH.match(path)
        if progress:
            task_id = progress["id"]
            if task_id not in {t["id"] for t in self.tasks}:
                return json_response(start_response, "404 Not Found", {"error": "unknown_task"})
            if method == "GET":
                return json_response(
                    start_response, "200 OK", {"reports": self.reports.get(task_id, [])}
                )
            if method == "POST":
                return self._report(environ, start_response, task_id)
        return json_response(start_response, "404 Not Found", {"error": "not_found"})

    def _authorised(self, environ: dict[str, Any]) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, token = header.partition(" ")
        return (
            scheme == "Bearer"
            and bool(self.token)
            and hmac.compare_digest(token.encode(), self.token.encode())
        )

    def _report(
        self, environ: dict[str, Any], start_response: StartResponse, task_id: str
    ) -> list[bytes]:
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return json_response(
                start_response, "415 Unsupported Media Type", {"error": "json_only"}
            )
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            return json_response(start_response, "413 Payload Too Large", {"error": "too_large"})
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"null")
        except ValueError:
            return json_response(
                start_response, "400 Bad Request", {"errors": {"body": "not JSON"}}
            )
        errors = check_progress(body)
        if errors:
            return json_response(start_response, "400 Bad Request", {"errors": errors})
        with self._lock:
            reports = self.reports.setdefault(task_id, [])
            if reports and reports[-1]["status"] == "completed":
                return json_response(start_response, "409 Conflict", {"error": "already_completed"})
            reports.append(body)
            number = len(reports)
        return json_response(start_response, "202 Accepted", {"accepted": True, "report": number})


RunningSimulator = ServedSimulator
