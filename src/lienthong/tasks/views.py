"""Pages of the follow-up of tasks. Thin: parse input, check access, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import ExtractMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienthong.accounts.models import User
from lienthong.core.http import form_errors, official_or_404
from lienthong.documents.models import Document

from . import permissions, services
from .constants import Timeliness
from .forms import (
    BoardFilterForm,
    CancelForm,
    CompleteForm,
    DecideExtensionForm,
    EvaluateForm,
    ExtensionForm,
    GiveForm,
    ProgressForm,
)
from .models import Task
from .permissions import access_task
from .querysets import TaskQuerySet, counts_aggregate

PAGE_SIZE = 50
SCOPES = {
    "given": gettext_lazy("Given by me"),
    "agency": gettext_lazy("Given by my agency"),
    "ours": gettext_lazy("In charge or supporting"),
}


def _scoped(user: User, scope: str) -> TaskQuerySet:
    tasks = Task.objects.visible_to(user)
    agency_id = user.agency_id or 0
    if scope == "given":
        return tasks.filter(giver=user)
    if scope == "agency":
        return tasks.filter(agency_id=agency_id)
    # What the agency carries out or supports (visible_to: given, in charge, or supporting).
    return tasks.filter(~Q(agency_id=agency_id) | Q(owner_agency_id=agency_id))


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The follow-up board (bảng theo dõi): per leader (given by me), per agency, or what the
    agency carries out; counters given / in time / overdue / done, filters; overdue in red."""
    user = official_or_404(request)
    # A leader who has given tasks starts on those; everyone else on what their agency does.
    default = "given" if Task.objects.filter(giver=user).exists() else "ours"
    scope = request.GET.get("scope", default)
    if scope not in SCOPES:
        scope = default
    today = timezone.localdate()
    tasks = _scoped(user, scope)
    form = BoardFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["owner_agency"]:
            tasks = tasks.filter(owner_agency=data["owner_agency"])
        if data["source"]:
            tasks = tasks.filter(source_kind=data["source"])
        if data["start"]:
            tasks = tasks.filter(given_at__date__gte=data["start"])
        if data["end"]:
            tasks = tasks.filter(given_at__date__lte=data["end"])
        if data["q"]:
            tasks = tasks.filter(title__icontains=data["q"])
    counts = tasks.aggregate(**counts_aggregate(today))
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    if status:
        tasks = tasks.with_timeliness(status, today)
    rows = list(tasks.for_list().order_by("deadline", "id")[:PAGE_SIZE])
    return render(
        request,
        "tasks/board.html",
        {
            "scopes": SCOPES.items(),
            "scope": scope,
            "form": form,
            "counts": counts,
            "columns": [(t.value, t.label, counts[t.value]) for t in Timeliness],
            "rows": [(t, t.timeliness(today)) for t in rows],
            "today": today,
            "can_give": permissions.can_give(user),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Give a task; `?document=<id>` names its source (an instruction on an incoming document,
    or a meeting's conclusion notice)."""
    user = official_or_404(request)
    if not permissions.can_give(user):
        raise Http404
    source: Document | None = None
    if request.method == "POST":
        form = GiveForm(request.POST, user=user)
        if form.is_valid():
            try:
                task = services.give_task(actor=user, **form.service_kwargs())
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The task was given."))
                return redirect(task)
        source = form.cleaned_data.get("document") if hasattr(form, "cleaned_data") else None
    else:
        pk = request.GET.get("document", "")
        if pk:
            source = (
                Document.objects.visible_to(user)
                .select_related("document_type")
                .filter(pk=pk if pk.isdigit() else 0)
                .first()
            )
            if source is None:
                raise Http404
        initial: dict[str, Any] = {}
        if source is not None:
            initial = {"document": source.pk, "title": source.subject[:500]}
        form = GiveForm(user=user, initial=initial)
    return render(
        request,
        "tasks/create.html",
        {"form": form, "source": source},
        status=400 if request.method == "POST" else 200,
    )


def _detail(
    request: HttpRequest, task: Task, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = official_or_404(request)
    bound = bound or {}
    today = timezone.localdate()
    forms: dict[str, Any] = {}
    checks: dict[str, tuple[Callable[[Any, Task], bool], Callable[[], Any]]] = {
        "progress": (permissions.can_report_progress, ProgressForm),
        "extension": (permissions.can_request_extension, ExtensionForm),
        "decide": (permissions.can_decide_extension, DecideExtensionForm),
        "complete": (permissions.can_complete, lambda: CompleteForm(user=user)),
        "evaluate": (permissions.can_evaluate, EvaluateForm),
        "cancel": (permissions.can_cancel, CancelForm),
    }
    for name, (allowed, make) in checks.items():
        if allowed(user, task):
            forms[name] = bound.get(name) or make()
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "timeliness": task.timeliness(today),
            "days_late": task.days_late(today),
            "days_left": task.days_left(today),
            "entries": task.entries.select_related("actor"),
            "extensions": task.extensions.select_related("requested_by", "decided_by"),
            "pending": permissions.pending_extension(task),
            "supporting": [*task.supporting_agencies.all(), *task.supporting_units.all()],
            "forms": forms,
            "today": today,
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_task(request.user, pk))


def _act(
    request: HttpRequest,
    pk: int,
    name: str,
    form_class: Callable[..., Any],
    call: Callable[[User, Task, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    task = access_task(request.user, pk)
    user = official_or_404(request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(user, task, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(task)
    return _detail(request, task, {name: form}, status=400)


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "progress",
        ProgressForm,
        lambda user, task, data: services.report_progress(actor=user, task=task, **data),
        _("The progress was reported."),
    )


@login_required
@require_POST
def extension(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "extension",
        ExtensionForm,
        lambda user, task, data: services.request_extension(actor=user, task=task, **data),
        _("The extension was asked for."),
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "decide",
        DecideExtensionForm,
        lambda user, task, data: services.decide_extension(
            actor=user,
            task=task,
            approve=data["decision"] == "approve",
            note=data["note"],
            granted_deadline=data["granted_deadline"],
        ),
        _("The decision was recorded."),
    )


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    return _act(
        request,
        pk,
        "complete",
        lambda data: CompleteForm(data, user=user),
        lambda user, task, data: services.complete_task(actor=user, task=task, **data),
        _("The task was reported done."),
    )


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "evaluate",
        EvaluateForm,
        lambda user, task, data: services.evaluate_task(
            actor=user,
            task=task,
            accepted=data["decision"] == "accept",
            rating=data["rating"],
            remarks=data["remarks"],
        ),
        _("The evaluation was recorded."),
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "cancel",
        CancelForm,
        lambda user, task, data: services.cancel_task(actor=user, task=task, **data),
        _("The task was cancelled."),
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Tasks given by the user's agency in a year, by unit (or agency) in charge and by month:
    given, done on time, done late, overdue, in progress (all counted in SQL)."""
    user = official_or_404(request)
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
    tasks = Task.objects.filter(agency_id=user.agency_id or 0).given_between(
        date(year, 1, 1), date(year, 12, 31)
    )
    aggregate = counts_aggregate(today)
    by_owner = list(
        tasks.values("owner_agency__name", "owner_unit__name")
        .annotate(**aggregate)
        .order_by("owner_agency__name", "owner_unit__name")
    )
    by_month = list(
        tasks.annotate(month=ExtractMonth("given_at"))
        .values("month")
        .annotate(**aggregate)
        .order_by("month")
    )
    total = tasks.aggregate(**aggregate)
    return render(
        request,
        "tasks/statistics.html",
        {
            "year": year,
            "by_owner": by_owner,
            "by_month": by_month,
            "total": total,
            "columns": [
                ("given", _("Given")),
                (Timeliness.DONE_ON_TIME.value, Timeliness.DONE_ON_TIME.label),
                (Timeliness.DONE_LATE.value, Timeliness.DONE_LATE.label),
                (Timeliness.OVERDUE.value, Timeliness.OVERDUE.label),
                (Timeliness.IN_TIME.value, Timeliness.IN_TIME.label),
            ],
        },
    )
