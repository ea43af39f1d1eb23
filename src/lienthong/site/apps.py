from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top layer's pages that gather every app: the public home page and the officials'
    dashboard, and `lienthong serve` (the web server, the worker, the scheduler and the demo
    simulators). No app imports it."""

    name = "lienthong.site"
    label = "site"
    verbose_name = _("Site")
