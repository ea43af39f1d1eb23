"""Vietnamese names, in the administration, for the sections of third-party apps.

Several third-party apps have no Vietnamese catalogue, and some name their app or models with
plain strings that cannot be translated at all. Their names are given here with our own msgids
(translated in our locale) and put in place when the apps are ready. Only the display names
change (``_meta.verbose_name`` and the app's ``verbose_name``): the models' migration state,
which Django reads from the original Meta options, stays as the app ships it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

APP_NAMES: dict[str, StrOrPromise] = {
    "authtoken": _("API access keys"),
    "django_tasks_database": _("Background tasks"),
    "axes": _("Sign-in attempts and lockouts"),
    "django_otp": _("Two-factor sign-in"),
    "otp_totp": _("Two-factor sign-in: authenticator apps"),
    "otp_static": _("Two-factor sign-in: backup codes"),
    "sessions": _("Sign-in sessions"),
    "rest_framework": _("REST API framework"),
}

MODEL_NAMES: dict[tuple[str, str], tuple[StrOrPromise, StrOrPromise]] = {
    ("authtoken", "token"): (_("API access key"), _("API access keys")),
    ("authtoken", "tokenproxy"): (_("API access key"), _("API access keys")),
    ("django_tasks_database", "dbtaskresult"): (
        _("background task result"),
        _("background task results"),
    ),
    ("axes", "accessattempt"): (_("failed sign-in attempt"), _("failed sign-in attempts")),
    ("axes", "accessfailurelog"): (_("sign-in failure"), _("sign-in failures")),
    ("axes", "accesslog"): (_("sign-in log entry"), _("sign-in log")),
    ("axes", "accessattemptexpiration"): (
        _("failed attempt expiry"),
        _("failed attempt expiries"),
    ),
    ("otp_totp", "totpdevice"): (_("authenticator app"), _("authenticator apps")),
    ("otp_static", "staticdevice"): (_("backup code set"), _("backup code sets")),
    ("otp_static", "statictoken"): (_("backup code"), _("backup codes")),
    ("sessions", "session"): (_("sign-in session"), _("sign-in sessions")),
}


def name_third_party_sections() -> None:
    """Give the installed third-party apps and their models our (translatable) names."""
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for (label, model_name), (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
