from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
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


class OfficersOnlyMiddleware:
    """The pages are the officials' workplace: a signed-in account that belongs to no agency (an
    applicant's: a citizen or a business) is refused (403) everywhere but the pages open to
    everyone (`LIENTHONG_OPEN_TO_EVERYONE`) and the namespaces of the applicants' own pages
    (`LIENTHONG_CITIZEN_NAMESPACES`); the officers' start pages (`LIENTHONG_CITIZEN_START_PAGES`)
    lead them to `LIENTHONG_CITIZEN_HOME`. One rule, in one place, so a page added later cannot
    let an applicant in by accident. The API checks the same rule in its default permission class
    (`lienthong.api.permissions.IsOfficer`); the few API views meant for applicants say so with
    their own `permission_classes`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        from lienthong.accounts.permissions import is_officer

        user = request.user
        if not user.is_authenticated or is_officer(user):
            return None
        match = request.resolver_match
        if match is None or request.path.startswith("/api/"):
            return None  # the API's permission classes decide there
        if match.view_name in settings.LIENTHONG_CITIZEN_START_PAGES:
            return redirect(settings.LIENTHONG_CITIZEN_HOME)
        if match.view_name in settings.LIENTHONG_OPEN_TO_EVERYONE:
            return None
        if set(match.namespaces) & set(settings.LIENTHONG_CITIZEN_NAMESPACES):
            return None
        raise PermissionDenied
