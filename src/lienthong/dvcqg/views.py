"""Pages of the national portal synchronisation: the sync state of the agency's dossiers with
a retry, and the pull of the dossiers filed on the portal (docs/dvcqg.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lienthong.accounts.models import User
from lienthong.core.http import official_or_404, user_or_404
from lienthong.onestop.permissions import access_dossier

from . import client as portal
from . import services
from .constants import PushState
from .models import PullRun, StatusPush
from .permissions import access_result_link, can_pull, can_retry, can_view_sync


def _viewer(request: HttpRequest) -> User:
    user = user_or_404(request)
    if not can_view_sync(user):
        raise Http404
    return user


@login_required
@require_GET
def sync(request: HttpRequest) -> HttpResponse:
    """The pushes of the agency's dossiers, newest first, filterable by state and dossier."""
    user = _viewer(request)
    pushes = StatusPush.objects.visible_to(user).select_related("dossier", "dossier__procedure")
    state = request.GET.get("state", "")
    if state in PushState.values:
        pushes = pushes.filter(state=state)
    dossier = request.GET.get("dossier", "")
    if dossier.isdigit():
        pushes = pushes.filter(dossier_id=int(dossier))
    counts = dict(
        StatusPush.objects.visible_to(user)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    page = Paginator(pushes.order_by("-id"), 50).get_page(request.GET.get("page"))
    last_pull = PullRun.objects.filter(agency_id=user.agency_id).first() if user.agency_id else None
    return render(
        request,
        "dvcqg/sync.html",
        {
            "page": page,
            "states": [(value, label, counts.get(value, 0)) for value, label in PushState.choices],
            "state": state,
            "enabled": portal.is_enabled(),
            "can_pull": can_pull(user),
            "last_pull": last_pull,
        },
    )


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the dossier's refused or stalled pushes back in line."""
    user = _viewer(request)
    dossier = access_dossier(user, pk)
    if not (user.is_system_admin or dossier.agency_id == user.agency_id):
        raise Http404  # a dossier on our route but received by another agency: theirs to sync
    first = (
        StatusPush.objects.filter(dossier=dossier)
        .unacknowledged()
        .select_related("dossier")
        .order_by("sequence")
        .first()
    )
    pushes = [first] if first is not None and can_retry(user, first) else []
    if not pushes:
        messages.error(
            request, _("Nothing to retry: every status of this dossier was acknowledged.")
        )
    else:
        try:
            services.retry_push(actor=user, push=pushes[0])
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The push is queued again."))
    return redirect(reverse("dvcqg:sync") + f"?dossier={dossier.pk}")


@login_required
@require_POST
def pull(request: HttpRequest) -> HttpResponse:
    """The one-stop officer pulls the dossiers filed on the national portal for the agency."""
    user = official_or_404(request)
    if not can_pull(user):
        raise Http404
    target = request.POST.get("next", "")
    target = target if target in (reverse("onestop:queue"), reverse("dvcqg:sync")) else ""
    if not portal.is_enabled():
        messages.error(request, _("The national public-service portal is not configured."))
        return redirect(target or "dvcqg:sync")
    try:
        assert user.agency is not None  # can_pull: an officer of an agency
        result = services.pull_new_dossiers(actor=user, agency=user.agency)
    except (portal.PortalUnavailable, portal.PortalRefusal) as exc:
        messages.error(request, _("The national portal could not be reached: %(e)s") % {"e": exc})
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            _("%(n)d dossier(s) pulled from the national portal, %(a)d already here.")
            % {"n": len(result.imported), "a": result.already},
        )
        for tracking, reason in result.refused:
            messages.warning(request, f"{tracking}: {reason}")
    return redirect(target or "dvcqg:sync")


@require_GET
def result_file(request: HttpRequest) -> FileResponse:
    """The electronic result of a dossier for the national portal (`DuongDanTepTinKetQua`):
    a signed link, valid `LIENTHONG_DVCQG_RESULT_LINK_DAYS`, to the sealed result only; a
    tampered, expired or outdated link (the result replaced) answers 404."""
    dossier, version = access_result_link(request.GET.get("t", ""))
    return FileResponse(
        default_storage.open(version.blob.storage_name, "rb"),
        content_type=version.blob.content_type,
        as_attachment=True,
        filename=f"ket-qua-{dossier.code}.pdf",
    )
