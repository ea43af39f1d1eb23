from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lienthong.core import periodic
from lienthong.core.events import subscribe


class DocumentsConfig(AppConfig):
    name = "lienthong.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self) -> None:

        # ready (AppConfig.ready is the place).
        from lienthong.core.backup import Restored  # noqa: PLC0415

        from .queues import register_queues  # noqa: PLC0415
        from .services import forget_expired_uploads  # noqa: PLC0415
        from .subscribers import check_restored_blobs  # noqa: PLC0415

        register_queues()
        periodic.register("documents.forget_expired_uploads", forget_expired_uploads)
        subscribe(Restored, check_restored_blobs)
