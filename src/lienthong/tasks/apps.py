from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    """The follow-up of tasks (nhiệm vụ) leaders give: not background jobs (django-tasks)."""

    name = "lienthong.tasks"
    label = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from lienthong.core import periodic  # noqa: PLC0415 - AppConfig.ready()

        from .jobs import national_pull  # noqa: PLC0415
        from .reminders import task_deadline_reminders  # noqa: PLC0415

        periodic.register("tasks.deadline_reminders", task_deadline_reminders)
        periodic.register("tasks.national_pull", national_pull)
