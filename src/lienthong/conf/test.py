"""Settings for the test suite: the production settings with a published key and plain HTTP."""

import os

os.environ["LIENTHONG_SETTINGS_PROFILE"] = "test"
os.environ["LIENTHONG_SECRET_KEY"] = (
    os.environ.get("LIENTHONG_SECRET_KEY") or "test-only-" + "t" * 50
)
os.environ.setdefault("LIENTHONG_HTTPS", "0")
# The key-encryption key of stored signing keys (published: test only, refused in production).
os.environ.setdefault(
    "LIENTHONG_KEY_ENCRYPTION_KEY", "dGVzdC1vbmx5LWtleS1lbmNyeXB0aW9uLWtleS0zMmI="
)
# The local payment gateway simulator's merchant code and shared secret (published: test only).
os.environ.setdefault("LIENTHONG_PAYMENT_MERCHANT_CODE", "LTCAMAU1")
os.environ.setdefault("LIENTHONG_PAYMENT_SECRET", "test-only-payment-secret-" + "p" * 24)

from django.contrib.auth.hashers import Argon2PasswordHasher

from .base import *  # noqa: F403
from .base import DATABASES, PASSWORD_HASHERS, STORAGES


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2, the production algorithm, at its lowest cost: the suite creates thousands of
    officials, and the production parameters (100 MiB, 8 lanes) cost a tenth of a second each.
    Stored hashes still read `argon2$argon2id$...` and are checked by the same code."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


PASSWORD_HASHERS = [
    "lienthong.conf.test.QuickArgon2PasswordHasher",
    *(h for h in PASSWORD_HASHERS if not h.endswith(".Argon2PasswordHasher")),
]

# Live-server threads must not keep connections open past a test (PostgreSQL drops the test
# database at the end and refuses while a session is connected).
DATABASES["default"]["CONN_MAX_AGE"] = 0

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Serve static files straight from the apps and node_modules, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: concurrent registrations from several threads are part of the tests.
    from .base import DATA_DIR

    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}

# Two-factor sign-in is off for the suite at large: the tests of other apps sign officials in
# with `force_login` and are not about the second factor. The tests that are (tests/accounts/
# test_two_factor*.py), the hardening suite (its permission matrix signs leaders and
# administrators in with a verified second factor) and the browser tests turn the production
# default (`LIENTHONG_2FA_DEFAULT_ROLES`) back on.
LIENTHONG_2FA_REQUIRED_ROLES = ()

# No audit anchors by default: every test has its own database, so anchors written by one would
# not match the next. The anchoring tests give a folder of their own.
LIENTHONG_AUDIT_ANCHOR_DIR = None

# The suite must pass next year too: `LIENTHONG_TEST_CLOCK=2027-01-05T09:00+07:00` moves the
# clock of this process, and of every server a test starts with these settings, to that moment,
# ticking from there. The first process to read it notes the real time it did so in the variable
# (`<moment>@<epoch>`), which its children inherit: every process then runs the same clock, the
# real one plus one offset (a job started by a worker and swept by a command agree on its age).
# scripts/test runs both halves that way.
if os.environ.get("LIENTHONG_TEST_CLOCK"):
    import time as _time
    from datetime import datetime as _datetime
    from datetime import timedelta as _timedelta

    import time_machine

    _moment, _, _epoch = os.environ["LIENTHONG_TEST_CLOCK"].partition("@")
    if not _epoch:
        _epoch = repr(_time.time())
        os.environ["LIENTHONG_TEST_CLOCK"] = f"{_moment}@{_epoch}"
    _elapsed = _timedelta(seconds=_time.time() - float(_epoch))
    time_machine.travel(_datetime.fromisoformat(_moment) + _elapsed, tick=True).start()
