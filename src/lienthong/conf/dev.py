"""Settings for development on one's own machine: DEBUG on, a published key, plain HTTP."""

import os

os.environ["LIENTHONG_SETTINGS_PROFILE"] = "dev"
os.environ["LIENTHONG_SECRET_KEY"] = (
    os.environ.get("LIENTHONG_SECRET_KEY") or "dev-only-" + "d" * 50
)
os.environ.setdefault("LIENTHONG_HTTPS", "0")
# The local payment gateway simulator's merchant code and shared secret (published: dev only).
os.environ.setdefault("LIENTHONG_PAYMENT_MERCHANT_CODE", "LTCAMAU1")
os.environ.setdefault("LIENTHONG_PAYMENT_SECRET", "dev-only-payment-secret-" + "p" * 24)

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps and node_modules, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
