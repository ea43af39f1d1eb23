"""Pages of drafts. Thin: parse input, find the draft through the access chokepoint (404 for
missing and forbidden alike), call one service, show the result."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienthong.accounts.models import User
from lienthong.core.http import form_errors, official_or_404
from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.permissions import access_document
from lienthong.exchange.axis_services import addressees_of, set_addressees
from lienthong.signatures import services as signatures

from . import services
from .constants import DraftAction, DraftState
from .forms import (
    ApproveForm,
    CommentRequestForm,
    DecisionForm,
    DraftForm,
    IssueForm,
    NewDraftForm,
    NoteForm,
    RequiredNoteForm,
    SignDigitallyForm,
    SignOffForm,
    VersionForm,
)
from .models import Draft, DraftEvent, DraftVersion, ReviewStep
from .permissions import (
    access_draft,
    access_draft_version,
    allowed_actions,
    authorise,
    can_edit,
    is_personally_signed,
)

PAGE_SIZE = 50


def _flash_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


# --- Lists ---------------------------------------------------------------------------------------

BOXES = {
    "mine": gettext_lazy("My drafts"),
    "awaiting": gettext_lazy("Awaiting my action"),
    "all": gettext_lazy("All drafts I can see"),
}


@login_required
def draft_list(request: HttpRequest, box: str) -> HttpResponse:
    user = official_or_404(request)
    drafts = Draft.objects.visible_to(user).for_list()
    if box == "mine":
        drafts = drafts.created_by_user(user)
    elif box == "awaiting":
        drafts = drafts.awaiting_action_of(user)
    before = request.GET.get("before", "")
    if before.isdigit():
        drafts = drafts.filter(pk__lt=int(before))
    rows = list(drafts.order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "drafting/list.html",
        {
            "box": box,
            "boxes": BOXES,
            "title": BOXES[box],
            "drafts": rows,
            "next_before": rows[-1].pk if more else None,
        },
    )


# --- Creating and editing ------------------------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    assert user.agency is not None
    form = NewDraftForm(request.POST or None, request.FILES or None, agency=user.agency)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        axis = form.pop_axis_recipients(data, [])
        try:
            with transaction.atomic():
                draft = services.create_draft(
                    actor=user,
                    upload=upload,
                    file_name=upload.name if upload is not None else "",
                    **data,
                )
                set_addressees(obj=draft, agencies=axis, confidentiality=draft.confidentiality)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(draft)
    return render(request, "drafting/form.html", {"form": form, "draft": None})


@login_required
def replace_document(request: HttpRequest, document_pk: int) -> HttpResponse:
    """Gửi văn bản thay thế: a new draft correcting an issued document, prefilled with its
    particulars; it goes through review, signature and issue like any draft."""
    replaced = access_document(request.user, document_pk)
    user = official_or_404(request)
    assert user.agency is not None
    if not (
        replaced.agency_id == user.agency.pk
        and replaced.direction == Direction.OUTGOING
        and replaced.status == DocumentStatus.ISSUED
    ):
        raise PermissionDenied(_("Only an issued document of your agency can be replaced."))
    source = getattr(replaced, "draft", None)
    initial = {
        "document_type": replaced.document_type_id,
        "subject": replaced.subject,
        "urgency": replaced.urgency,
        "confidentiality": replaced.confidentiality,
        "recipient_agencies": list(replaced.recipient_agencies.values_list("pk", flat=True)),
        "external_recipients": replaced.external_recipients,
    }
    if source is not None:
        initial.update(
            signer=source.signer_id,
            signing_authority=source.signing_authority,
            on_behalf_of=source.on_behalf_of_id,
        )
    return _linked_draft(
        request,
        user,
        initial,
        link={"replaces": replaced},
        saved=_("The replacement draft is saved; issuing it will recall %(number)s.")
        % {"number": replaced.number_and_symbol},
        context={"replaces": replaced},
    )


def _linked_draft(
    request: HttpRequest,
    user: User,
    initial: dict[str, Any],
    *,
    link: dict[str, Any],
    saved: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The new-draft form for a draft born linked to a document (a replacement, a reply)."""
    assert user.agency is not None
    form = NewDraftForm(
        request.POST or None, request.FILES or None, initial=initial, agency=user.agency
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        axis = form.pop_axis_recipients(data, [])
        try:
            with transaction.atomic():
                draft = services.create_draft(
                    actor=user,
                    upload=upload,
                    file_name=upload.name if upload is not None else "",
                    **link,
                    **data,
                )
                set_addressees(obj=draft, agencies=axis, confidentiality=draft.confidentiality)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, saved)
            return redirect(draft)
    return render(request, "drafting/form.html", {"form": form, "draft": None, **context})


