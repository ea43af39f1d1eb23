from django.conf import settings
from django_tasks import task

from lienthong.core.jobs import retrying

from . import services


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=5.0)
def deliver(delivery_id: int) -> None:
    """Create the recipient's copy of an issued document (idempotent)."""
    services.make_delivery(delivery_id=delivery_id)


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=settings.LIENTHONG_AXIS_SEND_ATTEMPTS, base_delay=30.0)
def transmit(delivery_id: int) -> None:
    """Send one package over the document axis (built and signed once; idempotent)."""
    from . import axis_services  # noqa: PLC0415

    axis_services.transmit(delivery_id=delivery_id)


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=settings.LIENTHONG_AXIS_SEND_ATTEMPTS, base_delay=30.0)
def transmit_status(package_id: int) -> None:
    """Send one status package over the document axis (idempotent)."""
    from . import axis_services  # noqa: PLC0415

    axis_services.transmit_status(package_id=package_id)


@task(queue_name="default")
def poll_axis() -> None:
    """Take what waits for us on the axis; synchronise its directory now and then."""
    from . import axis_services  # noqa: PLC0415

    if axis_services.due_for_directory_sync():
        axis_services.sync_directory()
    axis_services.poll()
