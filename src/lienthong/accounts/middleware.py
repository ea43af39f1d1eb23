"""The doors the accounts decide. Officers only: an applicant's account is kept to its own area.
Two-factor sign-in: until the second factor is given, a signed-in session reaches nothing but
the code page (or, for an account that must have one and has none yet, the enrolment page),
sign-out and the language switch. One rule in one place, after `OTPMiddleware` (which marks the
verified sessions) and `OfficersOnlyMiddleware`, so a page added later cannot skip it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import has_two_factor, is_officer, two_factor_required
from .signin import set_device_cookie

# Set at sign-in (signals.py): whether the account had an authenticator app then. Saves a query
# per request for the many accounts that have none.
SESSION_HAS_DEVICE = "lienthong_two_factor_device"
VERIFY = "two-factor-verify"
ENROL = "two-factor-enrol"
ALWAYS_OPEN = frozenset({"logout", "set_language", "health"})


def second_factor_step(request: HttpRequest) -> str | None:
    """The URL name the session must go through before anything else, or None."""
    user: Any = request.user  # wrapped by OTPMiddleware: has is_verified()
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)  # absent: OTPMiddleware did not run
    if is_verified is not None and is_verified():
        return None
    required = two_factor_required(user)
    if required or request.session.get(SESSION_HAS_DEVICE):
        if has_two_factor(user):
            return VERIFY
        if required:
            return ENROL
    return None


class OfficersOnlyMiddleware:
    """The pages are the officials' workplace: a signed-in account that belongs to no agency (an
    applicant's: a citizen or a business) is refused (403) everywhere but the pages open to
    everyone (`LIENTHONG_OPEN_TO_EVERYONE`) and the namespaces of the applicants' own pages
    (`LIENTHONG_CITIZEN_NAMESPACES`); the officers' start pages (`LIENTHONG_CITIZEN_START_PAGES`)
    lead them to `LIENTHONG_CITIZEN_HOME`. One rule, in one place, so a page added later cannot
    let an applicant in by accident. The API checks the same rule in its default permission class
    (`lienthong.accounts.api.permissions.IsOfficer`); the few API views meant for applicants
    say so with their own `permission_classes`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
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


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in ALWAYS_OPEN:
            return None
        step = second_factor_step(request)
        if step is None or name == step:
            return None
        message = _("Give the code of your authenticator app first.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        if request.headers.get("HX-Request"):
            return HttpResponseForbidden(message)  # a polling fragment (the bell): not swapped in
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(step)}?{query}")


class DeviceCookieMiddleware:
    """Hands out the device cookie a successful sign-in earned (accounts/signin.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        set_device_cookie(request, response)
        return response
