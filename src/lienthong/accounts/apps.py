from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lienthong.accounts"
    label = "accounts"
    verbose_name = _("Organisation and accounts")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (security events from django.contrib.auth)
