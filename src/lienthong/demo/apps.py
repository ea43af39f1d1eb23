from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The top layer's demo tools: the demo province (`load_demo`) and the generated province
    for load tests (`generate_province`). They call every app's services and demo data; no app
    imports them."""

    name = "lienthong.demo"
    label = "demo"
    verbose_name = _("Demonstration data")
