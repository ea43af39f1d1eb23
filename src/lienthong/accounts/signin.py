"""Failed sign-ins, counted so that they stop password guessing without becoming a weapon.

Three rules, all counted in the shared cache or database, so every web process sees the same:

1. django-axes locks a user name *at one address* after LIENTHONG_LOGIN_FAILURE_LIMIT failures
   (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]): five wrong passwords from an office's
   address lock that one account there, not everyone behind the address, and not the account
   everywhere.
2. A user name that failed LIENTHONG_LOGIN_DELAY_AFTER times (from any addresses) makes every
   further try wait, 1, 2, 4 ... seconds after the last failure, at most
   LIENTHONG_LOGIN_MAX_DELAY_SECONDS: guessing from many addresses slows to a crawl. The wait does
   not apply at an address the account signed in from successfully (remembered for
   KNOWN_ADDRESS_DAYS) nor to a browser holding the account's device cookie, and it is never
   longer than a minute: a stranger cannot keep the director out.
3. A successful sign-in gives the browser a signed device cookie for that user name (OWASP's
   "device cookies"). A try carrying it is exempt from rules 1 and 2; the cookie has its own count,
   and after LIENTHONG_LOGIN_FAILURE_LIMIT failures with it, it is trusted no more for the
   cool-off time. So strangers' failures, even from the director's own office address, never stop
   the director signing in from the browser he used before.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lienthong.core import ratelimit
from lienthong.core.middleware import client_ip

DEVICE_COOKIE = "lienthong_device"
DEVICE_SALT = "lienthong.accounts.signin.device"
DEVICE_DAYS = 180
KNOWN_ADDRESS_DAYS = 90
KNOWN_ADDRESSES_KEPT = 20


def _now() -> datetime:
    return timezone.now()


def _window() -> int:
    """Seconds a count of failures lasts: the lockout's cool-off time."""
    return int(settings.AXES_COOLOFF_TIME * 3600)


def username_of(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The user name tried, as every count keys it (AXES_USERNAME_CALLABLE): `Director` and
    `director` are one name."""
    return str((credentials or {}).get("username") or "").strip().lower()


def _device(request: HttpRequest | None, username: str) -> str | None:
    """The nonce of this browser's device cookie when it was given for `username`."""
    if request is None or not username:
        return None
    try:
        data = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""),
            salt=DEVICE_SALT,
            max_age=timedelta(days=DEVICE_DAYS),
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != username:
        return None
    return str(data.get("n") or "") or None


def trusted_device(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """AXES_WHITELIST_CALLABLE: the browser holds this account's device cookie, not yet
    spoiled by failures."""
    nonce = _device(request, username_of(request, credentials))
    return nonce is not None and (
        ratelimit.count("signin-device", nonce) < settings.AXES_FAILURE_LIMIT
    )


def _known_key(username: str) -> str:
    return f"signin-known:{ratelimit.digest(username)}"


def _last_failure_key(username: str) -> str:
    return f"signin-last:{ratelimit.digest(username)}"


def wait_seconds(request: HttpRequest, username: str) -> int:
    """How long this try must wait because of the user name's failures (0: it may go on)."""
    failures = ratelimit.count("signin-user", username)
    free = settings.LIENTHONG_LOGIN_DELAY_AFTER
    if not username or failures < free:
        return 0
    if client_ip(request) in (cache.get(_known_key(username)) or ()):
        return 0
    last = cache.get(_last_failure_key(username))
    if last is None:
        return 0
    delay = min(2 ** min(failures - free, 30), settings.LIENTHONG_LOGIN_MAX_DELAY_SECONDS)
    remaining = (last + timedelta(seconds=delay) - _now()).total_seconds()
    wait: int = max(0, math.ceil(remaining))
    return wait


class SignInHandler(AxesDatabaseHandler):
    """django-axes' database handler (rule 1) with rules 2 and 3 (AXES_HANDLER)."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        wait = wait_seconds(request, username_of(request, credentials))
        if wait:
            request.lienthong_sign_in_wait = wait
            return True
        return False

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        refused = request is None or getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if refused:
            return  # refused without a check: nothing was tried, nothing is counted
        username = username_of(request, credentials)
        if not username:
            return
        ratelimit.add("signin-user", username, window=_window())
        cache.set(_last_failure_key(username), _now(), timeout=_window())
        nonce = _device(request, username)
        if nonce is not None:
            ratelimit.add("signin-device", nonce, window=_window())

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        if request is None:
            return
        username = user.get_username().lower()
        ratelimit.reset("signin-user", username)
        address = client_ip(request)
        if address:
            known = [a for a in cache.get(_known_key(username)) or () if a != address]
            cache.set(
                _known_key(username),
                [address, *known][:KNOWN_ADDRESSES_KEPT],
                timeout=KNOWN_ADDRESS_DAYS * 86400,
            )
        nonce = _device(request, username) or secrets.token_urlsafe(16)
        request.lienthong_device_cookie = signing.dumps(
            {"u": username, "n": nonce}, salt=DEVICE_SALT
        )


def set_device_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Give the browser the device cookie a sign-in in this request earned."""
    value = getattr(request, "lienthong_device_cookie", None)
    if value:
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_DAYS * 86400,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page for a refused try, saying how long to wait when it is
    the user name's short delay rather than the lock at this address."""
    wait = getattr(request, "lienthong_sign_in_wait", 0)
    return render(request, "accounts/locked_out.html", {"wait": wait}, status=429)
