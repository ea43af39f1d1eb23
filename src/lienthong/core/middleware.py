from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .audit import RequestInfo, request_info


def client_ip(request: HttpRequest) -> str | None:
    # The platform sits behind one trusted reverse proxy at most; REMOTE_ADDR is what we record.
    return request.META.get("REMOTE_ADDR") or None


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
