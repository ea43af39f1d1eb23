from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "lienthong.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self) -> None:
        from .queues import register_queues

        register_queues()
        from lienthong.core import periodic

        from .services import forget_expired_uploads

        periodic.register("documents.forget_expired_uploads", forget_expired_uploads)
