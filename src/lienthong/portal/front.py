"""The anonymous front door (`/`) shows the provincial portal's home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .cache import anonymous_cache, cacheable, remember
from .models import PortalHomePage


def _home_exists() -> bool:
    return bool(PortalHomePage.objects.live().exists())


def portal_home_exists(request: HttpRequest | None = None) -> bool:
    """Whether the front door is the portal's home. For an anonymous visitor the answer is
    kept with the page cache's generation (a page published or unpublished draws a new one):
    a cached front door costs no query at all."""
    if request is not None and cacheable(request):
        return bool(remember("portal-home-exists", _home_exists))
    return _home_exists()


@anonymous_cache
def serve_portal_home(request: HttpRequest) -> HttpResponse:
    """The portal's home page as Wagtail serves it at /cong/ (its links point there)."""
    home = PortalHomePage.objects.live().first()
    assert home is not None
    response: HttpResponse = home.serve(request)
    if hasattr(response, "render"):
        response = response.render()
    return response
