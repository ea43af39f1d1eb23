from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lienthong.core import periodic
from lienthong.core.events import subscribe


class SignaturesConfig(AppConfig):
    name = "lienthong.signatures"
    label = "signatures"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:

        # ready (AppConfig.ready is the place).
        from lienthong.documents.events import FileAttached  # noqa: PLC0415

        from . import checks  # noqa: F401, PLC0415  (registers the system checks)
        from .services import poll_remote_signatures, warn_expiring_certificates  # noqa: PLC0415
        from .subscribers import verify_incoming_file  # noqa: PLC0415

        periodic.register("signatures.warn_expiring_certificates", warn_expiring_certificates)
        periodic.register("signatures.poll_remote_signatures", poll_remote_signatures)
        subscribe(FileAttached, verify_incoming_file)
