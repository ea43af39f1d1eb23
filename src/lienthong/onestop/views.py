"""Pages of the one-stop shop: the counter and processing (officers), the applicant's pages
(sign-up, filing, my dossiers) and the public tracking page. Thin: parse, check access, call
one service, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.catalogue.models import Procedure
from lienthong.core import ratelimit
from lienthong.core.ids import parse_id
from lienthong.core.middleware import client_ip
from lienthong.documents.models import AttachmentVersion
from lienthong.signatures.provenance import identify_file

from . import forms, printouts, queues, services, tracking
from .constants import DossierStatus
from .models import Consultation, DigitisedPaper, Dossier, DossierComponent, DossierStep
from .permissions import (
    access_dossier,
    active_step,
    can_answer,
    can_pay_fee,
    can_rate,
    dossier_rules,
    electronic_result,
    enforce,
    is_onestop_officer,
    signed_result,
)
from .querysets import is_applicant


def _errors(form_or_exc: Any) -> list[str]:
    if isinstance(form_or_exc, ValidationError):
        return [str(m) for m in form_or_exc.messages]
    return [
        f"{form_or_exc.fields[f].label if f in form_or_exc.fields else ''}: {e}".lstrip(": ")
        for f, errs in form_or_exc.errors.items()
        for e in errs
    ]


def _officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.agency_id is None and not request.user.is_system_admin:  # type: ignore[union-attr]
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _applicant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_applicant(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


# --- Officers ----------------------------------------------------------------------------------


@_officer_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    visible = Dossier.objects.visible_to(user).select_related("procedure")
    awaiting = visible.none()
    if user.has_role(Role.ONESTOP_OFFICER):
        awaiting = visible.filter(
            agency_id=user.agency_id,
            status__in=[DossierStatus.SUBMITTED, DossierStatus.DONE],
        ).order_by("submitted_at")[:200]
    steps = (
        DossierStep.objects.queue_for(user)
        .select_related("dossier", "dossier__procedure", "unit", "agency", "handler")
        .order_by("deadline_at")[:200]
    )
    consultations = (
        Consultation.objects.filter(unit_id=user.unit_id, answered_at__isnull=True)
        .select_related("step__dossier")
        .order_by("deadline_at")[:100]
        if user.unit_id
        else []
    )
    recent = visible.order_by("-id")[:50]
    listed = request.GET.get("list", "")
    counter_list: dict[str, Any] | None = None
    if listed in queues.COUNTER_LISTS and queues.is_counter_officer(user):
        rows = queues.counter_list(user, listed)
        counter_list = {
            "key": listed,
            "label": queues.COUNTER_LISTS[listed][0],
            "count": rows.count(),
            "rows": rows[:500],
        }
    return render(
        request,
        "onestop/queue.html",
        {
            "counter_list": counter_list,
            "is_counter": user.has_role(Role.ONESTOP_OFFICER),
            "awaiting": awaiting,
            "steps": steps,
            "consultations": consultations,
            "recent": recent,
        },
    )


@_officer_required
def intake(request: HttpRequest) -> HttpResponse:
    """The counter takes a paper dossier: the applicant's data and the scanned papers."""
    user = request.user
    assert isinstance(user, User)
    if not user.has_role(Role.ONESTOP_OFFICER):
        raise Http404
    procedures = (
        Procedure.objects.published().filter(agency_id=user.agency_id).order_by("name_sort")
    )
    procedure = None
    if request.GET.get("procedure") or request.POST.get("procedure"):
        procedure_id = parse_id(request.POST.get("procedure") or request.GET.get("procedure"))
        procedure = procedures.filter(pk=procedure_id).first() if procedure_id else None
        if procedure is None:
            raise Http404
    form = None
    id_number = (request.POST.get("id_number") or request.GET.get("id_number") or "").strip()
    if procedure is not None:
        # The applicant's papers this agency digitised before, by kind: offered for reuse.
        earlier: dict[str, list[DigitisedPaper]] = {}
        if id_number and user.agency_id is not None:
            kinds = {services.paper_kind(c.name) for c in procedure.components.all()}
            for paper in (
                DigitisedPaper.objects.reusable(agency_id=user.agency_id, id_number=id_number)
                .filter(kind_key__in=kinds)
                .select_related("digitised_by", "dossier")[:200]
            ):
                earlier.setdefault(paper.kind_key, []).append(paper)
        form = forms.IntakeForm(
            request.POST or None,
            request.FILES or None,
            procedure=procedure,
            earlier=earlier,
            initial={"token": uuid.uuid4(), "kind": "citizen", "id_number": id_number},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                dossier = services.file_dossier(
                    actor=user,
                    procedure=procedure,
                    idempotency_key=data["token"],
                    applicant=services.Applicant(
                        kind=data["kind"],
                        name=data["name"],
                        id_number=data["id_number"],
                        phone=data["phone"],
                        email=data["email"],
                        address=data["address"],
                    ),
                    subject=data["subject"],
                    copies=data["copies"],
                    by_post=data["by_post"],
                    papers=[
                        services.Paper(upload=f, name=f.name, component=c) for c, f in form.papers()
                    ],
                    reused=[services.Reuse(paper=p, component=c) for c, p in form.reuses()],
                )
            except (ValidationError, PermissionDenied) as exc:
                for message in _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Dossier %(code)s created; check it and receive it.")
                    % {"code": dossier.code},
                )
                return redirect("onestop:dossier", dossier.pk)
    return render(
        request,
        "onestop/intake.html",
        {"procedures": procedures, "procedure": procedure, "form": form, "id_number": id_number},
    )


