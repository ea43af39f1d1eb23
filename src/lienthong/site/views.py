"""The site's own pages, above every app: the public home page and the officials' dashboard,
which gather the catalogue, the document queues and the one-stop counter lists."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.catalogue.models import Procedure
from lienthong.core.pagination import shown_count
from lienthong.documents.models import Document
from lienthong.onestop import queues as onestop_queues
from lienthong.portal.front import portal_home_exists, serve_portal_home
from lienthong.workflows.constants import Queue
from lienthong.workflows.queues import AWAITING, queue_counts, queue_setting

POPULAR_PROCEDURES = 6
POPULAR_OVER_DAYS = 365


def home(request: HttpRequest) -> HttpResponse:
    """The public front door: the provincial portal's home when there is one; otherwise find a
    procedure, file on-line, follow a dossier by its code, sign in or up; officials have a
    discreet door of their own.
    Signed in, an official goes to the dashboard (an applicant never gets here:
    LIENTHONG_CITIZEN_START_PAGES leads them to their dossiers)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    if portal_home_exists(request):
        return serve_portal_home(request)
    since = timezone.now() - timedelta(days=POPULAR_OVER_DAYS)
    popular = (
        Procedure.objects.published()
        .annotate(filed=Count("dossiers", filter=Q(dossiers__created_at__gte=since)))
        .select_related("agency")
        .order_by("-filed", "name", "pk")[:POPULAR_PROCEDURES]
    )
    return render(request, "site/home.html", {"popular": popular})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The official's cards: one per tab of their queue that holds something or always matters
    (the same counts as the queue's tabs, each linking to its tab), and the one-stop officer's
    counter lists (each linking to the list, which shows the same number)."""
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    queue = reverse("workflows:queue")
    setting = queue_setting(user)
    tabs, labels = setting.tabs, setting.labels
    counts, _base = queue_counts(user, setting=setting)
    queues: list[tuple[str, str, int | str]] = []
    for tab in tabs:
        if tab == Queue.DONE:
            continue
        always = tab in (AWAITING, Queue.TODO, Queue.OVERDUE, Queue.DUE_SOON, "drafts")
        if always or counts.get(tab):
            queues.append((labels[tab], f"{queue}?tab={tab}", shown_count(counts.get(tab, 0))))
    if user.has_role(Role.CLERK):
        queues.append(
            (
                _("Incoming documents registered today"),
                f"{reverse('documents:incoming')}?date_from={today:%Y-%m-%d}"
                f"&date_to={today:%Y-%m-%d}",
                Document.objects.visible_to(user)
                .incoming()
                .filter(arrival_date__date=today)
                .count(),
            )
        )
    if onestop_queues.is_counter_officer(user):
        onestop = reverse("onestop:queue")
        for key, (label, _method) in onestop_queues.COUNTER_LISTS.items():
            queues.append(
                (
                    str(label),
                    f"{onestop}?list={key}",
                    onestop_queues.counter_list(user, key).count(),
                )
            )
    return render(
        request,
        "site/dashboard.html",
        {"profile_user": user, "roles": user.role_labels(), "queues": queues},
    )
