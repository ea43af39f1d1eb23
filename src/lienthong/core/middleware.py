from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .audit import RequestInfo, request_info


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the client's address (TrustedFrontMiddleware sets it behind the front).
    return request.META.get("REMOTE_ADDR") or None


class TrustedFrontMiddleware:
    """Behind `lienthong serve`'s front (nginx, core/front.py), REMOTE_ADDR is gunicorn's unix
    socket: the client's address is the one the front puts in `X-Forwarded-For`. The header is
    believed only on that socket, which only the front can reach (a private folder); a request
    over TCP keeps its peer's address whatever it says. The one place that decides the client's
    address: everything else (the audit log, rate limits, django-axes) reads REMOTE_ADDR."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection = request.META.get("gunicorn.socket")
        if getattr(connection, "family", None) == socket.AF_UNIX:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
            except ValueError:  # not from the front, which always sets one address
                request.META["REMOTE_ADDR"] = ""
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the client's address and user agent available to the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        with request_info(info):
            return self.get_response(request)


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switcher (language cookie).

    The browser's Accept-Language is deliberately ignored: an official whose browser happens
    to be set to English still works in Vietnamese, the administration's language."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
