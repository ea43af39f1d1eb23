"""Settings for the test suite: the production settings with a published key and plain HTTP."""

import os

os.environ["LIENTHONG_SETTINGS_PROFILE"] = "test"
os.environ.setdefault("LIENTHONG_SECRET_KEY", "test-only-" + "t" * 50)
os.environ.setdefault("LIENTHONG_HTTPS", "0")

from .base import *  # noqa: F403
from .base import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Serve static files straight from the apps and node_modules, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
