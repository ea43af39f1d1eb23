"""Operators' logs: what is expected in a working platform is one line, not a traceback.

- A 403 (PermissionDenied: somebody tried what their role does not allow) is logged by Django's
  `django.request` logger with the exception attached; it is a refusal the platform meant, so
  it is kept as one line ("Forbidden (Permission denied): /path — the reason").
- A signature made by a certificate whose CA is not on the trust list (the badge says
  "untrusted") makes pyHanko log, with a traceback, every certificate path it could not build
  (the signer's, the timestamp's...): those records are dropped, and the platform writes its own
  one line (signatures.services.verify_pdf) naming the signer and the CA.

Real failures (a 500, a broken file) keep their traceback. conf/base.py's LOGGING attaches
`OneLineExpectedRefusals` to the console handler."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied

# pyHanko's certificate validation errors that mean "not trusted / no chain to a trusted root"
# (and the certvalidator's family of path problems): expected, shown on the badge.
_PATH_ERRORS = ("PathBuildingError", "PathValidationError", "InvalidCertificateError")


def _expected(record: logging.LogRecord) -> BaseException | None:
    """The exception of the record if it is an expected refusal, else None."""
    if not record.exc_info or record.exc_info[1] is None:
        return None
    exc = record.exc_info[1]
    if record.name == "django.request" and isinstance(exc, PermissionDenied):
        return exc
    if record.name.startswith(("pyhanko", "pyhanko_certvalidator")) and any(
        cls.__name__ in _PATH_ERRORS for cls in type(exc).__mro__
    ):
        return exc
    return None


class OneLineExpectedRefusals(logging.Filter):
    """Drops the traceback of a 403 and puts the reason on the record's one line instead; drops
    pyHanko's records of an untrusted certificate path (the platform logs its own line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = _expected(record)
        if exc is not None and record.name.startswith("pyhanko"):
            return False
        if exc is not None:
            reason = " ".join(str(exc).split())
            message = " ".join(record.getMessage().split())
            record.msg = f"{message} — {reason}" if reason else message
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True
