"""Background jobs of the notifications app. Idempotent: see `mail.deliver`."""

from __future__ import annotations

from django_tasks import task

from lienthong.core.jobs import retrying

from . import channels, mail


# A mail server that is down usually stays down for a while: wait 30 s, 1 min, 2 min... about
# an hour in all over 8 attempts. The last failure stays FAILED, visible to administrators, and
# the notification itself is in the platform all along.
@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=30.0)
def send_notification_email(notification_id: int) -> str:
    """E-mail one notification to its recipient."""
    return mail.deliver(notification_id)


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=30.0)
def send_outbound_message(message_id: int) -> str:
    """Send one message through its channel (e-mail, later SMS or Zalo)."""
    return channels.deliver(message_id)
