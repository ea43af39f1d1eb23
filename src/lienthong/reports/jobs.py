"""Background jobs (django-tasks) of reporting: sending an accepted report to the national
reporting system. Idempotent, retried with back-off while the system cannot be reached."""

from __future__ import annotations

from django_tasks import task

from lienthong.core.jobs import retrying

from . import national


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=30.0)
def send_national_report(submission_id: int) -> str:
    return national.deliver(submission_id)
