from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "lienthong.workflows"
    label = "workflows"
    verbose_name = _("Processing of incoming documents")

    def ready(self) -> None:
        from lienthong.core import periodic

        from .services import deadline_reminders

        periodic.register("workflows.deadline_reminders", deadline_reminders)