def _officer_actions(user: User, dossier: Dossier) -> dict[str, Any]:
    """Which action forms the officer sees on the dossier page: the rules of
    `permissions.dossier_rules`, by action name, and the opinions the user's unit owes."""
    step = active_step(dossier)
    actions: dict[str, Any] = {
        name: rule(user) is None for name, rule in dossier_rules(dossier, step).items()
    }
    actions["counter"] = is_onestop_officer(user, dossier.agency_id)
    actions["step"] = step
    actions["answer"] = [
        c
        for c in Consultation.objects.filter(step__dossier=dossier, answered_at__isnull=True)
        if can_answer(user, c)
    ]
    return actions


@_officer_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    dossier = access_dossier(user, pk)
    actions = _officer_actions(user, dossier)
    step = actions["step"]
    context = {
        "dossier": dossier,
        "actions": actions,
        "steps": dossier.steps.select_related("agency", "unit", "handler"),
        "history": dossier.history.select_related("actor", "to_agency", "to_unit", "to_user"),
        "components": dossier.components.select_related(
            "blob", "blob__verification", "digitised__digitised_by", "digitised__dossier"
        ),
        "supplements": dossier.supplements.all(),
        "consultations": Consultation.objects.filter(step__dossier=dossier).select_related(
            "unit", "asked_by", "answered_by"
        ),
        "missing": services.missing_components(dossier),
        "supplement_form": forms.SupplementForm(),
        "reason_form": forms.ReasonForm(),
        "upload_form": forms.UploadForm(procedure=dossier.procedure),
        "assign_form": forms.AssignForm(step=step) if step else None,
        "consult_form": forms.ConsultForm(step=step) if step else None,
        "text_form": forms.TextForm(),
        "note_form": forms.NoteForm(),
        "free_note_form": forms.FreeNoteForm(),
        "result_file": electronic_result(dossier),
        "apology_form": forms.ApologyForm(),
        "result_form": forms.ResultForm(
            agency=dossier.agency, result_kind=dossier.procedure.result_kind
        ),
        "return_form": forms.ReturnForm(initial={"channel": dossier.channel}),
        "forms_available": printouts.available(dossier),
    }
    return render(request, "onestop/dossier.html", context)


