from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DvcqgConfig(AppConfig):
    name = "lienthong.dvcqg"
    label = "dvcqg"
    verbose_name = _("National public-service portal")
