from django_tasks import task

from lienthong.core.jobs import retrying

from . import services


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=5.0)
def deliver(delivery_id: int) -> None:
    """Create the recipient's copy of an issued document (idempotent)."""
    services.make_delivery(delivery_id=delivery_id)
