"""Pages of IT training. Thin: parse input, check access, call one service, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.core.http import form_errors, official_or_404

from . import services, stats
from .certificates import render_pdf
from .constants import EnrolmentStatus, Result, Topic
from .forms import ClassForm, DecideForm, NominateForm, PlanForm, ResultForm, RevokeForm
from .models import Attendance, Certificate, Enrolment, TrainingClass, TrainingPlan
from .permissions import (
    access_certificate,
    access_class,
    access_enrolment_to_run,
    access_record,
    access_session,
    can_nominate,
    can_organise,
    can_run_class,
)


def _year(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _refuse(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def classes(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    rows = TrainingClass.objects.visible_to(user).with_counts()
    return render(
        request,
        "training/class_list.html",
        {
            "classes": rows[:200],
            "can_organise": can_organise(user),
            "can_nominate": can_nominate(user),
        },
    )


@login_required
def open_class(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if not can_organise(user):
        raise Http404
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_class = services.open_class(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The class is open for nominations."))
            return redirect("training:class", pk=training_class.pk)
    return render(request, "training/class_form.html", {"form": form})


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    training_class = access_class(user, pk)
    assert user.agency_id is not None
    runs = can_run_class(user, training_class)
    enrolments = Enrolment.objects.filter(training_class=training_class).for_list()
    if not runs and can_nominate(user):
        enrolments = enrolments.filter(agency_id=user.agency_id)
    elif not runs:
        enrolments = enrolments.filter(official=user)
    nominate_form = NominateForm(agency_id=user.agency_id) if can_nominate(user) else None
    sessions = training_class.sessions.annotate(
        present_count=Count("attendances", filter=Q(attendances__present=True))
    )
    return render(
        request,
        "training/class_detail.html",
        {
            "training_class": training_class,
            "enrolments": enrolments,
            "sessions": sessions,
            "runs": runs,
            "nominate_form": nominate_form,
            "result_choices": Result.choices,
            "statuses": EnrolmentStatus,
        },
    )


@login_required
@require_POST
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    training_class = access_class(user, pk)
    if not can_nominate(user):
        raise Http404
    assert user.agency_id is not None
    form = NominateForm(request.POST, agency_id=user.agency_id)
    if form.is_valid():
        try:
            done = services.nominate(
                actor=user, training_class=training_class, officials=form.cleaned_data["officials"]
            )
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("%(count)s officials nominated.") % {"count": len(done)})
    else:
        messages.error(request, _("Choose at least one official of your agency."))
    return redirect("training:class", pk=pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    enrolment = access_enrolment_to_run(user, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.decide(
                actor=user,
                enrolment=enrolment,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("The nomination was decided."))
    else:
        messages.error(request, _("Approve or reject the nomination."))
    return redirect("training:class", pk=enrolment.training_class_id)


@login_required
@require_POST
def result(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    enrolment = access_enrolment_to_run(user, pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.record_result(actor=user, enrolment=enrolment, **form.cleaned_data)
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("The result was recorded."))
    else:
        messages.error(request, _("Choose a result and a score between 0 and 10."))
    return redirect("training:class", pk=enrolment.training_class_id)


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    session = access_session(user, pk)
    enrolments = (
        Enrolment.objects.filter(training_class=session.training_class).approved().for_list()
    )
    if request.method == "POST":
        try:
            present = [int(value) for value in request.POST.getlist("present")]
            services.record_attendance(actor=user, session=session, present=present)
        except ValueError:
            messages.error(request, _("Only approved trainees of the class can be marked present."))
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("training:class", pk=session.training_class_id)
    marked = set(
        Attendance.objects.filter(session=session, present=True).values_list(
            "enrolment_id", flat=True
        )
    )
    return render(
        request,
        "training/attendance.html",
        {"session": session, "enrolments": enrolments, "marked": marked},
    )


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    training_class = access_class(user, pk)
    if not can_run_class(user, training_class):
        raise Http404
    try:
        issued = services.issue_certificates(actor=user, training_class=training_class)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("%(count)s certificates issued.") % {"count": len(issued)})
    return redirect("training:class", pk=pk)


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    certificate = access_certificate(user, pk)
    response = HttpResponse(render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"chung-nhan-{certificate.number}.pdf") or ""
    )
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    certificate = access_certificate(user, pk)
    if not can_run_class(user, certificate.enrolment.training_class):
        raise Http404
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_certificate(
                actor=user, certificate=certificate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("The certificate was revoked."))
    else:
        messages.error(request, _("Say why the certificate is revoked."))
    return redirect("training:class", pk=certificate.enrolment.training_class_id)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding a certificate (or its QR code) checks it is genuine."""
    certificate = (
        Certificate.objects.select_related(
            "enrolment__official",
            "enrolment__agency",
            "enrolment__training_class__course",
            "enrolment__training_class__organiser",
        )
        .filter(code=code[:40])
        .first()
    )
    return render(
        request,
        "training/verify.html",
        {"certificate": certificate, "code": code[:40]},
        status=200 if certificate else 404,
    )