@require_POST
@_officer_required
def dossier_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    dossier = access_dossier(user, pk)
    step = active_step(dossier)
    post, files = request.POST, request.FILES

    def need_step() -> DossierStep:
        if step is None:
            raise ValidationError(_("This dossier has no step in progress."))
        return step

    def act(form_class: type[Any], service: Callable[..., Any]) -> Callable[[], Any]:
        """The form's fields are the service's arguments, on the dossier."""
        return lambda: _with(form_class(post), lambda d: service(actor=user, dossier=dossier, **d))

    def on_step(form_class: type[Any], service: Callable[..., Any]) -> Callable[[], Any]:
        """The same on the dossier's step in progress."""
        return lambda: _with(form_class(post), lambda d: service(actor=user, step=need_step(), **d))

    handlers: dict[str, Callable[[], Any]] = {
        "receive": lambda: services.receive_dossier(actor=user, dossier=dossier),
        "supplement": act(forms.SupplementForm, services.request_supplement),
        "refuse": act(forms.ReasonForm, services.refuse_dossier),
        "stop": act(forms.ReasonForm, services.refuse_dossier),
        "withdraw": act(forms.OptionalReasonForm, services.withdraw_dossier),
        "upload": lambda: _with(
            forms.UploadForm(post, files, procedure=dossier.procedure),
            lambda d: services.add_component(
                actor=user,
                dossier=dossier,
                upload=d["file"],
                name=d["file"].name,
                procedure_component=dossier.procedure.components.filter(pk=d["component"]).first()
                if d["component"]
                else None,
            ),
        ),
        "resubmit": lambda: services.resubmit_dossier(actor=user, dossier=dossier),
        "assign": lambda: _with(
            forms.AssignForm(post, step=need_step()),
            lambda d: services.assign_handler(actor=user, step=need_step(), handler=d["handler"]),
        ),
        "consult": lambda: _with(
            forms.ConsultForm(post, step=need_step()),
            lambda d: services.consult_unit(
                actor=user, step=need_step(), unit=d["unit"], question=d["question"], days=d["days"]
            ),
        ),
        "propose": on_step(forms.TextForm, services.propose),
        "approve": on_step(forms.NoteForm, services.approve_step),
        "note": act(forms.FreeNoteForm, services.add_note),
        "apologise": act(forms.ApologyForm, services.apologise),
        "result": lambda: _with(
            forms.ResultForm(post, files, result_kind=dossier.procedure.result_kind),
            lambda d: services.issue_result(
                actor=user,
                dossier=dossier,
                document_type=d.get("document_type"),
                upload=d["file"],
                file_name=d["file"].name,
                subject=d["subject"],
                signing_secret=d.get("signing_secret") or None,
            ),
        ),
        "return": act(forms.ReturnForm, services.return_result),
        "answer": lambda: _with(
            forms.TextForm(post),
            lambda d: services.answer_consultation(
                actor=user,
                consultation=get_object_or_404(
                    Consultation,
                    pk=post.get("consultation", "0")
                    if str(post.get("consultation", "")).isdigit()
                    else 0,
                    step__dossier=dossier,
                ),
                answer=d["text"],
            ),
        ),
    }
    if action not in handlers:
        raise Http404
    rule = dossier_rules(dossier, step).get(action)  # none for "answer": checked per opinion
    try:
        enforce(rule(user) if rule is not None else None)
        result = handlers[action]()
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        dossier.refresh_from_db()
        messages.success(request, confirmation(action, dossier, result))
    if not Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists():
        return redirect("onestop:queue")
    return redirect("onestop:dossier", dossier.pk)


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _closed(dossier: Dossier, result: Any, facts: dict[str, Any]) -> str:
    if dossier.status == DossierStatus.REFUSED:
        return _("Dossier %(code)s refused; the applicant is told the reason.") % facts
    return _("Processing of dossier %(code)s stopped; the applicant is told why.") % facts


def _noted(dossier: Dossier, result: Any, facts: dict[str, Any]) -> str:
    if getattr(result, "to_applicant", False):
        return _("Note added to dossier %(code)s and sent to the applicant.") % facts
    return _("Internal note added to dossier %(code)s.") % facts


def _issued(dossier: Dossier, result: Any, facts: dict[str, Any]) -> str:
    document = dossier.result_document
    facts["number"] = document.number_and_symbol if document else ""
    if dossier.result_file_id:
        return _("Result of dossier %(code)s issued as No. %(number)s, sealed.") % facts
    return _("Result of dossier %(code)s issued as No. %(number)s (not signed).") % facts


def _with_facts(message: Callable[[], str], **more: Callable[[Dossier, Any], Any]) -> Any:
    """A confirmation: the message (a gettext call) filled with the code and `more` facts."""

    def say(dossier: Dossier, result: Any, facts: dict[str, Any]) -> str:
        facts.update({key: fact(dossier, result) for key, fact in more.items()})
        return message() % facts

    return say


