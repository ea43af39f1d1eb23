from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lienthong.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from . import periodic
        from .anchoring import periodic_anchor

        periodic.register("core.anchor_audit_chain", periodic_anchor)
