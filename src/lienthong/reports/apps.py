from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lienthong.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from lienthong.core import periodic  # noqa: PLC0415 - AppConfig.ready()

        from .reminders import report_reminders  # noqa: PLC0415 - AppConfig.ready()

        periodic.register("reports.report_reminders", report_reminders)