_CONFIRMATIONS: dict[str, Callable[[Dossier, Any, dict[str, Any]], str]] = {
    "receive": _with_facts(
        lambda: _("Dossier %(code)s received; the result is due %(due)s."),
        due=lambda d, r: _when(d.due_at),
    ),
    "supplement": _with_facts(
        lambda: _("Dossier %(code)s: the applicant is asked for the missing papers.")
    ),
    "refuse": _closed,
    "stop": _closed,
    "withdraw": _with_facts(lambda: _("Dossier %(code)s withdrawn.")),
    "upload": _with_facts(
        lambda: _("Paper “%(name)s” added to dossier %(code)s."),
        name=lambda d, r: getattr(r, "name", ""),
    ),
    "remove": _with_facts(lambda: _("Paper removed from dossier %(code)s.")),
    "submit": _with_facts(
        lambda: _("Dossier %(code)s submitted; it awaits reception at the counter.")
    ),
    "resubmit": _with_facts(
        lambda: _("Dossier %(code)s: the supplied papers were sent back for processing.")
    ),
    "assign": _with_facts(
        lambda: _("Dossier %(code)s assigned to %(handler)s."),
        handler=lambda d, r: getattr(getattr(r, "handler", None), "full_name", ""),
    ),
    "consult": _with_facts(
        lambda: _("Opinion of %(unit)s asked on dossier %(code)s, due %(due)s."),
        unit=lambda d, r: getattr(getattr(r, "unit", None), "name", ""),
        due=lambda d, r: _when(getattr(r, "deadline_at", None)),
    ),
    "propose": _with_facts(lambda: _("Proposal on dossier %(code)s submitted for approval.")),
    "approve": _with_facts(
        lambda: _("Step “%(step)s” of dossier %(code)s approved."),
        step=lambda d, r: getattr(r, "name", ""),
    ),
    "note": _noted,
    "apologise": _with_facts(
        lambda: _("Dossier %(code)s: new appointment %(due)s; the applicant is told."),
        due=lambda d, r: _when(d.due_at),
    ),
    "result": _issued,
    "return": _with_facts(
        lambda: _("Result of dossier %(code)s returned (%(channel)s)."),
        channel=lambda d, r: d.get_return_channel_display(),
    ),
    "answer": _with_facts(lambda: _("Opinion on dossier %(code)s given.")),
    "rate": _with_facts(lambda: _("Thank you: your rating of dossier %(code)s is recorded.")),
}


def confirmation(action: str, dossier: Dossier, result: Any) -> str:
    """What an action did, said back to whoever did it ("Đã tiếp nhận hồ sơ …, hẹn trả …"):
    the dossier's code and the facts the action set (appointment, handler, number...)."""
    facts: dict[str, Any] = {"code": dossier.code or _("draft")}
    say = _CONFIRMATIONS.get(action)
    if say is None:
        return _("Dossier %(code)s updated.") % facts
    return say(dossier, result, facts)


def _with(form: Any, then: Callable[[dict[str, Any]], Any]) -> Any:
    if not form.is_valid():
        raise ValidationError(_errors(form))
    return then(form.cleaned_data)


