from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lienthong.core.events import subscribe


class DvcqgConfig(AppConfig):
    name = "lienthong.dvcqg"
    label = "dvcqg"
    verbose_name = _("National public-service portal")

    def ready(self) -> None:
        # Imported once the app registry is ready (they import models): AppConfig.ready's place.
        from lienthong.core import periodic  # noqa: PLC0415
        from lienthong.onestop.events import (  # noqa: PLC0415
            DossierProgressed,
            DossierStatusChanged,
        )

        from .periodic import pull_dossiers, resend_due_pushes  # noqa: PLC0415
        from .subscribers import push_progress, push_status_change  # noqa: PLC0415

        subscribe(DossierStatusChanged, push_status_change)
        subscribe(DossierProgressed, push_progress)
        periodic.register("dvcqg.resend_due_pushes", resend_due_pushes)
        periodic.register("dvcqg.pull_dossiers", pull_dossiers)
