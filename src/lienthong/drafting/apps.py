from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "lienthong.drafting"
    label = "drafting"
    verbose_name = _("Drafts and approval of outgoing documents")

    def ready(self) -> None:
        from .queues import register_queues

        register_queues()
        from .services import register_remote_signing

        register_remote_signing()