@login_required
def form_pdf(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """Mẫu 01-05 of a dossier as a printable PDF (officers, and the applicant for their own)."""
    dossier = access_dossier(request.user, pk)
    if form not in printouts.available(dossier):
        raise Http404
    pdf = printouts.render(dossier, form)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{form}-{dossier.code}.pdf"'
    return response


@_officer_required
def tracking_book(request: HttpRequest) -> HttpResponse:
    """Mẫu 06, the tracking book of the agency's dossiers received in a month."""
    user = request.user
    assert isinstance(user, User)
    if not user.has_role(Role.ONESTOP_OFFICER) or user.agency_id is None:
        raise Http404
    try:
        year, month = int(request.GET.get("nam", "0")), int(request.GET.get("thang", "0"))
    except ValueError:
        year = month = 0
    today = timezone.localdate()
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    pdf = printouts.render_book(user.agency, year, month)  # type: ignore[arg-type]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-theo-doi-{year}-{month:02d}.pdf"'
    return response


@login_required
def component_file(request: HttpRequest, pk: int, component_pk: int) -> FileResponse:
    dossier = access_dossier(request.user, pk)
    component = get_object_or_404(
        DossierComponent.objects.select_related("blob"), pk=component_pk, dossier=dossier
    )
    handle = default_storage.open(component.blob.storage_name, "rb")
    return FileResponse(
        handle,
        content_type=component.blob.content_type,
        as_attachment=True,
        filename=component.original_name,
    )


# --- Applicants -------------------------------------------------------------------------------


def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("citizen:my-dossiers")
    form = forms.SignUpForm(request.POST or None)
    if request.method == "POST" and not ratelimit.hit(
        "sign-up",
        client_ip(request) or "unknown",
        limit=settings.LIENTHONG_SIGN_UP_LIMIT,
        window=settings.LIENTHONG_SIGN_UP_WINDOW_SECONDS,
    ):
        return render(
            request,
            "onestop/sign_up.html",
            {"form": forms.SignUpForm(), "limited": True},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.sign_up_applicant(
                password=data["password"],
                organisation_name=data["organisation_name"],
                applicant=services.Applicant(
                    kind=data["kind"],
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    email=data["email"],
                    address=data["address"],
                ),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            login(request, user, backend="lienthong.accounts.backends.OfficialModelBackend")
            messages.success(request, _("Your account is ready."))
            return redirect("citizen:my-dossiers")
    return render(request, "onestop/sign_up.html", {"form": form})


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@_applicant_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = (
        Dossier.objects.owned_by(request.user).select_related("procedure").order_by("-id")[:200]
    )
    procedures = Procedure.objects.published().filter(level_2011__gte=3).order_by("name_sort")
    return render(
        request, "onestop/my_dossiers.html", {"dossiers": dossiers, "procedures": procedures}
    )


@_applicant_required
def file_online(request: HttpRequest, procedure_pk: int) -> HttpResponse:
    procedure = get_object_or_404(
        Procedure.objects.published().filter(level_2011__gte=3), pk=procedure_pk
    )
    form = forms.FilingForm(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        initial={"token": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user
        assert isinstance(user, User)
        existing = Dossier.objects.filter(idempotency_key=data["token"], created_by=user).first()
        if existing is not None:  # the same form sent again
            return redirect("citizen:my-dossier", existing.pk)
        try:
            dossier = services.file_dossier(
                actor=user,
                procedure=procedure,
                idempotency_key=data["token"],
                subject=data["subject"],
                copies=data["copies"],
                by_post=data["by_post"],
                papers=[
                    services.Paper(upload=f, name=f.name, component=c) for c, f in form.papers()
                ],
                submit="submit" in request.POST,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if dossier.status == DossierStatus.DRAFT:
                messages.success(request, _("Draft saved."))
            else:
                messages.success(
                    request, _("Submitted. Your dossier code is %(code)s.") % {"code": dossier.code}
                )
            return redirect("citizen:my-dossier", dossier.pk)
    return render(request, "onestop/file.html", {"procedure": procedure, "form": form})


@_applicant_required
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    dossier = access_dossier(user, pk)
    return render(
        request,
        "onestop/my_dossier.html",
        {
            "dossier": dossier,
            "history": dossier.history.for_applicant().select_related("to_agency"),
            "result_file": electronic_result(dossier),
            "result_url": reverse("citizen:result", args=[dossier.pk]),
            "components": dossier.components.select_related("blob", "blob__verification"),
            "supplements": dossier.supplements.all(),
            "missing": services.missing_components(dossier),
            "upload_form": forms.UploadForm(procedure=dossier.procedure),
            "rating_form": forms.RatingForm(),
            "reason_form": forms.OptionalReasonForm(),
            "forms_available": printouts.available(dossier),
            "can_rate": can_rate(user, dossier),
            "can_pay": can_pay_fee(user, dossier),
        },
    )


@require_POST
@_applicant_required
def my_dossier_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    dossier = access_dossier(user, pk)
    post, files = request.POST, request.FILES
    handlers: dict[str, Callable[[], Any]] = {
        "upload": lambda: _with(
            forms.UploadForm(post, files, procedure=dossier.procedure),
            lambda d: services.add_component(
                actor=user,
                dossier=dossier,
                upload=d["file"],
                name=d["file"].name,
                procedure_component=dossier.procedure.components.filter(pk=d["component"]).first()
                if d["component"]
                else None,
            ),
        ),
        "remove": lambda: services.remove_component(
            actor=user,
            component=get_object_or_404(
                DossierComponent,
                pk=post.get("component") if str(post.get("component", "")).isdigit() else 0,
                dossier=dossier,
            ),
        ),
        "submit": lambda: services.submit_dossier(actor=user, dossier=dossier),
        "resubmit": lambda: services.resubmit_dossier(actor=user, dossier=dossier),
        "withdraw": lambda: _with(
            forms.OptionalReasonForm(post),
            lambda d: services.withdraw_dossier(actor=user, dossier=dossier, reason=d["reason"]),
        ),
        "rate": lambda: _with(
            forms.RatingForm(post),
            lambda d: services.rate_dossier(actor=user, dossier=dossier, **d),
        ),
    }
    if action == "pay":
        try:
            payment = services.start_fee_payment(
                actor=user, dossier=dossier, return_url=request.path.rsplit("/", 2)[0] + "/"
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, " ".join(_errors(exc)) if isinstance(exc, ValidationError) else str(exc)
            )
            return redirect("citizen:my-dossier", dossier.pk)
        return redirect(payment.redirect_url)
    if action not in handlers:
        raise Http404
    try:
        result = handlers[action]()
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        dossier.refresh_from_db()
        messages.success(request, confirmation(action, dossier, result))
    return redirect("citizen:my-dossier", dossier.pk)


# --- Public tracking -------------------------------------------------------------------------


def track(request: HttpRequest) -> HttpResponse:
    """Follow a dossier by its code and the telephone or ID number given in it, without an
    account. A wrong factor and an unknown code get the same answer; lookups are limited."""
    form = forms.TrackForm(request.POST or None)
    dossier = None
    not_found = limited = needs_both = False
    status = 200
    if request.method == "POST" and form.is_valid():
        result = tracking.look_up(
            client=client_ip(request) or "unknown",
            code=form.cleaned_data["code"],
            factor=form.cleaned_data["factor"],
            second_factor=form.cleaned_data["second_factor"],
        )
        dossier, limited, needs_both = result.dossier, result.limited, result.needs_both
        not_found = dossier is None and not limited and not needs_both
        status = 429 if limited else 200
    elif request.method == "POST":
        status = 400
    history = dossier.history.for_applicant().select_related("to_agency") if dossier else []
    result_file = electronic_result(dossier) if dossier else None
    result_url = ""
    if dossier is not None and result_file is not None:
        token = signing.dumps({"d": dossier.pk, "v": result_file.pk}, salt=TRACK_RESULT_SALT)
        result_url = f"{reverse('citizen:track-result')}?t={token}"
    return render(
        request,
        "onestop/track.html",
        {
            "form": form,
            "dossier": dossier,
            "not_found": not_found,
            "limited": limited,
            "needs_both": needs_both,
            "history": history,
            "result_file": result_file,
            "result_url": result_url,
        },
        status=status,
    )


# --- The result, and checking a file -----------------------------------------------------------

TRACK_RESULT_SALT = "onestop.track-result"


def _send_result(dossier: Dossier, version: AttachmentVersion) -> FileResponse:
    handle = default_storage.open(version.blob.storage_name, "rb")
    return FileResponse(
        handle,
        content_type=version.blob.content_type,
        as_attachment=True,
        filename=f"ket-qua-{dossier.code}.pdf",
    )


@login_required
def result_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The dossier's electronic result, for the applicant and the officials who see it."""
    dossier = access_dossier(request.user, pk)
    version = electronic_result(dossier)
    if version is None:
        messages.info(request, _("This dossier has no electronic result (yet)."))
        if is_applicant(request.user):
            return redirect("citizen:my-dossier", dossier.pk)
        return redirect("onestop:dossier", dossier.pk)
    return _send_result(dossier, version)


def track_result(request: HttpRequest) -> HttpResponseBase:
    """The result offered on the public tracking page, behind a signed link that the page
    gives only after the code and the second factor, valid for a while."""
    found = signed_result(
        request.GET.get("t", ""),
        salt=TRACK_RESULT_SALT,
        max_age=settings.LIENTHONG_TRACKING_RESULT_LINK_SECONDS,
    )
    if found is None:
        messages.error(request, _("This link has expired: look the dossier up again."))
        return redirect("citizen:track")
    dossier, version = found
    return _send_result(dossier, version)


def check_file(request: HttpRequest) -> HttpResponse:
    """Kiểm tra văn bản / kết quả: anyone uploads a file; the platform says whether it issued
    it (which agency, number, date, signer) and what its signatures say. Limited per address."""
    form = forms.CheckFileForm(request.POST or None, request.FILES or None)
    provenance = None
    status = 200
    if request.method == "POST":
        if not ratelimit.hit(
            "check-file",
            client_ip(request) or "unknown",
            limit=settings.LIENTHONG_FILE_CHECK_LIMIT,
            window=settings.LIENTHONG_FILE_CHECK_WINDOW_SECONDS,
        ):
            return render(
                request,
                "onestop/check_file.html",
                {"form": forms.CheckFileForm(), "limited": True},
                status=429,
            )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                provenance = identify_file(upload, upload.name)
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
        else:
            status = 400
    return render(
        request,
        "onestop/check_file.html",
        {"form": form, "provenance": provenance},
        status=status,
    )
