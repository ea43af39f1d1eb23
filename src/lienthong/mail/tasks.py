"""Background jobs of official e-mail (django-tasks, database backend). Idempotent."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from lienthong.core.jobs import retrying

from . import digest, sending, services
from .models import Mailbox


@task(queue_name="default")
def poll_mailbox(mailbox_id: int) -> str:
    """Read one mailbox (a failure is recorded on the mailbox and retried by the scheduler
    with back-off, see `services.poll_mailbox`)."""
    mailbox = Mailbox.objects.select_related("agency").get(pk=mailbox_id)
    result = services.poll_mailbox(mailbox=mailbox)
    return (
        f"{len(result.taken)} taken, {result.duplicates} duplicates, {result.ignored} ignored, "
        f"{result.bounces} delivery reports"
    )


def enqueue_due_polls() -> int:
    """Periodic (every minute): a poll job for each active mailbox whose time has come."""
    now = timezone.now()
    due = Mailbox.objects.filter(active=True).exclude(next_poll_at__gt=now)
    count = 0
    for mailbox_id in due.values_list("pk", flat=True):
        poll_mailbox.enqueue(mailbox_id)
        count += 1
    return count


# An SMTP server down usually stays down a while: 1, 2, 4 minutes... about 4 hours in 8 tries.
@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=60.0)
def send_document_email(recipient_id: int) -> str:
    """Send an issued document to one e-mail recipient."""
    return sending.deliver(recipient_id)


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=6, base_delay=120.0)
def send_digest(subscription_id: int, day: str) -> str:
    """Send one user's daily digest for `day` (ISO date), once."""
    return digest.send(subscription_id, date.fromisoformat(day))


def enqueue_due_digests() -> int:
    """Periodic (every minute): a job for each digest whose hour has come today."""
    due = digest.claim_due()
    for subscription_id, day in due:
        send_digest.enqueue(subscription_id, day.isoformat())
    return len(due)
