"""Pages of notifications: the list, the bell polled by htmx, and the e-mail preferences.
Thin: parse input, find the notification through `access_notification`, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.core.ids import parse_id

from . import services
from .forms import EmailPreferencesForm, MarkAllReadForm
from .models import Notification, NotificationPreference
from .permissions import access_notification

PAGE_SIZE = 25
# htmx stops polling when answered with this status (the visitor signed out meanwhile).
HTMX_STOP_POLLING = 286
CHANGED_EVENT = "notifications-changed"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    mine = Notification.objects.for_user(request.user)
    queryset = mine.unread() if unread_only else mine
    after = parse_id(request.GET.get("after"))
    rows = list(queryset.newest_first().before(after).select_related("actor")[: PAGE_SIZE + 1])
    next_after = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    unread = Notification.objects.unread_count(request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": rows,
            "next_after": next_after,
            "unread_only": unread_only,
            "unread": unread,
            # “Mark all read” covers what the user has seen, not what arrives meanwhile.
            "newest_id": mine.newest_first().values_list("pk", flat=True).first(),
        },
    )


@never_cache
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's content, polled by htmx: a link to the list with the unread count."""
    if not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    return render(
        request,
        "notifications/_bell_link.html",
        {"unread": Notification.objects.unread_count(request.user)},
    )


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = access_notification(request.user, pk)
    services.mark_read(user=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access_notification(request.user, pk)
    services.mark_read(user=request.user, notification=notification)
    if _is_htmx(request):
        response = render(request, "notifications/_row.html", {"n": notification})
        response["HX-Trigger"] = CHANGED_EVENT
        return response
    return _back_to_list(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    form = MarkAllReadForm(request.POST)
    up_to = form.cleaned_data.get("up_to") if form.is_valid() else None
    count = services.mark_all_read(user=request.user, up_to=up_to)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = NotificationPreference.objects.email_choices(request.user)
    # Not `request.POST or None`: a form with every box unticked posts nothing at all.
    form = EmailPreferencesForm(request.POST if request.method == "POST" else None, initial=current)
    if request.method == "POST" and form.is_valid():
        services.set_email_preferences(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(getattr(request.user, "email", ""))},
    )
