from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "lienthong.signatures"
    label = "signatures"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from lienthong.core import periodic

        from . import checks  # noqa: F401 - registers the system checks
        from .services import poll_remote_signatures, warn_expiring_certificates

        periodic.register("signatures.warn_expiring_certificates", warn_expiring_certificates)
        periodic.register("signatures.poll_remote_signatures", poll_remote_signatures)
