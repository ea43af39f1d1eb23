"""Background jobs (django-tasks) of the follow-up of tasks. Not to be confused with the tasks
(nhiệm vụ) themselves: these are the queue's jobs. Idempotent, retried with back-off."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from lienthong.core.jobs import retrying

from . import national


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=30.0)
def report_to_national_system(entry_id: int) -> str:
    """Report one progress entry of a national task to the Government Office's system."""
    return national.report_entry(entry_id)


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=3, base_delay=60.0)
def pull_national_tasks() -> int:
    """Receive the tasks newly assigned to the province."""
    client = national.configured_client()
    if client is None:
        return 0
    return len(national.receive_national_tasks(client=client, agency=national.receiving_agency()))


def national_pull() -> int:
    """The periodic entry point: enqueue a pull every LIENTHONG_TASK_TRACKING_PULL_MINUTES
    minutes when an endpoint is configured (the scheduler runs this every minute)."""
    interval = max(1, settings.LIENTHONG_TASK_TRACKING_PULL_MINUTES)
    now = timezone.localtime()
    if not settings.LIENTHONG_TASK_TRACKING_URL or (now.hour * 60 + now.minute) % interval:
        return 0
    pull_national_tasks.enqueue()
    return 1
