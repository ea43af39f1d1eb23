"""Every setting of lienthong, with a safe default.

What differs by deployment comes from environment variables (see docs/settings.md, which lists
every one of them). This module refuses to start with a default secret key unless DEBUG is on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/lienthong
PROJECT_DIR = PACKAGE_DIR.parent.parent  # the repository checkout
DATA_DIR = Path(os.environ.get("LIENTHONG_DATA_DIR", PROJECT_DIR / "var")).resolve()

# Which settings module loaded this one: "production" (this module alone), "dev" or "test".
SETTINGS_PROFILE = os.environ.get("LIENTHONG_SETTINGS_PROFILE", "production")
DEBUG = env_bool("LIENTHONG_DEBUG", False)
if DEBUG and SETTINGS_PROFILE == "production":
    raise ImproperlyConfigured(
        "LIENTHONG_DEBUG is on: the production settings refuse to run with DEBUG. "
        "Use DJANGO_SETTINGS_MODULE=lienthong.conf.dev for development."
    )

# Secrets whose values appear in this repository (the development and test settings set them,
# all beginning "dev-only-" or "test-only-") are never accepted in production.
PUBLISHED_SECRET_PREFIXES = ("dev-only-", "test-only-")
PUBLIC_KEYS = {
    "dev-only-" + "d" * 50,
    "test-only-" + "t" * 50,
}
PUBLIC_PAYMENT_SECRETS = {
    "dev-only-payment-secret-" + "p" * 24,
    "test-only-payment-secret-" + "p" * 24,
}


def is_published_secret(value: str, published: set[str]) -> bool:
    """Whether a secret is one of the values published in this repository."""
    return value in published or value.startswith(PUBLISHED_SECRET_PREFIXES)


SECRET_KEY = os.environ.get("LIENTHONG_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "LIENTHONG_SECRET_KEY is not set. Set it to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if SETTINGS_PROFILE == "production" and (
    is_published_secret(SECRET_KEY, PUBLIC_KEYS)
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 32
):
    raise ImproperlyConfigured(
        "LIENTHONG_SECRET_KEY is a default, published or short key; refusing to start. "
        "Use at least 32 random characters."
    )

# Key-encryption key (KEK): seals the signing keys stored in the database (PKCS#12 files). It is
# neither in the database nor in a backup, and not derived from SECRET_KEY: keep it with the
# secrets, and give it to a restore (docs/operations.md). A comma-separated list of Fernet keys
# (python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'):
# the first seals, every one opens; rotation puts a new key first, runs
# `lienthong reseal_signing_keys`, then drops the old one. Development generates one in DATA_DIR.
PUBLIC_KEY_ENCRYPTION_KEYS = {"dGVzdC1vbmx5LWtleS1lbmNyeXB0aW9uLWtleS0zMmI="}  # conf/test.py
KEY_ENCRYPTION_KEY_FILE = DATA_DIR / "key_encryption_key"
LIENTHONG_KEY_ENCRYPTION_KEYS = env_list("LIENTHONG_KEY_ENCRYPTION_KEY", [])
if not LIENTHONG_KEY_ENCRYPTION_KEYS and SETTINGS_PROFILE == "dev":
    if not KEY_ENCRYPTION_KEY_FILE.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _fd = os.open(KEY_ENCRYPTION_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(_fd, "w") as _handle:
            _handle.write(Fernet.generate_key().decode() + "\n")
    LIENTHONG_KEY_ENCRYPTION_KEYS = [KEY_ENCRYPTION_KEY_FILE.read_text().strip()]
if not LIENTHONG_KEY_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "LIENTHONG_KEY_ENCRYPTION_KEY is not set: it seals the stored signing keys. Set it to a "
        "Fernet key (python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())') and keep it apart from the database and its "
        "backups (docs/operations.md)."
    )
for _kek in LIENTHONG_KEY_ENCRYPTION_KEYS:
    try:
        Fernet(_kek)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "LIENTHONG_KEY_ENCRYPTION_KEY must be Fernet keys (32 bytes, URL-safe base64), "
            "separated by commas."
        ) from exc
    if SETTINGS_PROFILE == "production" and _kek in PUBLIC_KEY_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "LIENTHONG_KEY_ENCRYPTION_KEY is a key published in this repository; refusing to start."
        )

ALLOWED_HOSTS = env_list("LIENTHONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("LIENTHONG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The provincial e-portal's CMS (lienthong.portal)
    "wagtail.contrib.redirects",
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "lienthong.core",
    "lienthong.accounts",
    "lienthong.documents",
    "lienthong.workflows",
    "lienthong.drafting",
    "lienthong.signatures",
    "lienthong.records",
    "lienthong.exchange",
    "lienthong.notifications",
    "lienthong.catalogue",
    "lienthong.payments",
    "lienthong.reports",
    "lienthong.onestop",
    "lienthong.meetings",
    "lienthong.tasks",
    "lienthong.mail",
    "lienthong.training",
    "lienthong.quality",
    "lienthong.dvcqg",
    "lienthong.portal",
    "lienthong.api",
    "lienthong.site",
    "lienthong.demo",
    # Django's form templates, after the platform's own: lienthong.core overrides the select
    # (its options written in place; FORM_RENDERER below reads templates as the pages do).
    "django.forms",
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "lienthong.core.middleware.TrustedFrontMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lienthong.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "lienthong.core.middleware.RequestContextMiddleware",
    "lienthong.accounts.middleware.OfficersOnlyMiddleware",
    "lienthong.accounts.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "lienthong.accounts.middleware.DeviceCookieMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lienthong.conf.urls"
WSGI_APPLICATION = "lienthong.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lienthong.core.context_processors.platform",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode (foreign keys are always on in Django's SQLite backend).
# Production: DATABASE_URL=postgres://user:password@host:5432/lienthong
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'lienthong.sqlite3'}",
        conn_max_age=env_int("LIENTHONG_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # No JIT compilation for the platform's queries: they are short (pages, API calls), and at
    # ten million documents the planner's costs of a search or a statistics page pass
    # `jit_above_cost`, so PostgreSQL spent 250 ms compiling a query that ran in 1 ms.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- The shared cache: rate limits, sign-in delays ---------------------------------------------
# Every web process must count in the same place. Default: a table of the platform's database
# (made by `migrate`); with LIENTHONG_REDIS_URL (redis://host:6379/0) Redis, which needs the
# `redis` package installed. Never a per-process memory cache.
LIENTHONG_REDIS_URL = os.environ.get("LIENTHONG_REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if LIENTHONG_REDIS_URL:
    try:
        import redis  # noqa: F401
    except ImportError as exc:
        raise ImproperlyConfigured(
            "LIENTHONG_REDIS_URL is set but the redis package is not installed "
            "(pip install 'redis>=5')."
        ) from exc
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": LIENTHONG_REDIS_URL,
            "KEY_PREFIX": "lienthong",
            "TIMEOUT": 24 * 3600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "lienthong.core.cache.DatabaseCache",
            "LOCATION": "lienthong_cache",
            "TIMEOUT": 24 * 3600,
            # Culling must not evict live counters: an attacker could flood the cache with keys.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000, "CULL_FREQUENCY": 10},
        }
    }

# --- Accounts and sign-in ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lienthong.accounts.backends.OfficialModelBackend",
    "lienthong.accounts.backends.RolePermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("LIENTHONG_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# How people sign in (accounts/identity.py, docs/identity.md): dotted paths of identity-provider
# classes, in the order the sign-in page offers them. The platform's own accounts are one; the
# national single sign-on (VNeID, OpenID Connect) is added here when connected.
LIENTHONG_IDENTITY_PROVIDERS = ["lienthong.accounts.identity.LocalAccounts"]
# "Forgotten password" (citizens' and businesses' accounts): the link e-mailed works once, for
# this long; requests are limited per client address and per e-mail address in the window.
PASSWORD_RESET_TIMEOUT = env_int("LIENTHONG_PASSWORD_RESET_SECONDS", 3600)
LIENTHONG_PASSWORD_RESET_LIMIT = env_int("LIENTHONG_PASSWORD_RESET_LIMIT", 5)
LIENTHONG_PASSWORD_RESET_WINDOW_SECONDS = env_int("LIENTHONG_PASSWORD_RESET_WINDOW_SECONDS", 3600)

# Failed sign-ins (accounts/signin.py): django-axes locks a user name at one address (never a
# whole address, never an account everywhere); a user name's failures from anywhere make further
# tries wait a growing delay (at most LIENTHONG_LOGIN_MAX_DELAY_SECONDS), except from an address
# the account signed in from or a browser holding its device cookie.
AXES_FAILURE_LIMIT = env_int("LIENTHONG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LIENTHONG_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "lienthong.accounts.signin.SignInHandler"
# One notion of the client's address for every limit and the audit log (core.middleware).
AXES_CLIENT_IP_CALLABLE = "lienthong.core.middleware.client_ip"
AXES_USERNAME_CALLABLE = "lienthong.accounts.signin.username_of"
AXES_WHITELIST_CALLABLE = "lienthong.accounts.signin.trusted_device"
AXES_LOCKOUT_CALLABLE = "lienthong.accounts.signin.locked_out"
# A try refused while locked or waiting is not checked, and counts for nothing (not even to
# lengthen the lock): refused tries cannot be used to keep someone out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
LIENTHONG_LOGIN_DELAY_AFTER = env_int("LIENTHONG_LOGIN_DELAY_AFTER", 5)
LIENTHONG_LOGIN_MAX_DELAY_SECONDS = env_int("LIENTHONG_LOGIN_MAX_DELAY_SECONDS", 60)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-factor sign-in (TOTP, django-otp). Accounts holding one of these roles must enrol an
# authenticator app and give its code after the password; others may opt in from their security
# page. A comma-separated list of role values; "none" requires it of nobody.
LIENTHONG_2FA_DEFAULT_ROLES = ("agency_leader", "unit_leader", "agency_admin", "system_admin")
_two_factor_roles = env_list("LIENTHONG_2FA_REQUIRED_ROLES", list(LIENTHONG_2FA_DEFAULT_ROLES))
LIENTHONG_2FA_REQUIRED_ROLES = tuple(r for r in _two_factor_roles if r.lower() != "none")
# How many one-time backup codes an enrolment or a regeneration hands out.
LIENTHONG_2FA_BACKUP_CODES = env_int("LIENTHONG_2FA_BACKUP_CODES", 10)
OTP_TOTP_ISSUER = os.environ.get("LIENTHONG_2FA_ISSUER", "lienthong")
# Wrong codes: each failure doubles the wait before the next try (1, 2, 4 ... seconds).
OTP_TOTP_THROTTLE_FACTOR = env_int("LIENTHONG_2FA_THROTTLE_FACTOR", 1)
# Backup codes are throttled with the authenticator app's counter (one count per person).
OTP_STATIC_THROTTLE_FACTOR = 0

# --- HTTP security ----------------------------------------------------------------------------
HTTPS = env_bool("LIENTHONG_HTTPS", True)  # behind TLS in production; the local demo sets 0
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("LIENTHONG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# Proxies before `lienthong serve`'s front (a TLS terminator) whose X-Forwarded-For and
# X-Forwarded-Proto the front believes (core/front.py); the application believes only the front.
# "none": no proxy (the front is the site's edge).
_trusted_proxies = env_list("LIENTHONG_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
LIENTHONG_TRUSTED_PROXIES = [p for p in _trusted_proxies if p.lower() != "none"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("LIENTHONG_SESSION_AGE_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
CSRF_FAILURE_VIEW = "lienthong.core.views.csrf_failure"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],  # and the payment gateway's page (below)
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Internationalisation: Vietnamese first, English available ---------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages are installed by npm (package.json) into node_modules and served locally.
STATICFILES_DIRS = [
    ("vendor", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
    # Searchable pickers for units, people and recipients.
    ("vendor/tom-select", PROJECT_DIR / "node_modules" / "tom-select" / "dist" / "js"),
    ("vendor/tom-select/css", PROJECT_DIR / "node_modules" / "tom-select" / "dist" / "css"),
    # The inline PDF viewer (pdf.js): the library and its worker, no viewer application.
    ("vendor/pdfjs", PROJECT_DIR / "node_modules" / "pdfjs-dist" / "build"),
    # Charts for the statistics pages (Chart.js, UMD build).
    ("vendor/chartjs", PROJECT_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("LIENTHONG_S3_BUCKET"):
    # S3-compatible object storage (MinIO, Ceph, Viettel/VNPT clouds...) through django-storages.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["LIENTHONG_S3_BUCKET"],
            "endpoint_url": os.environ.get("LIENTHONG_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("LIENTHONG_S3_ACCESS_KEY"),
            "secret_key": os.environ.get("LIENTHONG_S3_SECRET_KEY"),
            "region_name": os.environ.get("LIENTHONG_S3_REGION") or None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
# Attachments: size limit per file, and how many pages of a PDF are read for search.
LIENTHONG_MAX_UPLOAD_BYTES = env_int("LIENTHONG_MAX_UPLOAD_MB", 50) * 1024 * 1024
LIENTHONG_MAX_TEXT_PAGES = env_int("LIENTHONG_MAX_TEXT_PAGES", 500)
# A PDF whose page contents inflate beyond this is refused as a decompression bomb.
LIENTHONG_MAX_PDF_CONTENT_MB = env_int("LIENTHONG_MAX_PDF_CONTENT_MB", 40)
# OCR reads at most this many pages of a scanned PDF (a tiny file can hold thousands of pages).
LIENTHONG_MAX_OCR_PAGES = env_int("LIENTHONG_MAX_OCR_PAGES", 100)
# An uploaded image (scan) has at most this many pixels: A4 at 600 dpi is about 35 million.
LIENTHONG_MAX_IMAGE_PIXELS = env_int("LIENTHONG_MAX_IMAGE_PIXELS", 60_000_000)
# Public dossier tracking (code + telephone or ID number), counted in the shared cache: look-ups
# allowed per client address in the window; after this many wrong look-ups for one code (from any
# address) in its window, that code answers only to the telephone and the ID number together.
LIENTHONG_TRACKING_LIMIT = env_int("LIENTHONG_TRACKING_LIMIT", 10)
LIENTHONG_TRACKING_WINDOW_SECONDS = env_int("LIENTHONG_TRACKING_WINDOW_SECONDS", 600)
LIENTHONG_TRACKING_CODE_FAILURES = env_int("LIENTHONG_TRACKING_CODE_FAILURES", 20)
LIENTHONG_TRACKING_CODE_WINDOW_SECONDS = env_int("LIENTHONG_TRACKING_CODE_WINDOW_SECONDS", 3600)
# The link to download a result from the public tracking page lasts this long.
LIENTHONG_TRACKING_RESULT_LINK_SECONDS = env_int("LIENTHONG_TRACKING_RESULT_LINK_SECONDS", 3600)
# The public "check a document" page: files checked per client address per window.
LIENTHONG_FILE_CHECK_LIMIT = env_int("LIENTHONG_FILE_CHECK_LIMIT", 20)
LIENTHONG_FILE_CHECK_WINDOW_SECONDS = env_int("LIENTHONG_FILE_CHECK_WINDOW_SECONDS", 600)
# Citizens' and businesses' sign-ups (every attempt) allowed per client address in the window.
LIENTHONG_SIGN_UP_LIMIT = env_int("LIENTHONG_SIGN_UP_LIMIT", 10)
LIENTHONG_SIGN_UP_WINDOW_SECONDS = env_int("LIENTHONG_SIGN_UP_WINDOW_SECONDS", 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields (not files)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads spool to a temporary file

# --- Digital signatures (signatures app) -------------------------------------------------------
# When on (the production default), approving a draft and issuing it always require the signer's
# and the agency's digital signatures, whatever the agency's issuing policy. When off (the dev and
# test settings' default), the agency's policy decides (Agency.issues_on_paper): a document
# delivered electronically to another agency must still be signed unless the agency also issues
# on paper; a signer with a certificate on file signs whenever he approves.
LIENTHONG_REQUIRE_DIGITAL_SIGNATURE = env_bool(
    "LIENTHONG_REQUIRE_DIGITAL_SIGNATURE", SETTINGS_PROFILE == "production"
)
LIENTHONG_TSA_URL = os.environ.get("LIENTHONG_TSA_URL", "")  # RFC 3161; empty: PAdES B-B
LIENTHONG_TSA_TIMEOUT_SECONDS = env_int("LIENTHONG_TSA_TIMEOUT_SECONDS", 10)
# A demo installation (./scripts/run): `lienthong load_demo` makes the demo PKI (a root CA with
# no legal value, certificates for the demo signers and seals, a demo timestamp authority) and
# its root may be trusted. Off in production, where a trusted demo root is refused (checks.py).
LIENTHONG_DEMO = env_bool("LIENTHONG_DEMO", False)
# Where the demo root's and the demo TSA's certificates and sealed keys are kept.
LIENTHONG_DEMO_PKI_DIR = Path(os.environ.get("LIENTHONG_DEMO_PKI_DIR") or DATA_DIR / "demo-pki")
# Demo only: `lienthong serve` also runs the demo RFC 3161 timestamp authority on this local port
# (0: not started). ./scripts/run sets it and points LIENTHONG_TSA_URL at it.
LIENTHONG_DEMO_TSA_PORT = env_int("LIENTHONG_DEMO_TSA_PORT", 0)
# Demo only: `lienthong serve` also runs the remote signing simulator (a stand-in for VNPT
# SmartCA, `remote_signing_simulator`) on this local port with the config `load_demo` wrote into
# LIENTHONG_DEMO_PKI_DIR (0: not started). ./scripts/run sets it and the provider `smartca-demo`.
LIENTHONG_DEMO_REMOTE_SIGNING_PORT = env_int("LIENTHONG_DEMO_REMOTE_SIGNING_PORT", 0)
LIENTHONG_REVOCATION_TIMEOUT_SECONDS = env_int("LIENTHONG_REVOCATION_TIMEOUT_SECONDS", 5)
LIENTHONG_CERTIFICATE_WARNING_DAYS = env_int("LIENTHONG_CERTIFICATE_WARNING_DAYS", 30)
LIENTHONG_SIGNATURE_FONT = os.environ.get(
    "LIENTHONG_SIGNATURE_FONT", "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
)
LIENTHONG_SIGNATURE_FONT_ITALIC = os.environ.get(
    "LIENTHONG_SIGNATURE_FONT_ITALIC", "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf"
)
# Remote signing services: name -> dotted path of a factory (signatures.keys.RemoteSigningService).
LIENTHONG_REMOTE_SIGNING_SERVICES: dict[str, str] = {}
# Hash-signing remote services (VNPT SmartCA, Viettel MySign, CSC API v2 shaped; ký số từ xa):
# name -> {"url", "client_id", "client_secret", "webhook_secret"[, "label", "client"]}, as JSON.
LIENTHONG_REMOTE_SIGNING_PROVIDERS: dict[str, dict[str, str]] = json.loads(
    os.environ.get("LIENTHONG_REMOTE_SIGNING_PROVIDERS", "") or "{}"
)
# How long the signer has to confirm on the phone before the draft is signable again.
LIENTHONG_REMOTE_SIGNING_TIMEOUT_SECONDS = env_int("LIENTHONG_REMOTE_SIGNING_TIMEOUT_SECONDS", 300)

# --- Background jobs (durable: a row written in the same transaction as the change) ------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# A job RUNNING longer than this is taken to have lost its worker and is queued again.
LIENTHONG_JOB_TIMEOUT_MINUTES = env_int("LIENTHONG_JOB_TIMEOUT_MINUTES", 60)

# --- Audit log anchors (core.anchoring, docs/operations.md) ------------------------------------
# The audit chain's head is written, with an RFC 3161 timestamp from LIENTHONG_TSA_URL when set,
# to an append-only file in this folder at least every LIENTHONG_AUDIT_ANCHOR_MINUTES (by the
# scheduler). In production the folder belongs to another user and the file is `chattr +a`.
LIENTHONG_AUDIT_ANCHOR_DIR: Path | None = Path(
    os.environ.get("LIENTHONG_AUDIT_ANCHOR_DIR") or DATA_DIR / "audit-anchors"
)
LIENTHONG_AUDIT_ANCHOR_MINUTES = env_int("LIENTHONG_AUDIT_ANCHOR_MINUTES", 5)
# PostgreSQL: the owner role that runs `lienthong migrate` (and restores), while DATABASE_URL
# names the application's role, which may only read and append to the audit log.
LIENTHONG_MIGRATE_DATABASE_URL = os.environ.get("LIENTHONG_MIGRATE_DATABASE_URL", "")

# --- E-mail (notifications) -------------------------------------------------------------------
LIENTHONG_EMAIL_ENABLED = env_bool(
    "LIENTHONG_EMAIL_ENABLED", bool(os.environ.get("LIENTHONG_EMAIL_HOST"))
)
LIENTHONG_SITE_URL = os.environ.get("LIENTHONG_SITE_URL", "http://127.0.0.1:8000")  # links in mail
# How applicants are told of their dossier's progress (notifications.channels): "email" now;
# "sms" and "zalo" once those channels are registered.
LIENTHONG_APPLICANT_CHANNELS = env_list("LIENTHONG_APPLICANT_CHANNELS", ["email"])
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("LIENTHONG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LIENTHONG_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("LIENTHONG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LIENTHONG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LIENTHONG_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("LIENTHONG_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("LIENTHONG_EMAIL_TIMEOUT", 30)
EMAIL_USE_LOCALTIME = True
DEFAULT_FROM_EMAIL = os.environ.get("LIENTHONG_EMAIL_FROM", "lienthong <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- On-line payment of fees (payments) ---------------------------------------------------------
# The provider is chosen by name (see lienthong.payments.providers.PROVIDERS and docs/payments.md).
LIENTHONG_PAYMENT_PROVIDER = os.environ.get("LIENTHONG_PAYMENT_PROVIDER", "vnpay")
# The gateway's pay page; the default is the local simulator (`lienthong payment_simulator`).
LIENTHONG_PAYMENT_GATEWAY_URL = os.environ.get(
    "LIENTHONG_PAYMENT_GATEWAY_URL", "http://127.0.0.1:8765/paymentv2/vpcpay.html"
)
LIENTHONG_PAYMENT_MERCHANT_CODE = os.environ.get("LIENTHONG_PAYMENT_MERCHANT_CODE", "")
LIENTHONG_PAYMENT_SECRET = os.environ.get("LIENTHONG_PAYMENT_SECRET", "")
if SETTINGS_PROFILE == "production" and is_published_secret(
    LIENTHONG_PAYMENT_SECRET, PUBLIC_PAYMENT_SECRETS
):
    raise ImproperlyConfigured(
        "LIENTHONG_PAYMENT_SECRET is the published development or test value; refusing to "
        "start. Use the secret the payment gateway gave the province."
    )
LIENTHONG_PAYMENT_EXPIRE_MINUTES = env_int("LIENTHONG_PAYMENT_EXPIRE_MINUTES", 15)
# The payer's "pay" form is answered by a redirection to the gateway's page: a form action.
_gateway = urlsplit(LIENTHONG_PAYMENT_GATEWAY_URL)
if _gateway.scheme in ("http", "https") and _gateway.netloc:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_gateway.scheme}://{_gateway.netloc}"
    )
# Demo only: `lienthong serve` also runs the payment gateway simulator (`payment_simulator`,
# with the merchant code and secret above) on this local port (0: not started). ./scripts/run
# sets it to PORT + 765 and points LIENTHONG_PAYMENT_GATEWAY_URL at it.
LIENTHONG_DEMO_PAYMENT_PORT = env_int("LIENTHONG_DEMO_PAYMENT_PORT", 0)

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous caller gets 401 with a WWW-Authenticate header.
        "lienthong.accounts.authentication.TwoFactorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Officials only; an endpoint for citizens names its own permission classes.
    "DEFAULT_PERMISSION_CLASSES": ["lienthong.accounts.api.permissions.IsOfficer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "lienthong.core.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "lienthong API",
    "DESCRIPTION": "REST API of the lienthong provincial e-government platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Only our API is described: the Wagtail admin's internal API is not ours to publish.
    "PREPROCESSING_HOOKS": ["lienthong.core.api.schemas.only_the_platform_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lienthong.core.api.schemas.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "lienthong.accounts.constants.AgencyKind",
        "CredentialKindEnum": "lienthong.signatures.constants.CredentialKind",
        # Fields named "state" in several apps: each enum named for its own app.
        "ScheduleStateEnum": "lienthong.meetings.constants.ScheduleState",
        "MeetingStateEnum": "lienthong.meetings.constants.MeetingState",
        "PushStateEnum": "lienthong.dvcqg.constants.PushState",
    },
}

# --- Who may open which pages ------------------------------------------------------------------
# A signed-in account with no agency (an applicant's: citizen or business) sees only these URL
# names and namespaces (OfficersOnlyMiddleware); everything else is the officials' workplace.
LIENTHONG_OPEN_TO_EVERYONE = (
    "home",
    "login",
    "staff-login",
    "password-reset",
    "password-reset-sent",
    "password-reset-confirm",
    "password-reset-complete",
    "logout",
    "health",
    "set_language",
    "api-schema",
    "api-docs",
)
# The applicant area, the public procedure catalogue, their payments and their notifications.
LIENTHONG_CITIZEN_NAMESPACES = ("citizen", "catalogue", "payments", "notifications")
# The officers' start pages lead an applicant to their own.
LIENTHONG_CITIZEN_START_PAGES = ("home", "dashboard")
LIENTHONG_CITIZEN_HOME = "citizen:my-dossiers"

# --- The province this installation serves -------------------------------------------------------
PROVINCE_NAME = os.environ.get("LIENTHONG_PROVINCE_NAME", "Cà Mau")

# Operators' logs: an expected refusal (a 403, a signature whose certificate is not trusted)
# is one line, its traceback dropped (core/logfilters.py), on the loggers that write it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_refusals": {"()": "lienthong.core.logfilters.OneLineExpectedRefusals"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIENTHONG_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["one_line_refusals"]},
        # The modules of pyHanko's validation that log a certificate path they could not build.
        **{
            f"pyhanko.sign.validation.{module}": {"filters": ["one_line_refusals"]}
            for module in ("generic_cms", "pdf_embedded", "ades", "dss", "status")
        },
        "pyhanko_certvalidator.fetchers": {"level": "WARNING"},  # "Retrieving issuer certs"
        "fontTools": {"level": "WARNING"},  # a line per glyph table at every signature
        "weasyprint.progress": {"level": "WARNING"},  # a line per step of every PDF made
    },
}

# --- Tasks (nhiệm vụ): the national task-tracking system of the Government Office ---
# Empty URL: nothing is pulled or reported (tasks are followed on the platform only). The demo's
# `lienthong task_tracking_simulator` listens on http://127.0.0.1:8766 by default.
LIENTHONG_TASK_TRACKING_URL = os.environ.get("LIENTHONG_TASK_TRACKING_URL", "")
LIENTHONG_TASK_TRACKING_TOKEN = os.environ.get("LIENTHONG_TASK_TRACKING_TOKEN", "")
LIENTHONG_TASK_TRACKING_PROVINCE = os.environ.get("LIENTHONG_TASK_TRACKING_PROVINCE", "96")
LIENTHONG_TASK_TRACKING_AGENCY_CODE = os.environ.get(
    "LIENTHONG_TASK_TRACKING_AGENCY_CODE", "000.00.00.H12"
)
LIENTHONG_TASK_TRACKING_PULL_MINUTES = env_int("LIENTHONG_TASK_TRACKING_PULL_MINUTES", 60)
# Demo only: the port of the simulator `lienthong serve` starts (scripts/run: PORT+768); with no
# URL given, the platform talks to it.
LIENTHONG_DEMO_TASK_TRACKING_PORT = env_int("LIENTHONG_DEMO_TASK_TRACKING_PORT", 0)
if LIENTHONG_DEMO_TASK_TRACKING_PORT and not LIENTHONG_TASK_TRACKING_URL:
    LIENTHONG_TASK_TRACKING_URL = f"http://127.0.0.1:{LIENTHONG_DEMO_TASK_TRACKING_PORT}"
    LIENTHONG_TASK_TRACKING_TOKEN = LIENTHONG_TASK_TRACKING_TOKEN or "demo-task-tracking"
# The API's enums of tasks, named (other apps have fields named "state" too).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {  # type: ignore[operator]
    "TaskStateEnum": "lienthong.tasks.constants.TaskState",
    "TaskExtensionStateEnum": "lienthong.tasks.constants.ExtensionState",
}
# --- Official e-mail ---
# Sender of documents sent by e-mail (empty: DEFAULT_FROM_EMAIL); DKIM signing of that mail when
# the selector, domain and key are set; DKIM keys looked up without DNS (docs/email.md).
LIENTHONG_MAIL_FROM = os.environ.get("LIENTHONG_MAIL_FROM", "")
LIENTHONG_MAIL_DKIM_SELECTOR = os.environ.get("LIENTHONG_MAIL_DKIM_SELECTOR", "")
LIENTHONG_MAIL_DKIM_DOMAIN = os.environ.get("LIENTHONG_MAIL_DKIM_DOMAIN", "")
_dkim_key_file = os.environ.get("LIENTHONG_MAIL_DKIM_KEY_FILE", "")
LIENTHONG_MAIL_DKIM_PRIVATE_KEY = (
    Path(_dkim_key_file).read_text(encoding="ascii") if _dkim_key_file else ""
)
_dkim_keys_file = os.environ.get("LIENTHONG_MAIL_DKIM_KEYS_FILE", "")
LIENTHONG_MAIL_DKIM_KEYS: dict[str, str] = (
    json.loads(Path(_dkim_keys_file).read_text(encoding="utf-8")) if _dkim_keys_file else {}
)
# TLS of IMAPS/STARTTLS intake and of SMTP sending: the authorities trusted (a PEM bundle; empty:
# the system's) and whether certificates are verified at all (never turn off in production).
LIENTHONG_MAIL_TLS_CA_FILE = os.environ.get("LIENTHONG_MAIL_TLS_CA_FILE", "")
LIENTHONG_MAIL_TLS_VERIFY = env_bool("LIENTHONG_MAIL_TLS_VERIFY", True)
# The daily digest of notifications: the local hour it is sent at (docs/email.md, "Digest").
LIENTHONG_MAIL_DIGEST_HOUR = env_int("LIENTHONG_MAIL_DIGEST_HOUR", 17)
# --- Meetings, work schedules and video conferences (meetings) ----------------------------------
# The video engine of on-line meetings: "jitsi" or "bbb" (docs/meetings.md). The defaults point
# at the local simulators (`lienthong jitsi_simulator`, `lienthong bbb_simulator`); outside
# production the secrets default to published development values, in production to nothing
# (an on-line meeting then says the engine is not configured).
_VIDEO_DEV = SETTINGS_PROFILE != "production"
LIENTHONG_VIDEO_PROVIDER = os.environ.get("LIENTHONG_VIDEO_PROVIDER", "jitsi")
# Jitsi Meet with token authentication (prosody's JWT: app id and secret of the deployment).
# Demo only: the ports of the simulators `lienthong serve` starts (scripts/run: PORT+791, +792).
LIENTHONG_DEMO_JITSI_PORT = env_int("LIENTHONG_DEMO_JITSI_PORT", 0)
LIENTHONG_DEMO_BBB_PORT = env_int("LIENTHONG_DEMO_BBB_PORT", 0)
LIENTHONG_JITSI_URL = os.environ.get(
    "LIENTHONG_JITSI_URL", f"http://127.0.0.1:{LIENTHONG_DEMO_JITSI_PORT or 8791}"
)
LIENTHONG_JITSI_APP_ID = os.environ.get("LIENTHONG_JITSI_APP_ID", "lienthong")
LIENTHONG_JITSI_APP_SECRET = os.environ.get(
    "LIENTHONG_JITSI_APP_SECRET", "lienthong-development-jitsi-secret" if _VIDEO_DEV else ""
)
LIENTHONG_JITSI_DOMAIN = os.environ.get("LIENTHONG_JITSI_DOMAIN", "meet.camau.local")
LIENTHONG_JITSI_TOKEN_MINUTES = env_int("LIENTHONG_JITSI_TOKEN_MINUTES", 10)
# BigBlueButton: its API address (…/bigbluebutton/api) and shared secret (`bbb-conf --secret`).
LIENTHONG_BBB_URL = os.environ.get(
    "LIENTHONG_BBB_URL", f"http://127.0.0.1:{LIENTHONG_DEMO_BBB_PORT or 8792}/bigbluebutton/api"
)
LIENTHONG_BBB_SECRET = os.environ.get(
    "LIENTHONG_BBB_SECRET", "lienthong-development-bbb-secret" if _VIDEO_DEV else ""
)
LIENTHONG_BBB_CHECKSUM = os.environ.get("LIENTHONG_BBB_CHECKSUM", "sha256")
# How long before a meeting its reminder is sent (in the platform and by e-mail with the .ics).
LIENTHONG_MEETING_REMINDER_MINUTES = env_int("LIENTHONG_MEETING_REMINDER_MINUTES", 60)
# Joining a video room is a form answered by a redirection to the engine: a form action of the
# meeting's page only (meetings/views.py), not of every page.
LIENTHONG_VIDEO_FORM_ACTIONS = [
    f"{_video.scheme}://{_video.netloc}"
    for _video in map(urlsplit, (LIENTHONG_JITSI_URL, LIENTHONG_BBB_URL))
    if _video.scheme in ("http", "https") and _video.netloc
]
# --- National public-service portal (dvcqg) ------------------------------------------------------
# The portal adapter's base address (docs/dvcqg.md); empty: no synchronisation (nothing queued).
LIENTHONG_DVCQG_URL = os.environ.get("LIENTHONG_DVCQG_URL", "")
LIENTHONG_DVCQG_AUTH_ENDPOINT = os.environ.get("LIENTHONG_DVCQG_AUTH_ENDPOINT", "/auth")
LIENTHONG_DVCQG_INTEGRATION_ENDPOINT = os.environ.get(
    "LIENTHONG_DVCQG_INTEGRATION_ENDPOINT", "/integration"
)
LIENTHONG_DVCQG_USERNAME = os.environ.get("LIENTHONG_DVCQG_USERNAME", "")
LIENTHONG_DVCQG_PASSWORD = os.environ.get("LIENTHONG_DVCQG_PASSWORD", "")
LIENTHONG_DVCQG_TIMEOUT = float(os.environ.get("LIENTHONG_DVCQG_TIMEOUT", "10"))
# How often the scheduler pulls the dossiers filed on the portal (minutes; 0: only by hand).
LIENTHONG_DVCQG_PULL_MINUTES = env_int("LIENTHONG_DVCQG_PULL_MINUTES", 15)
# Demo only: `lienthong serve` also runs the portal simulator (`dvcqg_simulator`) on this local
# port (0: not started); LIENTHONG_DVCQG_URL then defaults to it.
LIENTHONG_DEMO_DVCQG_PORT = env_int("LIENTHONG_DEMO_DVCQG_PORT", 0)
if LIENTHONG_DEMO_DVCQG_PORT and not LIENTHONG_DVCQG_URL:
    LIENTHONG_DVCQG_URL = f"http://127.0.0.1:{LIENTHONG_DEMO_DVCQG_PORT}"
    LIENTHONG_DVCQG_USERNAME = LIENTHONG_DVCQG_USERNAME or "demo"
    LIENTHONG_DVCQG_PASSWORD = LIENTHONG_DVCQG_PASSWORD or "demo"
# --- Exchange over the national document axis (docs/exchange.md) ---------------------------------
# Route: "national" (the Government Office's axis) or "lgsp" (the province's integration platform,
# which relays to the axis); both are the same client with another endpoint, system id, secret.
LIENTHONG_AXIS_ROUTE = os.environ.get("LIENTHONG_AXIS_ROUTE", "national")
LIENTHONG_AXIS_ENDPOINT = os.environ.get("LIENTHONG_AXIS_ENDPOINT", "")  # empty: no axis
LIENTHONG_AXIS_SYSTEM_ID = os.environ.get("LIENTHONG_AXIS_SYSTEM_ID", "")
LIENTHONG_AXIS_SECRET = os.environ.get("LIENTHONG_AXIS_SECRET", "")
LIENTHONG_AXIS_TIMEOUT = float(os.environ.get("LIENTHONG_AXIS_TIMEOUT", "20"))
LIENTHONG_AXIS_CLIENT = os.environ.get(
    "LIENTHONG_AXIS_CLIENT", "lienthong.exchange.axis.HttpAxisClient"
)
# The certificate the packages are signed with (XML-DSig): a PKCS#12 file and its passphrase.
LIENTHONG_AXIS_SIGNING_PKCS12 = os.environ.get("LIENTHONG_AXIS_SIGNING_PKCS12", "")
LIENTHONG_AXIS_SIGNING_PASSPHRASE = os.environ.get("LIENTHONG_AXIS_SIGNING_PASSPHRASE", "")
# Attempts of a sending job before it gives up (back-off 30 s, 60 s, 120 s...).
LIENTHONG_AXIS_SEND_ATTEMPTS = env_int("LIENTHONG_AXIS_SEND_ATTEMPTS", 10)
# Demo only: `lienthong serve` also runs `axis_simulator` on this local port (0: not started).
LIENTHONG_DEMO_AXIS_PORT = env_int("LIENTHONG_DEMO_AXIS_PORT", 0)
# --- Provincial e-portal (Wagtail) ----------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("LIENTHONG_PORTAL_NAME", "Cổng thông tin điện tử tỉnh Cà Mau")
# The address the portal's editors reach the Wagtail admin at (links in its e-mails).
WAGTAILADMIN_BASE_URL = os.environ.get("LIENTHONG_PORTAL_ADMIN_BASE_URL", "http://localhost:8000")
# The portal's editors sign in through the platform's own sign-in page (two factors and all).
WAGTAILADMIN_LOGIN_URL = "login"
WAGTAIL_FRONTEND_LOGIN_URL = "login"
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USAGE_COUNT_ENABLED = False
# Wagtail's database search backend (SQLite FTS5, PostgreSQL tsvector), with no stemming: the
# portal indexes folded Vietnamese text (portal/search.py), which an English stemmer would mangle.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
}
# The domain an agency's site is served under in production: the Sở TT&TT's site at
# `<slug>.<domain>` (docs/portal.md). The demo keeps every site reachable on its own host by path.
LIENTHONG_PORTAL_AGENCY_DOMAIN = os.environ.get("LIENTHONG_PORTAL_AGENCY_DOMAIN", "camau.gov.vn")
# The portal's public pages are open to everyone, an applicant signed in included.
LIENTHONG_OPEN_TO_EVERYONE = (  # type: ignore[assignment]  # a few names longer
    *LIENTHONG_OPEN_TO_EVERYONE,
    "wagtail_serve",
    "wagtaildocs_serve",
    "sitemap",
    "portal:document",
    "portal:document-file",
    "portal:news-feed",
    "portal:documents-feed",
)
# --- National public-service portal: papers, progress, results (dvcqg) ---
# How long the signed link to a dossier's electronic result, given to the portal, stays valid.
LIENTHONG_DVCQG_RESULT_LINK_DAYS = env_int("LIENTHONG_DVCQG_RESULT_LINK_DAYS", 90)
# --- Reporting: the national reporting system -------------------------------------------------
# The national reporting information system (Hệ thống thông tin báo cáo Chính phủ) accepted
# reports are sent to (docs/reporting.md): its address and the province's bearer token. Empty:
# reports are not sent.
LIENTHONG_NATIONAL_REPORTING_URL = os.environ.get("LIENTHONG_NATIONAL_REPORTING_URL", "")
LIENTHONG_NATIONAL_REPORTING_TOKEN = os.environ.get("LIENTHONG_NATIONAL_REPORTING_TOKEN", "")
# Demo only: `lienthong serve` also runs `national_reporting_simulator` on this local port (0:
# not started); the address and a demo token are then filled in.
LIENTHONG_DEMO_NATIONAL_REPORTING_PORT = env_int("LIENTHONG_DEMO_NATIONAL_REPORTING_PORT", 0)
if LIENTHONG_DEMO_NATIONAL_REPORTING_PORT and not LIENTHONG_NATIONAL_REPORTING_URL:
    LIENTHONG_NATIONAL_REPORTING_URL = f"http://127.0.0.1:{LIENTHONG_DEMO_NATIONAL_REPORTING_PORT}"
    LIENTHONG_NATIONAL_REPORTING_TOKEN = (
        LIENTHONG_NATIONAL_REPORTING_TOKEN or "demo-national-reporting"
    )
# Citizens' feedback on the portal: the answer is due this many working days after it arrives
# (Decree 20/2008 Art. 15 as amended: 10 working days); a client address may send at most
# LIMIT in WINDOW seconds (and look feedback up by code at most 10 times as many).
LIENTHONG_PORTAL_FEEDBACK_DAYS = env_int("LIENTHONG_PORTAL_FEEDBACK_DAYS", 10)
LIENTHONG_PORTAL_FEEDBACK_LIMIT = env_int("LIENTHONG_PORTAL_FEEDBACK_LIMIT", 5)
LIENTHONG_PORTAL_FEEDBACK_WINDOW_SECONDS = env_int("LIENTHONG_PORTAL_FEEDBACK_WINDOW_SECONDS", 3600)
# The anonymous page cache's longest life of a page (publishing clears it at once; 0: no cache).
LIENTHONG_PORTAL_CACHE_SECONDS = env_int("LIENTHONG_PORTAL_CACHE_SECONDS", 300)
# How often each web process reads the cache's generation (seconds): a page published through
# another process shows there within this time; 0 reads it at every request (one cache query per
# hit; the test suite's default, whose rolled-back databases the processes' memory cannot follow).
LIENTHONG_PORTAL_CACHE_CHECK_SECONDS = env_int(
    "LIENTHONG_PORTAL_CACHE_CHECK_SECONDS", 0 if SETTINGS_PROFILE == "test" else 1
)
LIENTHONG_OPEN_TO_EVERYONE = (  # type: ignore[assignment]
    *LIENTHONG_OPEN_TO_EVERYONE,
    "portal:news-atom",
    "portal:documents-atom",
    "portal:feedback-new",
    "portal:feedback-list",
    "portal:feedback-detail",
    "portal:feedback-track",
    "portal:comment",
    "portal:search",
    "portal:open-data",
    "portal:dataset",
    "portal:dataset-file",
    "portal:language",
)
