"""The Wagtail admin's URLs, under the platform's administration prefix (`/quan-tri/cong/`).

Editors: before every admin view, the signed-in user's place among the editors' groups is
brought in step with their roles (services.sync_user_groups): the role model decides, Wagtail's
groups follow.

Content-Security-Policy: the platform's policy is strict (no inline script or style). The Wagtail
admin's templates still carry inline `<script>` blocks (inline panels, date widgets) and its
editors set inline styles, so its views — and only they — add 'unsafe-inline' to script-src and
style-src, and blob: to img-src (image previews before upload). The public pages keep the strict
policy (tests/portal/test_site.py checks both)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from lienthong.accounts.models import User

from .services import sync_user_groups

ADMIN_CSP = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}


def editors_in_step(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if isinstance(request.user, User):
            sync_user_groups(request.user)
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns: list[URLPattern | URLResolver] = decorate_urlpatterns(
    decorate_urlpatterns(list(wagtailadmin_urls.urlpatterns), csp_update(ADMIN_CSP)),
    editors_in_step,
)