@login_required
def record(request: HttpRequest, user_pk: int | None = None) -> HttpResponse:
    user = official_or_404(request)
    official = user if user_pk is None else access_record(user, user_pk)
    enrolments = (
        Enrolment.objects.filter(official=official)
        .for_list()
        .order_by("-training_class__starts_on")
    )
    hours = enrolments.filter(status=EnrolmentStatus.APPROVED).aggregate(
        total=Sum("training_class__course__hours")
    )["total"]
    return render(
        request,
        "training/record.html",
        {"official": official, "enrolments": enrolments, "hours": hours or 0},
    )


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if not (can_nominate(user) or can_organise(user)):
        raise Http404
    assert user.agency_id is not None
    agency_id: int = user.agency_id
    year = _year(request, date.today().year)
    current = TrainingPlan.objects.filter(agency_id=agency_id, year=year).first()
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        if not can_nominate(user):
            raise Http404
        if form.is_valid():
            try:
                services.save_plan(
                    actor=user, year=year, items=form.items(), note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The plan was saved."))
                return redirect(f"{request.path}?nam={year}")
    done = {
        row["key"]: row
        for row in stats.breakdown("topic", [agency_id], date(year, 1, 1), date(year, 12, 31))
    }
    planned = {item.topic: item for item in current.items.all()} if current else {}
    rows = [
        {"topic": label, "planned": planned.get(value), "done": done.get(value)}
        for value, label in Topic.choices
    ]
    return render(
        request,
        "training/plan.html",
        {
            "year": year,
            "plan": current,
            "rows": rows,
            "form": form if can_nominate(user) else None,
            "totals": stats.training_counts([agency_id], date(year, 1, 1), date(year, 12, 31)),
        },
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if not (can_organise(user) or can_nominate(user)):
        raise Http404
    year = _year(request, date.today().year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    assert user.agency_id is not None
    scope: list[int] | None = None if can_organise(user) else [user.agency_id]
    topics = dict(Topic.choices)
    by_topic = stats.breakdown("topic", scope, start, end)
    for row in by_topic:
        row["key"] = topics.get(row["key"], row["key"])
    return render(
        request,
        "training/stats.html",
        {
            "year": year,
            "totals": stats.training_counts(scope, start, end),
            "by_agency": stats.breakdown("agency", scope, start, end),
            "by_topic": by_topic,
            "by_year": stats.breakdown("year", scope, date(2000, 1, 1), end),
            "plans": TrainingPlan.objects.filter(year=year, reported_classes__isnull=False)
            .select_related("agency")
            .filter(**({} if scope is None else {"agency_id__in": scope})),
        },
    )


@login_required
def guide(request: HttpRequest) -> HttpResponse:
    official_or_404(request)
    return render(request, "training/guide.html")
