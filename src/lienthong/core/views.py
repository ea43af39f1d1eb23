from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lienthong.accounts.models import User


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    # The work queues fill in as the documents and workflow capabilities land.
    queues = [
        (_("Incoming documents awaiting registration"), 0),
        (_("Documents to process"), 0),
        (_("Overdue"), 0),
        (_("Drafts awaiting my opinion"), 0),
    ]
    return render(
        request,
        "core/dashboard.html",
        {"profile_user": user, "roles": user.role_labels(), "queues": queues},
    )


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponseForbidden(render_to_string("core/csrf_failure.html", request=request))
