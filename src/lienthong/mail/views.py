"""Pages of official e-mail. Thin: parse input, check access, call one service, render."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lienthong.core.http import form_errors, official_or_404
from lienthong.documents.prefill import suggest_fields, text_of
from lienthong.drafting.permissions import access_draft

from . import digest, directory, services
from .forms import (
    DismissForm,
    MailboxForm,
    RecipientForm,
    RegisterMailForm,
    RuleForm,
    SearchForm,
)
from .models import EmailRecipient, IncomingMail, IntakeRule, Mailbox, MailStatus
from .permissions import (
    access_mail,
    access_mailbox,
    access_recipient,
    access_rule,
    can_edit_recipients,
    can_handle_mail,
    can_manage_mailboxes,
    can_use_mail,
)


def index(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    return redirect("mail:inbox" if can_use_mail(user) else "mail:directory")


def inbox(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if not can_use_mail(user):
        raise Http404
    agency_id = user.agency_id
    assert agency_id is not None
    mail = IncomingMail.objects.filter(agency_id=agency_id).select_related("mailbox")
    return render(
        request,
        "mail/inbox.html",
        {
            "pending": mail.filter(status=MailStatus.PENDING).order_by("-created_at"),
            "decided": mail.exclude(status=MailStatus.PENDING).order_by("-updated_at")[:30],
            "failing": Mailbox.objects.filter(agency_id=agency_id, failures__gt=0),
            "can_manage": can_manage_mailboxes(user),
        },
    )


def _prefill(mail: IncomingMail) -> dict[str, Any]:
    """The registration fields read from the first PDF or DOCX accepted, completed from the
    mail itself (as the registration page's "fill in from the file")."""
    initial: dict[str, Any] = {
        "subject": mail.subject,
        "issuer_name": mail.sender_name or mail.sender,
        "issued_date": timezone.localdate(mail.sent_at) if mail.sent_at else None,
    }
    for attachment in mail.attachments.filter(blob__isnull=False).select_related("blob"):
        assert attachment.blob is not None
        kind = attachment.blob.content_type
        if kind == "application/pdf" or kind.endswith("wordprocessingml.document"):
            with contextlib.suppress(Exception):  # a suggestion only: never an error
                initial.update(suggest_fields(text_of(attachment.blob.storage_name, kind)))
            break
    return initial


def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    mail = access_mail(user, pk)
    form = None
    duplicates: list[Any] = []
    if mail.status == MailStatus.PENDING:
        if request.method == "POST":
            form = RegisterMailForm(request.POST)
            if form.is_valid():
                try:
                    registration = services.register_mail(
                        actor=user,
                        mail=mail,
                        **form.cleaned_data,
                    )
                except ValidationError as exc:
                    form_errors(form, exc)
                else:
                    if registration.document is not None:
                        messages.success(
                            request,
                            _("Registered with arrival number %(number)s.")
                            % {"number": registration.document.arrival_number},
                        )
                        return redirect("documents:detail", pk=registration.document.pk)
                    duplicates = registration.duplicates
        else:
            form = RegisterMailForm(initial=_prefill(mail))
    return render(
        request,
        "mail/incoming_detail.html",
        {
            "mail": mail,
            "attachments": mail.attachments.select_related("blob"),
            "form": form,
            "dismiss_form": DismissForm() if form is not None else None,
            "duplicates": duplicates,
        },
    )


@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    mail = access_mail(user, pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.dismiss_mail(
                actor=user,
                mail=mail,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The mail was dismissed; it is kept."))
            return redirect("mail:inbox")
    else:
        messages.error(request, _("Say why this mail is not registered."))
    return redirect(mail)


def eml(request: HttpRequest, pk: int) -> FileResponse:
    mail = access_mail(request.user, pk)
    response = FileResponse(
        default_storage.open(mail.eml_name, "rb"), content_type="message/rfc822"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"thu-{mail.pk}.eml"
    )
    return response


def mailboxes(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    agency_id = user.agency_id
    if not can_manage_mailboxes(user) or agency_id is None:
        raise Http404
    form = MailboxForm(request.POST or None, instance=Mailbox(agency_id=agency_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mailbox(
                actor=user, mailbox=form.save(commit=False), secret=form.cleaned_data["secret"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The mailbox was saved; it is read within a minute."))
            return redirect("mail:mailboxes")
    return render(
        request,
        "mail/mailboxes.html",
        {
            "mailboxes": Mailbox.objects.filter(agency_id=agency_id),
            "form": form,
        },
    )


def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    mailbox = access_mailbox(user, pk)
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mailbox(
                actor=user, mailbox=form.save(commit=False), secret=form.cleaned_data["secret"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The mailbox was saved; it is read within a minute."))
            return redirect("mail:mailboxes")
    return render(request, "mail/mailbox_form.html", {"mailbox": mailbox, "form": form})


def _rule_admin(request: HttpRequest) -> tuple[Any, int]:
    user = official_or_404(request)
    if not can_manage_mailboxes(user) or user.agency_id is None:
        raise Http404
    return user, user.agency_id


def rules(request: HttpRequest) -> HttpResponse:
    """The agency's intake rules: which mail of which mailbox goes to the agency's register."""
    user, agency_id = _rule_admin(request)
    form = RuleForm(
        request.POST or None, instance=IntakeRule(agency_id=agency_id), agency_id=agency_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(actor=user, rule=form.save(commit=False))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The rule was saved; it applies to mail read from now."))
            return redirect("mail:rules")
    return render(
        request,
        "mail/rules.html",
        {
            "rules": IntakeRule.objects.filter(agency_id=agency_id).select_related("mailbox"),
            "mailboxes": Mailbox.objects.filter(agency_id=agency_id).select_related("agency"),
            "form": form,
        },
    )


def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, agency_id = _rule_admin(request)
    rule = access_rule(user, pk)
    form = RuleForm(request.POST or None, instance=rule, agency_id=agency_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(actor=user, rule=form.save(commit=False))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The rule was saved; it applies to mail read from now."))
            return redirect("mail:rules")
    return render(request, "mail/rule_form.html", {"rule": rule, "form": form})


@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user, _agency_id = _rule_admin(request)
    rule = access_rule(user, pk)
    services.delete_rule(actor=user, rule=rule)
    messages.success(request, _("The rule was deleted."))
    return redirect("mail:rules")


def digest_settings(request: HttpRequest) -> HttpResponse:
    """The official's own choice of the daily digest."""
    user = official_or_404(request)
    if request.method == "POST":
        if request.POST.get("enabled"):
            try:
                digest.subscribe(actor=user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The daily digest is on."))
        elif digest.unsubscribe(user=user):
            messages.success(request, _("The daily digest is stopped."))
        return redirect("mail:digest")
    return render(
        request,
        "mail/digest.html",
        {
            "subscribed": digest.is_subscribed(user),
            "can_subscribe": digest.can_subscribe(user),
            "hour": settings.LIENTHONG_MAIL_DIGEST_HOUR,
        },
    )


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs come without a form
def digest_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The opt-out link of every digest: a page asking to confirm (a GET changes nothing: mail
    scanners open links), and the one-click POST of RFC 8058."""
    person = digest.user_of_token(token)
    if person is None:
        raise Http404
    done = False
    if request.method == "POST":
        digest.unsubscribe(user=person, via="link")
        done = True
    return render(request, "mail/digest_opt_out.html", {"done": done, "person": person.full_name})


def draft_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    draft = access_draft(user, pk)
    editable = can_edit_recipients(user, draft)
    form = RecipientForm(request.POST or None) if editable else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.add_recipient(
                    actor=user,
                    draft=draft,
                    address=form.cleaned_data["address"] or "",
                    name=form.cleaned_data["name"],
                    agency=form.cleaned_data["agency"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The e-mail recipient was added."))
                return redirect("mail:draft-recipients", pk=draft.pk)
    return render(
        request,
        "mail/draft_recipients.html",
        {
            "draft": draft,
            "recipients": EmailRecipient.objects.filter(draft=draft),
            "form": form,
        },
    )


@require_POST
def remove_recipient(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    recipient = access_recipient(user, pk)
    try:
        services.remove_recipient(actor=user, recipient=recipient)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The e-mail recipient was removed."))
    return redirect("mail:draft-recipients", pk=recipient.draft_id)


def directory_page(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = list(directory.people(query, user)[:300])
    for person in people:
        person.shown_phone = directory.phone_for(user, person)  # type: ignore[attr-defined]
    return render(
        request,
        "mail/directory.html",
        {
            "form": form,
            "agencies": directory.agencies(query)[:200],
            "people": people,
            "query": query,
        },
    )


def directory_vcard(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    response = HttpResponse(directory.vcards(user), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="danh-ba.vcf"
    )
    return response


def directory_ldif(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    response = HttpResponse(directory.ldif(user), content_type="text/x-ldif; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="danh-ba.ldif"
    )
    return response


__all__ = ["can_handle_mail"]
