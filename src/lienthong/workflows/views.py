"""Pages of the processing of incoming documents. Thin: parse input, check access, call one
service, render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.accounts.models import User
from lienthong.core.http import form_errors, user_or_404
from lienthong.core.pagination import shown_count
from lienthong.documents.models import Document
from lienthong.drafting.models import Draft
from lienthong.drafting.services import can_be_replied_to

from . import services
from .constants import AssignmentRole, Scope
from .forms import AssignForm, CompleteForm, PresentForm, ProgressForm, ReassignForm, ReturnForm
from .models import Assignment, ProcessingEntry
from .permissions import (
    access_assignment,
    access_incoming,
    can_act_on,
    can_assign,
    can_present,
    can_reassign,
    leader_delegators,
)
from .querysets import awaiting_page, page_after
from .queues import AWAITING, default_tab, queue_counts, queue_setting
from .slip import build_slip, render_slip_pdf

PAGE_SIZE = 25


# --- My work -----------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = user_or_404(request)
    setting = queue_setting(user)
    tabs, labels, registered = setting.tabs, setting.labels, setting.registered
    scopes = [Scope.MINE]
    if setting.led:
        scopes.append(Scope.UNIT)
    if setting.instructs or setting.led:
        scopes.append(Scope.GIVEN)
    scope = request.GET.get("scope", Scope.MINE)
    if scope not in scopes:
        scope = Scope.MINE
    counts, base = queue_counts(user, scope, setting)
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = default_tab(tabs, counts)

    today, cutoff = setting.today, setting.cutoff
    after = request.GET.get("after", "")
    rows: list[Any] = []
    documents: list[Document] = []
    items: list[Any] = []
    next_cursor = ""
    by_key = {t.key: t for t in registered}
    if tab == AWAITING:
        documents, next_cursor = awaiting_page(
            Document.objects.visible_to(user),
            user,
            after=int(after) if after.isdigit() else None,
            size=PAGE_SIZE,
        )
    elif tab in by_key:
        found = by_key[tab].rows(user)
        if after.isdigit():
            found = found.filter(id__lt=int(after))
        page = list(found[: PAGE_SIZE + 1])
        if len(page) > PAGE_SIZE:
            page = page[:PAGE_SIZE]
            next_cursor = str(page[-1].pk)
        items = [by_key[tab].item(row) for row in page]
    else:
        rows, next_cursor = page_after(
            base.in_queue(tab, today, cutoff).for_list(today), tab, after, PAGE_SIZE
        )
    return render(
        request,
        "workflows/queue.html",
        {
            "tabs": [(value, labels[value], shown_count(counts.get(value, 0))) for value in tabs],
            "tab": tab,
            "tab_label": labels[tab],
            "scopes": [(value, Scope(value).label) for value in scopes],
            "scope": scope,
            "rows": rows,
            "documents": documents,
            "items": items,
            "registered": tab in by_key,
            "next_cursor": next_cursor,
            "today": today,
            "cutoff": cutoff,
        },
    )


# --- The processing panel of a document ----------------------------------------------------------


@dataclass
class AssignmentView:
    assignment: Assignment
    children: list[AssignmentView] = field(default_factory=list)
    forms: dict[str, Any] = field(default_factory=dict)


def _handler_forms(
    assignment: Assignment, user: User, bound: dict[tuple[int, str], Any]
) -> dict[str, Any]:
    """The forms of whoever handles an assignment; a bound one (with errors) replaces its
    blank form."""
    forms: dict[str, Any] = {
        "progress": ProgressForm(),
        "complete": CompleteForm(user=user),
        "return": ReturnForm(top_level=assignment.parent_id is None),
    }
    if assignment.assignee_unit is not None and can_reassign(user, assignment):
        forms["reassign"] = ReassignForm(
            unit=assignment.assignee_unit,
            information_only=assignment.role == AssignmentRole.INFORMATION,
        )
    for name in forms:
        if (assignment.pk, name) in bound:
            forms[name] = bound[(assignment.pk, name)]
    return forms


def _panel(
    request: HttpRequest,
    document: Document,
    *,
    bound: dict[tuple[int, str], Any] | None = None,
    assign_form: AssignForm | None = None,
    present_form: PresentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = user_or_404(request)
    bound = bound or {}
    today = timezone.localdate()
    assignments = list(
        Assignment.objects.filter(document=document).for_list(today).order_by("assigned_at", "id")
    )
    views = {a.pk: AssignmentView(a) for a in assignments}
    top: list[AssignmentView] = []
    for assignment in assignments:
        view = views[assignment.pk]
        if assignment.parent_id in views:
            views[assignment.parent_id].children.append(view)
        else:
            top.append(view)
        if can_act_on(user, assignment):
            view.forms = _handler_forms(assignment, user, bound)

    agency = document.agency
    if assign_form is None and can_assign(user, document):
        assign_form = AssignForm(agency=agency, delegators=leader_delegators(user, agency))
    if present_form is None and can_present(user, document):
        present_form = PresentForm(agency=agency)
    replies = list(
        Draft.objects.visible_to(user)
        .filter(replies_to=document)
        .select_related("document_type", "document")
        .order_by("id")
    )
    return render(
        request,
        "workflows/document.html",
        {
            "document": document,
            "assignments": top,
            "history": ProcessingEntry.objects.of_document(document),
            "assign_form": assign_form,
            "present_form": present_form,
            "replies": replies,
            "can_reply": user.unit_id is not None
            and can_be_replied_to(document, agency_id=agency.pk),
            "today": today,
        },
        status=status,
    )


@login_required
def document_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, access_incoming(request.user, pk))


@login_required
def slip_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_incoming(request.user, pk)
    response = HttpResponse(render_slip_pdf(build_slip(document)), content_type="application/pdf")
    disposition = content_disposition_header(
        False, f"phieu-giai-quyet-{document.arrival_number or document.pk}.pdf"
    )
    response["Content-Disposition"] = disposition or "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def present(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_incoming(request.user, pk)
    form = PresentForm(request.POST, agency=document.agency)
    if form.is_valid():
        try:
            services.present_to_leader(
                actor=user_or_404(request), document=document, **form.cleaned_data
            )
            messages.success(
                request, _("Presented to %(name)s.") % {"name": form.cleaned_data["leader"]}
            )
            return redirect("workflows:document", pk=document.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return _panel(request, document, present_form=form)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_incoming(request.user, pk)
    user = user_or_404(request)
    form = AssignForm(
        request.POST, agency=document.agency, delegators=leader_delegators(user, document.agency)
    )
    if form.is_valid():
        try:
            created = services.assign(
                actor=user,
                document=document,
                assignees=form.assignees(),
                instruction=form.cleaned_data["instruction"],
                deadline=form.cleaned_data["deadline"],
                working_days=form.cleaned_data["working_days"],
                on_behalf_of=form.principal(),
            )
            messages.success(
                request, _("Assigned to %(count)s unit(s) or person(s).") % {"count": len(created)}
            )
            return redirect("workflows:document", pk=document.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return _panel(request, document, assign_form=form)


def _assignment_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Progress, completion, return and reassignment: one form each on an assignment."""
    assignment = access_assignment(request.user, pk)
    user = user_or_404(request)
    document = access_incoming(user, assignment.document_id)
    form: Any
    if name == "progress":
        form = ProgressForm(request.POST)
    elif name == "complete":
        form = CompleteForm(request.POST, user=user)
    elif name == "return":
        form = ReturnForm(request.POST, top_level=assignment.parent_id is None)
    else:
        if assignment.assignee_unit is None:
            messages.error(request, _("Only work given to a unit is handed on to its people."))
            return redirect("workflows:document", pk=document.pk)
        form = ReassignForm(
            request.POST,
            unit=assignment.assignee_unit,
            information_only=assignment.role == AssignmentRole.INFORMATION,
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if name == "progress":
                services.record_progress(actor=user, assignment=assignment, **data)
                message = _("Progress recorded.")
            elif name == "complete":
                services.complete(actor=user, assignment=assignment, **data)
                message = _("Marked as completed.")
            elif name == "return":
                services.return_document(actor=user, assignment=assignment, **data)
                message = _("Returned.")
            else:
                services.reassign(
                    actor=user,
                    assignment=assignment,
                    assignees=form.assignees(),
                    instruction=data["instruction"],
                    deadline=data.get("deadline"),
                    working_days=data.get("working_days"),
                )
                message = _("Handed on.")
            messages.success(request, message)
            return redirect("workflows:document", pk=document.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return _panel(request, document, bound={(assignment.pk, name): form})


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(request, pk, "progress")


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(request, pk, "complete")


@login_required
@require_POST
def return_document(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(request, pk, "return")


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(request, pk, "reassign")
