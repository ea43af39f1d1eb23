"""The platform's URLs plus `/_floor/`: a bare view of the same framework, behind the same
middleware (session, authentication, CSRF, CSP, the citizens' confinement), returning a fixed
response without touching the database itself. The load benchmark's floor for every page."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_floor/", floor, name="bench-floor"),
    path("", include("lienthong.conf.urls")),
]
