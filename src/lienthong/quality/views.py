"""Pages of the quality system. Thin: parse input, check access, call one service, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.core.http import form_errors, official_or_404

from . import services
from .constants import ActionStatus
from .forms import ActionForm, FindingForm, NoteForm, ReviewForm
from .models import Action, Finding
from .permissions import access_action, access_audit, access_system, can_complete, can_keep
from .report import report_xlsx
from .reviews import compute_inputs, objective_results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _refuse(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    system = access_system(user)
    year = _year(request)
    procedures = system.procedures.select_related("procedure").prefetch_related("procedure__steps")
    return render(
        request,
        "quality/home.html",
        {
            "system": system,
            "year": year,
            "objectives": objective_results(system, date(year, 1, 1), date(year, 12, 31)),
            "procedures": procedures,
            "processes": system.processes.all(),
            "audits": system.audits.all(),
            "reviews": system.reviews.all(),
            "keeps": can_keep(user, system),
        },
    )


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    audit = access_audit(user, pk)
    keeps = can_keep(user, audit.system)
    findings = audit.findings.select_related("clause").prefetch_related("actions__owner")
    return render(
        request,
        "quality/audit.html",
        {
            "audit": audit,
            "checklist": audit.checklist.select_related("clause"),
            "findings": findings,
            "keeps": keeps,
            "finding_form": FindingForm(system=audit.system) if keeps else None,
            "action_form": ActionForm(system=audit.system, auto_id="action_%s") if keeps else None,
        },
    )


@login_required
@require_POST
def add_finding(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    audit = access_audit(user, pk)
    if not can_keep(user, audit.system):
        raise Http404
    form = FindingForm(request.POST, system=audit.system)
    if form.is_valid():
        try:
            services.record_finding(actor=user, audit=audit, **form.cleaned_data)
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("The finding was recorded."))
    else:
        messages.error(request, _("Choose a clause and describe what was found."))
    return redirect("quality:audit", pk=audit.pk)


@login_required
@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    finding = Finding.objects.select_related("audit__system__version").filter(pk=pk).first()
    if finding is None or not can_keep(user, finding.audit.system):
        raise Http404
    form = ActionForm(request.POST, system=finding.audit.system)
    if form.is_valid():
        try:
            services.open_action(actor=user, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("The action was opened."))
    else:
        messages.error(request, _("Give the action, its owner and its deadline."))
    return redirect("quality:audit", pk=finding.audit_id)


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    actions = Action.objects.filter(owner=user).select_related("finding__clause", "finding__audit")
    return render(request, "quality/my_actions.html", {"actions": actions})


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    action = access_action(user, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if can_complete(user, action) and action.status in (
                ActionStatus.OPEN,
                ActionStatus.REOPENED,
            ):
                services.complete_action(actor=user, action=action, note=form.cleaned_data["note"])
            else:
                services.verify_action(
                    actor=user,
                    action=action,
                    effective=form.cleaned_data["effective"],
                    note=form.cleaned_data["note"],
                )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The action was updated."))
            return redirect("quality:action", pk=action.pk)
    system = action.finding.audit.system
    return render(
        request,
        "quality/action.html",
        {
            "action": action,
            "form": form,
            "can_complete": can_complete(user, action)
            and action.status in (ActionStatus.OPEN, ActionStatus.REOPENED),
            "can_verify": can_keep(user, system) and action.status == ActionStatus.DONE,
        },
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    system = access_system(user)
    year = _year(request)
    start, end = date(year, 1, 1), date(year, 12, 31)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(
                actor=user, system=system, period_start=start, period_end=end, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The management review was recorded."))
            return redirect("quality:home")
    return render(
        request,
        "quality/review.html",
        {
            "system": system,
            "year": year,
            "inputs": compute_inputs(system, start, end),
            "objectives": objective_results(system, start, end),
            "form": form,
        },
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    system = access_system(user)
    year = _year(request)
    response = HttpResponse(report_xlsx(system, year), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-iso-{year}.xlsx"'
    return response


@login_required
def guide(request: HttpRequest) -> HttpResponse:
    official_or_404(request)
    return render(request, "quality/guide.html")
