from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.catalogue.models import Procedure
from lienthong.core.pagination import count_up_to, shown_count
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Document
from lienthong.drafting.models import Draft
from lienthong.workflows.models import Assignment
from lienthong.workflows.querysets import awaiting_instruction

POPULAR_PROCEDURES = 6
POPULAR_OVER_DAYS = 365


def home(request: HttpRequest) -> HttpResponse:
    """The public front door (until the portal replaces it): find a procedure, file on-line,
    follow a dossier by its code, sign in or up; officials have a discreet door of their own.
    Signed in, an official goes to the dashboard (an applicant never gets here:
    LIENTHONG_CITIZEN_START_PAGES leads them to their dossiers)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    since = timezone.now() - timedelta(days=POPULAR_OVER_DAYS)
    popular = (
        Procedure.objects.published()
        .annotate(filed=Count("dossiers", filter=Q(dossiers__created_at__gte=since)))
        .select_related("agency")
        .order_by("-filed", "name", "pk")[:POPULAR_PROCEDURES]
    )
    return render(request, "core/home.html", {"popular": popular})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    visible = Document.objects.visible_to(user)
    work = Assignment.objects.work_of(user).queue_counts()
    queue = reverse("workflows:queue")
    queues: list[tuple[str, str, int | str]] = [
        (_("My work to do"), f"{queue}?tab=todo", work["todo"]),
        (_("Overdue"), f"{queue}?tab=overdue", work["overdue"]),
        (_("Due soon"), f"{queue}?tab=due_soon", work["due_soon"]),
        (
            _("Drafts awaiting my action"),
            reverse("drafting:awaiting"),
            Draft.objects.awaiting_action_of(user).count(),
        ),
    ]
    if user.has_role(Role.AGENCY_LEADER):
        queues.insert(
            0,
            (
                _("Documents awaiting my instruction"),
                f"{queue}?tab=awaiting",
                shown_count(count_up_to(awaiting_instruction(visible, user))),
            ),
        )
    if user.has_role(Role.CLERK):
        queues += [
            (
                _("Received documents awaiting registration"),
                reverse("documents:incoming"),
                visible.incoming().filter(status=DocumentStatus.RECEIVED).count(),
            ),
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
        ]
    return render(
        request,
        "core/dashboard.html",
        {"profile_user": user, "roles": user.role_labels(), "queues": queues},
    )


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