@login_required
def reply(request: HttpRequest, document_pk: int) -> HttpResponse:
    """Soạn văn bản trả lời: a new draft answering a registered incoming document, linked to it
    (the link shows on the draft and on the incoming document's processing panel), prefilled
    with its sender as recipient; it goes through review, signature and issue like any draft."""
    incoming = access_document(request.user, document_pk)
    user = official_or_404(request)
    assert user.agency is not None
    if not services.can_be_replied_to(incoming, agency_id=user.agency.pk):
        raise PermissionDenied(
            _("Only a registered incoming document of your agency can be answered.")
        )
    initial: dict[str, Any] = {
        "subject": _("Reply to %(document)s")
        % {"document": f"{incoming.number_and_symbol} — {incoming.subject}"[:400]},
        "urgency": incoming.urgency,
        "confidentiality": incoming.confidentiality,
    }
    if incoming.issuer_agency_id is not None:
        initial["recipient_agencies"] = [incoming.issuer_agency_id]
    else:
        initial["external_recipients"] = incoming.issuer_name
    return _linked_draft(
        request,
        user,
        initial,
        link={"replies_to": incoming},
        saved=_("The reply draft is saved."),
        context={"replies_to": incoming},
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access_draft(request.user, pk)
    user = official_or_404(request)
    if not can_edit(user, draft):
        raise PermissionDenied(_("Only the drafter may change this draft, before review."))
    initial = {
        "document_type": draft.document_type,
        "subject": draft.subject,
        "urgency": draft.urgency,
        "confidentiality": draft.confidentiality,
        "recipient_agencies": list(draft.recipient_agencies.all()),
        "external_recipients": draft.external_recipients,
        "signer": draft.signer,
        "signing_authority": draft.signing_authority,
        "on_behalf_of": draft.on_behalf_of,
    }
    before_axis = addressees_of(draft)
    initial["axis_recipients"] = before_axis
    form = DraftForm(request.POST or None, initial=initial, agency=draft.agency)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        axis = form.pop_axis_recipients(data, before_axis)
        try:
            with transaction.atomic():
                services.update_draft(actor=user, draft=draft, **data)
                set_addressees(obj=draft, agencies=axis, confidentiality=draft.confidentiality)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(draft)
    return render(request, "drafting/form.html", {"form": form, "draft": draft})


# --- The draft page ------------------------------------------------------------------------------


def _action_forms(draft: Draft, allowed: set[str]) -> dict[str, Form]:
    """A blank form for each action `user` may take on the draft (but signing and issuing)."""
    forms: dict[str, Form] = {}
    if DraftAction.UPLOAD in allowed:
        forms["upload"] = VersionForm()
    if DraftAction.SUBMIT in allowed:
        forms["submit"] = NoteForm()
    if DraftAction.REVIEW in allowed:
        forms["review"] = DecisionForm()
    if DraftAction.REQUEST_COMMENTS in allowed:
        forms["request_comments"] = CommentRequestForm(
            agency=draft.agency, exclude_unit_id=draft.drafting_unit_id
        )
    if DraftAction.COMMENT in allowed:
        forms["comment"] = RequiredNoteForm()
    if DraftAction.SEND_TO_SIGNER in allowed:
        forms["send_to_signer"] = NoteForm()
    if DraftAction.SIGN_DIGITALLY in allowed:
        forms["sign_digitally"] = SignDigitallyForm()
    if DraftAction.WITHDRAW in allowed:
        forms["withdraw"] = RequiredNoteForm()
    return forms


def _sign_forms(user: User, draft: Draft, forms: dict[str, Form], signing: dict[str, Any]) -> None:
    """The signer's forms. Approving is signing for a signer with a certificate; without one,
    approving unsigned is offered only when the document may be issued unsigned (the agency's
    policy)."""
    signs = services.approval_needs_signature(draft, actor=user)
    signing["approve_signs"] = signs
    signing["approve_unsigned_refused"] = not signs and services.signing_required(draft)
    if not signing["approve_unsigned_refused"]:
        forms["approve"] = ApproveForm(signs=signs)
    forms["return"] = RequiredNoteForm()


def _issue_form(draft: Draft, forms: dict[str, Form], signing: dict[str, Any]) -> None:
    """The clerk's form: refused while a required signature is missing; the agency's seal is
    asked for when required, offered when the signer signed and the agency has a certificate,
    and otherwise the document is issued on paper."""
    signing["issue_refused"] = signing["required"] and not signing["signed"]
    if signing["issue_refused"]:
        return
    issue_form = IssueForm()
    seal_field = issue_form.fields["signing_secret"]
    if signing["required"]:
        seal_field.required = True
    elif not (signing["signed"] and signatures.has_agency_credential(draft.agency)):
        del issue_form.fields["signing_secret"]
    forms["issue"] = issue_form
    signing["issue_on_paper"] = "signing_secret" not in issue_form.fields


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access_draft(request.user, pk)
    user = official_or_404(request)
    allowed = set(allowed_actions(user, draft))
    versions = DraftVersion.objects.filter(draft=draft).select_related("blob", "uploaded_by")
    steps = ReviewStep.objects.filter(draft=draft).select_related(
        "unit", "assignee", "decided_by", "decided_on_behalf_of"
    )
    rounds = [(number, list(group)) for number, group in groupby(steps, key=lambda s: s.round)]
    events = DraftEvent.objects.filter(draft=draft).select_related(
        "actor", "on_behalf_of", "version"
    )
    forms = _action_forms(draft, allowed)
    signing: dict[str, Any] = {}
    if DraftAction.SIGN in allowed:
        _sign_forms(user, draft, forms, signing)
    if draft.state in {DraftState.APPROVED, DraftState.ISSUED}:
        signing["signed"] = is_personally_signed(draft.signed_version)
        signing["required"] = services.signing_required(draft)
    if DraftAction.ISSUE in allowed:
        _issue_form(draft, forms, signing)
    return render(
        request,
        "drafting/detail.html",
        {
            "draft": draft,
            "versions": versions,
            "rounds": rounds,
            "events": events,
            "recipients": draft.recipient_agencies.all(),
            "axis_recipients": addressees_of(draft),
            "allowed": allowed,
            "forms": forms,
            "signature_line": services.signature_line(draft),
            "is_issued": draft.state == DraftState.ISSUED,
            "signing": signing,
            "remote_signing": _remote_signing(request.user, draft, allowed),
        },
    )


@login_required
def version_file(request: HttpRequest, pk: int) -> FileResponse:
    version = access_draft_version(request.user, pk)
    response = FileResponse(
        default_storage.open(version.blob.storage_name, "rb"),
        content_type=version.blob.content_type,
        as_attachment=True,
        filename=version.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Actions -------------------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    pk: int,
    form_class: Callable[..., Form],
    call: Callable[[User, Draft, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """Find the draft (404), parse the form, call the service; a refusal by the service is a
    403, its validation errors are shown on the draft page."""
    draft = access_draft(request.user, pk)
    user = official_or_404(request)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(user, draft, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
    else:
        _flash_errors(request, form)
    return redirect(draft)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        VersionForm,
        lambda user, draft, data: services.upload_version(
            actor=user, draft=draft, upload=data["file"], name=data["file"].name, note=data["note"]
        ),
        _("The new version is uploaded."),
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        NoteForm,
        lambda user, draft, data: services.submit_for_review(
            actor=user, draft=draft, comment=data["comment"]
        ),
        _("The draft is submitted to the unit leader."),
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        DecisionForm,
        lambda user, draft, data: services.review(
            actor=user, draft=draft, decision=data["decision"], comment=data["comment"]
        ),
        _("Your decision is recorded."),
    )


@login_required
@require_POST
def request_comments(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access_draft(request.user, pk)

    def form_class(*args: Any) -> Form:
        return CommentRequestForm(
            *args, agency=draft.agency, exclude_unit_id=draft.drafting_unit_id
        )

    return _act(
        request,
        pk,
        form_class,
        lambda user, draft, data: services.request_comments(
            actor=user,
            draft=draft,
            units=list(data["units"]),
            mode=data["mode"],
            note=data["comment"],
        ),
        _("Comments are requested."),
    )


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        RequiredNoteForm,
        lambda user, draft, data: services.give_comment(
            actor=user, draft=draft, comment=data["comment"]
        ),
        _("Your comment is recorded."),
    )


@login_required
@require_POST
def send_to_signer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        NoteForm,
        lambda user, draft, data: services.send_to_signer(
            actor=user, draft=draft, comment=data["comment"]
        ),
        _("The draft is sent to the signer."),
    )


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        SignOffForm,
        lambda user, draft, data: services.sign_off(
            actor=user,
            draft=draft,
            decision=data["decision"],
            comment=data["comment"],
            upload=data["file"],
            file_name=data["file"].name if data["file"] is not None else "",
            signing_secret=data.get("signing_secret") or None,
        ),
        _("Your decision is recorded."),
    )


@login_required
@require_POST
def sign_digitally(request: HttpRequest, pk: int) -> HttpResponse:
    authorise(official_or_404(request), access_draft(request.user, pk), DraftAction.SIGN_DIGITALLY)
    return _act(
        request,
        pk,
        SignDigitallyForm,
        lambda user, draft, data: services.sign_draft(
            actor=user, draft=draft, secret=data["signing_secret"]
        ),
        _("The draft is digitally signed."),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        RequiredNoteForm,
        lambda user, draft, data: services.withdraw(
            actor=user, draft=draft, reason=data["comment"]
        ),
        _("The draft is withdrawn."),
    )


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access_draft(request.user, pk)
    user = official_or_404(request)
    form = IssueForm(request.POST)
    if not form.is_valid():
        _flash_errors(request, form)
        return redirect(draft)
    try:
        draft = services.issue_draft(
            actor=user,
            draft=draft,
            issued_date=form.cleaned_data["issued_date"],
            signing_secret=form.cleaned_data.get("signing_secret") or None,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(draft)
    assert draft.document is not None
    messages.success(
        request, _("Issued as %(number)s.") % {"number": draft.document.number_and_symbol}
    )
    return redirect("documents:detail", pk=draft.document.pk)


# --- Remote signing (ký số từ xa) ---------------------------------------------------------------


def _remote_signing(user: Any, draft: Draft, allowed: set[str]) -> dict[str, Any]:
    """What the draft page shows of remote signing: the button to sign with the remote service
    (the signer's certificate is held there), or the request awaiting the phone."""
    pending = None
    if draft.state == DraftState.AWAITING_SIGNATURE_CONFIRMATION:
        pending = signatures.pending_remote_signature(services.REMOTE_PURPOSE, draft.pk)
    return {
        "can_start": DraftAction.SIGN in allowed
        and signatures.remote_personal_credential(user) is not None,
        "pending": pending,
        "is_requester": pending is not None and pending.requested_by_id == user.pk,
        "form": NoteForm(),
    }


@login_required
@require_POST
def remote_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        NoteForm,
        lambda user, draft, data: services.start_remote_signing(
            actor=user, draft=draft, comment=data.get("comment", "")
        ),
        _("Confirm the signature on your phone (remote signing service)."),
    )


@login_required
@require_POST
def remote_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Form,
        lambda user, draft, data: services.refresh_remote_signing(actor=user, draft=draft),
        _("The remote signing service was asked again."),
    )


@login_required
@require_POST
def remote_abandon(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Form,
        lambda user, draft, data: services.abandon_remote_signing(actor=user, draft=draft),
        _("The remote signature was cancelled; the draft can be signed again."),
    )
