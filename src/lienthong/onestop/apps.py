from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "lienthong.onestop"
    label = "onestop"
    verbose_name = _("One-stop shop")

    def ready(self) -> None:
        from .queues import register_queues

        register_queues()
        from lienthong.core import periodic

        from . import signals  # noqa: F401  (payment receivers)
        from .services import warn_due_soon

        periodic.register("onestop.warn_due_soon", warn_due_soon)
