from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON under /api/ (an API client parses the answer), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 before any view ran (a body over the size limit, a forged host): JSON under /api/."""
    if request.path.startswith("/api/"):
        message = _("The request is too large or malformed.")
        return JsonResponse({"detail": message}, status=400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponseForbidden(render_to_string("core/csrf_failure.html", request=request))
