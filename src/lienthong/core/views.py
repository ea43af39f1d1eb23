from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lienthong.accounts.models import User
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Document


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    visible = Document.objects.visible_to(user)
    queues = [
        (
            _("Incoming documents registered today"),
            reverse("documents:incoming"),
            visible.incoming().filter(arrival_date__date=today).count(),
        ),
        (
            _("Outgoing documents awaiting issue"),
            reverse("documents:outgoing"),
            visible.outgoing().filter(status=DocumentStatus.DRAFT).count(),
        ),
        (
            _("Incoming documents due within 3 days"),
            reverse("documents:incoming"),
            visible.incoming()
            .filter(due_date__gte=today, due_date__lte=today + timedelta(days=3))
            .count(),
        ),
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
