from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from . import periodic
from .cache import ensure_cache_tables
from .third_party import name_third_party_sections


class CoreConfig(AppConfig):
    name = "lienthong.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        # anchoring imports the audit models: loadable only once the registry is ready.
        from .anchoring import periodic_anchor  # noqa: PLC0415

        periodic.register("core.anchor_audit_chain", periodic_anchor)
        # Every `migrate` (./scripts/run, deployments, the test database) makes the shared
        # cache's table, so rate limits work from the first request.
        post_migrate.connect(ensure_cache_tables, sender=self, dispatch_uid="core_cache_tables")
        # The administration reads in Vietnamese, third-party sections included.
        name_third_party_sections()
