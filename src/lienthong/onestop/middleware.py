"""Applicants' accounts (citizens, businesses) are confined to the applicant area: every
officer page and API answers them 404, whatever that page's own checks. One rule, in one
place, so a page added later cannot let a citizen in by accident."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .querysets import is_applicant

# URL namespaces and names an applicant may open.
APPLICANT_NAMESPACES = {"citizen", "catalogue", "payments", "notifications"}
APPLICANT_URL_NAMES = {"login", "logout", "set_language", "health"}
# The officers' start pages lead an applicant to their own.
APPLICANT_START = {"home", "dashboard"}
APPLICANT_API_PREFIXES = ("v1:dossier-", "v1:tracking", "v1:catalogue", "v1:notification")


class ApplicantAreaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.agency_id is not None:
            return None
        if not is_applicant(user):
            return None
        match = request.resolver_match
        if match is None:
            return None
        if not match.namespaces and match.url_name in APPLICANT_START:
            return redirect("citizen:my-dossiers")
        if match.url_name in APPLICANT_URL_NAMES and not match.namespaces:
            return None
        if set(match.namespaces) & APPLICANT_NAMESPACES:
            return None
        if match.view_name.startswith(APPLICANT_API_PREFIXES):
            return None
        if request.path.startswith("/static/"):
            return None
        raise Http404
