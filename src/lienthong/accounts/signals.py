"""Security events raised by django.contrib.auth and django-axes, written to the audit log."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lienthong.core.audit import record_event

from .middleware import SESSION_HAS_DEVICE
from .permissions import has_two_factor


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(action="security.login", actor=user, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(action="security.logout", actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(
        action="security.login_failed", actor_username=username, data={"username": username}
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    record_event(
        action="security.locked_out",
        actor_username=(username or "")[:150],
        data={"username": username, "ip_address": ip_address},
    )


@receiver(user_logged_in, dispatch_uid="two_factor_session_flag")
def _remember_device(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_HAS_DEVICE] = has_two_factor(user)
