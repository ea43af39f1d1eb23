from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lienthong.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from lienthong.core import periodic  # noqa: PLC0415 - AppConfig.ready()
        from lienthong.core.events import subscribe  # noqa: PLC0415 - AppConfig.ready()
        from lienthong.exchange.events import (  # noqa: PLC0415
            DocumentDelivered,
            DocumentRecalled,
        )

        from .reminders import report_reminders  # noqa: PLC0415 - AppConfig.ready()
        from .subscribers import (  # noqa: PLC0415 - AppConfig.ready()
            document_delivered,
            document_recalled,
        )

        periodic.register("reports.report_reminders", report_reminders)
        subscribe(DocumentDelivered, document_delivered)
        subscribe(DocumentRecalled, document_recalled)
