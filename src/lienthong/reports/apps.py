from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lienthong.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from lienthong.core import periodic  # noqa: PLC0415 - AppConfig.ready()
        from lienthong.core.events import subscribe  # noqa: PLC0415 - AppConfig.ready()
        from lienthong.exchange.events import DocumentDelivered  # noqa: PLC0415

        from .reminders import report_reminders  # noqa: PLC0415 - AppConfig.ready()
        from .subscribers import document_delivered  # noqa: PLC0415 - AppConfig.ready()

        periodic.register("reports.report_reminders", report_reminders)
        subscribe(DocumentDelivered, document_delivered)
