from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "lienthong.workflows"
    label = "workflows"
    verbose_name = _("Processing of incoming documents")

    def ready(self) -> None:
        # Imported when the app registry is ready: these modules use the models.
        from lienthong.core import periodic  # noqa: PLC0415 - AppConfig.ready()

        from .services import deadline_reminders  # noqa: PLC0415 - AppConfig.ready()

        periodic.register("workflows.deadline_reminders", deadline_reminders)
