from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "lienthong.drafting"
    label = "drafting"
    verbose_name = _("Drafts and approval of outgoing documents")

    def ready(self) -> None:
        # Imported when the app registry is ready: these modules use the models.
        from .queues import register_queues  # noqa: PLC0415 - AppConfig.ready()
        from .services import register_remote_signing  # noqa: PLC0415 - AppConfig.ready()

        register_queues()
        register_remote_signing()
