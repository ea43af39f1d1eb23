from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "lienthong.portal"
    label = "portal"
    verbose_name = _("Provincial e-portal")

    def ready(self) -> None:
        from .signals import connect  # noqa: PLC0415  # models are loaded only now

        connect()
