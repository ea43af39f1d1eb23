from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lienthong.accounts"
    label = "accounts"
    verbose_name = _("Organisation and accounts")

    def ready(self) -> None:

        # ready (AppConfig.ready is the place).
        from . import signals  # noqa: F401, PLC0415  (security events from django.contrib.auth)
