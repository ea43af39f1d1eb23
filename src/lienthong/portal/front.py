"""The anonymous front door (`/`) shows the provincial portal's home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .cache import anonymous_cache
from .models import PortalHomePage


def portal_home_exists() -> bool:
    return bool(PortalHomePage.objects.live().exists())


@anonymous_cache
def serve_portal_home(request: HttpRequest) -> HttpResponse:
    """The portal's home page as Wagtail serves it at /cong/ (its links point there)."""
    home = PortalHomePage.objects.live().first()
    assert home is not None
    response: HttpResponse = home.serve(request)
    if hasattr(response, "render"):
        response = response.render()
    return response
