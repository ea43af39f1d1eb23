"""The national task-tracking system of the Government Office (Hệ thống theo dõi nhiệm vụ của
Văn phòng Chính phủ): the Prime Minister's tasks assigned to the province are received onto the
province's board, and their progress is reported back. The shape of the exchange is in
docs/tasks.md; `simulator.py` plays the national side.

The client is an interface (`TaskTrackingClient`); `HttpTaskTrackingClient` speaks JSON over
HTTPS with a bearer token. Received tasks are validated here, as any imported message is."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency
from lienthong.core.audit import record_event
from lienthong.notifications.constants import NotificationKind

from .constants import DeadlineKind, EntryKind, SourceKind, TaskState
from .models import Task, TaskEntry
from .services import _entry, _notify, owner_recipients

STATUSES = ("in_progress", "completed")


class TaskTrackingError(Exception):
    """The national system could not be reached or refused the request."""


@dataclass(frozen=True)
class NationalTask:
    id: str
    title: str
    description: str
    assigned_by: str
    deadline: date
    source: str


@dataclass(frozen=True)
class ProgressPayload:
    reported_at: datetime
    progress: int
    status: str
    content: str
    reporter: str

    def as_json(self) -> dict[str, Any]:
        return {
            "reported_at": self.reported_at.isoformat(),
            "progress": self.progress,
            "status": self.status,
            "content": self.content,
            "reporter": self.reporter,
        }


class TaskTrackingClient(Protocol):
    def fetch_assigned(self) -> list[NationalTask]: ...

    def report_progress(self, national_id: str, payload: ProgressPayload) -> None: ...


def parse_task(raw: Any) -> NationalTask:
    """One task of the national system's answer, validated."""
    if not isinstance(raw, dict):
        raise ValidationError(_("A task must be an object."))
    values = {k: raw.get(k) for k in ("id", "title", "assigned_by", "deadline")}
    if not all(isinstance(v, str) and v.strip() for v in values.values()):
        raise ValidationError(_("A task needs an id, a title, who assigned it and a deadline."))
    try:
        deadline = date.fromisoformat(str(values["deadline"]))
    except ValueError:
        raise ValidationError(_("The deadline is not a date (YYYY-MM-DD).")) from None
    description, source = raw.get("description", ""), raw.get("source", "")
    if not isinstance(description, str) or not isinstance(source, str):
        raise ValidationError(_("The description and the source are texts."))
    task_id, title = str(values["id"]).strip(), str(values["title"]).strip()
    if len(task_id) > 64 or len(title) > 500 or len(source) > 300:
        raise ValidationError(_("A field of the task is too long."))
    return NationalTask(
        id=task_id,
        title=title,
        description=description.strip(),
        assigned_by=str(values["assigned_by"]).strip()[:200],
        deadline=deadline,
        source=source.strip(),
    )


class HttpTaskTrackingClient:
    """JSON over HTTP(S), `Authorization: Bearer <token>` (docs/tasks.md)."""

    def __init__(self, *, base_url: str, token: str, province_code: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.province_code = province_code
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the configured http(s) endpoint
            self.base_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if data else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise TaskTrackingError(f"{exc.code}: {detail}") from exc
        except OSError as exc:
            raise TaskTrackingError(str(exc)) from exc
        try:
            return json.loads(text) if text else {}
        except ValueError as exc:
            raise TaskTrackingError("the answer is not JSON") from exc

    def fetch_assigned(self) -> list[NationalTask]:
        answer = self._call("GET", f"/api/v1/provinces/{self.province_code}/tasks")
        raw = answer.get("tasks") if isinstance(answer, dict) else None
        if not isinstance(raw, list):
            raise TaskTrackingError("the answer has no list of tasks")
        return [parse_task(item) for item in raw]

    def report_progress(self, national_id: str, payload: ProgressPayload) -> None:
        self._call("POST", f"/api/v1/tasks/{national_id}/progress", payload.as_json())


def configured_client() -> HttpTaskTrackingClient | None:
    """The client of the configured endpoint, or None when none is set."""
    url = settings.LIENTHONG_TASK_TRACKING_URL
    if not url:
        return None
    return HttpTaskTrackingClient(
        base_url=url,
        token=settings.LIENTHONG_TASK_TRACKING_TOKEN,
        province_code=settings.LIENTHONG_TASK_TRACKING_PROVINCE,
    )


def receiving_agency() -> Agency:
    return Agency.objects.get(code=settings.LIENTHONG_TASK_TRACKING_AGENCY_CODE)


@transaction.atomic
def receive_national_tasks(*, client: TaskTrackingClient, agency: Agency) -> list[Task]:
    """Put the tasks assigned to the province onto its board (the province's People's
    Committee is in charge; its leaders hand them on). Idempotent: a task already received is
    not received twice. Returns the tasks received now."""
    received: list[Task] = []
    now = timezone.now()
    today = timezone.localdate(now)
    for item in client.fetch_assigned():
        if Task.objects.filter(national_id=item.id).exists():
            continue
        task = Task.objects.create(
            agency=agency,
            title=item.title,
            description=item.description,
            giver_label=item.assigned_by,
            owner_agency=agency,
            source_kind=SourceKind.NATIONAL,
            source_label=item.source,
            deadline_kind=DeadlineKind.DATE,
            start_date=today,
            deadline=item.deadline,
            original_deadline=item.deadline,
            given_at=now,
            national_id=item.id,
        )
        _entry(
            task,
            EntryKind.RECEIVED,
            actor=None,
            actor_label=item.assigned_by,
            at=now,
            text=item.description,
            data={"national_id": item.id},
        )
        record_event(
            action="task.received_national",
            obj=task,
            actor_username="task-tracking",
            data={"national_id": item.id, "deadline": item.deadline.isoformat()},
        )
        _notify(
            owner_recipients(task),
            NotificationKind.NEW_ASSIGNMENT,
            _("Task from the national system: %(task)s"),
            task,
            None,
        )
        received.append(task)
    return received


def payload_of(entry: TaskEntry) -> ProgressPayload:
    task = entry.task
    completed = entry.kind == EntryKind.COMPLETED
    return ProgressPayload(
        reported_at=entry.at,
        progress=100 if completed else (entry.progress or 0),
        status="completed" if completed else "in_progress",
        content=entry.text,
        reporter=f"{entry.actor_name} — {task.owner_agency}",
    )


def report_entry(entry_id: int, *, client: TaskTrackingClient | None = None) -> str:
    """Send one progress report or completion of a national task (idempotent: once sent, the
    entry records when, and is not sent again)."""
    with transaction.atomic():
        entry = (
            TaskEntry.objects.select_for_update(of=("self",))
            .select_related("task", "task__owner_agency", "actor")
            .get(pk=entry_id)
        )
        if entry.national_reported_at is not None:
            return "already reported"
        if not entry.task.national_id:
            return "not a national task"
        client = client or configured_client()
        if client is None:
            raise TaskTrackingError("LIENTHONG_TASK_TRACKING_URL is not set")
        client.report_progress(entry.task.national_id, payload_of(entry))
        entry.national_reported_at = timezone.now()
        entry.save(update_fields=["national_reported_at"])
        record_event(
            action="task.reported_national",
            obj=entry.task,
            actor_username="task-tracking",
            data={"entry": entry.pk, "state": TaskState(entry.task.state).value},
        )
    return "reported"
