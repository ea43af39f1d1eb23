from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "lienthong.onestop"
    label = "onestop"
    verbose_name = _("One-stop shop")

    def ready(self) -> None:
        # Imported once the app registry is ready (they import models): AppConfig.ready's place.
        # (RUF100 until PLC0415 is in the project's rule set.)
        from lienthong.core import periodic  # noqa: PLC0415

        from . import signals  # noqa: F401, PLC0415  (payment receivers)
        from .queues import register_queues  # noqa: PLC0415
        from .services import warn_due_soon  # noqa: PLC0415

        register_queues()
        periodic.register("onestop.warn_due_soon", warn_due_soon)
