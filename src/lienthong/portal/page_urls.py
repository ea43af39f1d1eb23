"""Wagtail's page-serving URLs under /cong/ — without Wagtail's own front-end sign-in page
(`_util/login/`): visitors and editors sign in through the platform's page only
(WAGTAIL_FRONTEND_LOGIN_URL), with its lock-out and second factor. Anonymous visitors get pages
from the portal's cache (portal/cache.py)."""

from django.urls import URLPattern, URLResolver, path, re_path
from wagtail import views
from wagtail.urls import serve_pattern

from .cache import anonymous_cache

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    re_path(serve_pattern, anonymous_cache(views.serve), name="wagtail_serve"),
]
