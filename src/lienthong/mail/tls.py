"""TLS for official e-mail: one client context for reading mailboxes (IMAPS, STARTTLS) and for
sending (SMTP STARTTLS, SMTPS). The server's certificate is verified against the system's
trusted authorities, or against LIENTHONG_MAIL_TLS_CA_FILE (a PEM bundle, e.g. the province's
own authority) when set, and its name checked; a certificate that does not verify is refused
with an error saying so (docs/email.md, "TLS")."""

from __future__ import annotations

import ssl
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils.translation import gettext as _


def client_context() -> ssl.SSLContext:
    cafile = getattr(settings, "LIENTHONG_MAIL_TLS_CA_FILE", "") or None
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if not getattr(settings, "LIENTHONG_MAIL_TLS_VERIFY", True):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def describe(exc: BaseException) -> str:
    """A connection error as the administrator reads it: an untrusted certificate said plainly."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _(
            "The server's TLS certificate is not trusted (%(reason)s). Install the authority "
            "that issued it in LIENTHONG_MAIL_TLS_CA_FILE, or fix the server's certificate."
        ) % {"reason": exc.verify_message or exc.reason or str(exc)}
    if isinstance(exc, ssl.SSLError):
        return _("The TLS connection to the server failed (%(reason)s).") % {
            "reason": exc.reason or str(exc)
        }
    return f"{type(exc).__name__}: {exc}"


class VerifyingEmailBackend(EmailBackend):
    """Django's SMTP backend with the platform's TLS client context (CA file, verification)."""

    @cached_property
    def ssl_context(self) -> Any:
        context = client_context()
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context


def smtp_connection(**kwargs: Any) -> Any:
    """A connection for mail sent by official e-mail: the verifying backend when the platform
    sends over SMTP, else the configured backend (a test's or a developer's)."""
    from django.core.mail import get_connection  # noqa: PLC0415

    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return VerifyingEmailBackend(**kwargs)
    return get_connection(**kwargs)
