from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lienthong.core.events import subscribe


class ExchangeConfig(AppConfig):
    name = "lienthong.exchange"
    label = "exchange"
    verbose_name = _("Exchange between agencies")

    def ready(self) -> None:

        # ready (AppConfig.ready is the place).
        from lienthong.documents.events import OutgoingIssued  # noqa: PLC0415

        from .subscribers import deliver_issued  # noqa: PLC0415

        subscribe(OutgoingIssued, deliver_issued)

        from lienthong.core import periodic  # noqa: PLC0415

        from .axis_services import enqueue_poll  # noqa: PLC0415

        periodic.register("exchange.poll_axis", enqueue_poll)
