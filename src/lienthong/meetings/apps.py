from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "lienthong.meetings"
    label = "meetings"
    verbose_name = _("Meetings and work schedules")

    def ready(self) -> None:
        from lienthong.core import periodic  # noqa: PLC0415 - AppConfig.ready()

        from .services import remind_upcoming  # noqa: PLC0415

        periodic.register("meetings.remind_upcoming", remind_upcoming)
