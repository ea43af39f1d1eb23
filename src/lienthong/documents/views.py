"""Pages of the official-documents app. Thin: parse input, check access, call one service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.accounts.models import User
from lienthong.core.http import clerk_or_404, form_errors

from . import services
from .constants import Direction, DocumentStatus, NumberStatus, RegisterKind
from .forms import (
    AttachmentForm,
    IncomingForm,
    IssueForm,
    OutgoingForm,
    PeriodForm,
    ReleaseForm,
    ReserveForm,
    SearchForm,
)
from .models import (
    Attachment,
    AttachmentVersion,
    Document,
    KeptUpload,
    NumberAllocation,
    Register,
)
from .permissions import access_attachment_version, access_document, access_register, can_register
from .prefill import suggest_fields, text_of
from .register_exports import export_register
from .search import apply_search, page_after

PAGE_SIZE = 25


@login_required
def document_list(request: HttpRequest, direction: str) -> HttpResponse:
    form = SearchForm(request.GET or None)
    queryset = Document.objects.visible_to(request.user).for_list().filter(direction=direction)
    rows, next_cursor = _search(form, queryset)
    return render(
        request,
        "documents/list.html",
        {
            "form": form,
            "documents": rows,
            "next_cursor": next_cursor,
            "direction": direction,
            "can_register": can_register(request.user),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    queryset = Document.objects.visible_to(request.user).for_list()
    rows, next_cursor = _search(form, queryset)
    return render(
        request,
        "documents/search.html",
        {
            "form": form,
            "documents": rows,
            "next_cursor": next_cursor,
            "query": form.cleaned_data.get("q", "") if form.is_valid() else "",
        },
    )


def _search(form: SearchForm, queryset: Any) -> tuple[list[Document], str]:
    if form.is_bound and not form.is_valid():
        return [], ""
    data = form.cleaned_data if form.is_bound else {}
    if data.get("direction"):
        queryset = queryset.filter(direction=data["direction"])
    if data.get("document_type"):
        queryset = queryset.filter(document_type=data["document_type"])
    if data.get("urgency") is not None:
        queryset = queryset.filter(urgency=data["urgency"])
    if data.get("register"):
        queryset = queryset.filter(register_id=data["register"])
    start, end = data.get("date_from"), data.get("date_to")
    if start or end:
        queryset = queryset.in_period(start or date(1900, 1, 1), end or date(9999, 12, 31))
    queryset = apply_search(queryset, data.get("q") or "")
    return page_after(queryset, data.get("after") or "", PAGE_SIZE)


@login_required
def register_incoming(request: HttpRequest) -> HttpResponse:
    clerk = clerk_or_404(request)
    if request.method == "POST" and "prefill" in request.POST:
        return _prefill_incoming(request, clerk)
    form = IncomingForm(request.POST or None, request.FILES or None)
    duplicates: list[Document] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        kept = data.pop("kept_file")
        try:
            with transaction.atomic():  # the document and its file: together or not at all
                result = services.register_incoming(actor=clerk, **data)
                if result.document is not None and upload is not None:
                    services.add_attachment(
                        actor=clerk, document=result.document, upload=upload, name=upload.name
                    )
                elif result.document is not None and kept:
                    services.attach_kept_upload(actor=clerk, document=result.document, token=kept)
            if result.document is None:
                duplicates = result.duplicates
                form.add_error(
                    "accept_duplicate",
                    _(
                        "A document with this number, symbol and issuing agency is already "
                        "registered. Check it, then tick the box to register this one anyway."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Registered as arrival number %(number)s.")
                    % {"number": result.document.arrival_number},
                )
                return redirect("documents:detail", pk=result.document.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    if request.method == "POST":
        _keep_for_next_submission(form, clerk, request.FILES.get("file"))
    return render(
        request,
        "documents/incoming_form.html",
        {"form": form, "duplicates": duplicates, "kept_name": _kept_name(form, clerk)},
    )


def _keep_for_next_submission(form: IncomingForm, clerk: User, upload: Any) -> None:
    """The form is shown again: keep the file chosen this time, so the clerk need not choose it
    again; the form carries the upload's single-use token."""
    if upload is None or form.has_error("file"):
        return
    try:
        kept = services.keep_upload(actor=clerk, upload=upload, name=upload.name or "")
    except ValidationError as exc:  # shown once, whether or not registration said it already
        unseen = [m for m in exc.messages if m not in form.non_field_errors()]
        if unseen:
            form.add_error("file", unseen)
        return
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["kept_file"] = kept.token
    form.data = data


def _kept_name(form: IncomingForm, clerk: User) -> str:
    token = form["kept_file"].value() if form.is_bound else form.initial.get("kept_file")
    if not token:
        return ""
    usable = KeptUpload.objects.usable_by(clerk).filter(token=token)
    return usable.values_list("name", flat=True).first() or ""


def _prefill_incoming(request: HttpRequest, clerk: User) -> HttpResponse:
    """Đọc thông tin từ tệp: check and keep the uploaded file, suggest the fields found in its
    text; the clerk checks them and registers."""
    upload = request.FILES.get("file")
    data = request.POST.copy()
    message = ""
    if upload is None:
        message = _("Choose the document's file first.")
    else:
        try:
            kept = services.keep_upload(
                actor=clerk, upload=upload, name=upload.name or "tep-dinh-kem"
            )
            data["kept_file"] = kept.token
            suggestions = suggest_fields(text_of(kept.blob.storage_name, kept.blob.content_type))
        except ValidationError as exc:
            message = " ".join(exc.messages)
        else:
            for name, value in suggestions.items():
                if not data.get(name):
                    data[name] = value.pk if hasattr(value, "pk") else str(value)
            message = (
                _("Filled in from the file: check every field before registering.")
                if suggestions
                else _("Nothing could be read from this file; fill in the fields by hand.")
            )
    form = IncomingForm(initial=data.dict())
    return render(
        request,
        "documents/incoming_form.html",
        {
            "form": form,
            "duplicates": [],
            "prefill_message": message,
            "kept_name": _kept_name(form, clerk),
        },
    )


@login_required
def record_outgoing(request: HttpRequest) -> HttpResponse:
    clerk = clerk_or_404(request)
    agency = clerk.agency
    assert agency is not None
    replaces_pk = request.GET.get("replaces") or request.POST.get("replaces")
    if replaces_pk:
        # A replacement (văn bản thay thế) is drafted, reviewed, signed and issued: a draft.
        replaced = access_document(clerk, replaces_pk)
        return redirect("drafting:replace", document_pk=replaced.pk)
    form = OutgoingForm(request.POST or None, request.FILES or None, agency=agency)
    replaces = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        data["replaces"] = replaces
        try:
            with transaction.atomic():
                document = services.record_outgoing(actor=clerk, **data)
                if upload is not None:
                    services.add_attachment(
                        actor=clerk, document=document, upload=upload, name=upload.name
                    )
            messages.success(
                request, _("The outgoing document is recorded; issue it to give it a number.")
            )
            return redirect("documents:detail", pk=document.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return render(request, "documents/outgoing_form.html", {"form": form, "replaces": replaces})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    attachments = Attachment.objects.filter(document=document).prefetch_related(
        Prefetch(
            "versions",
            queryset=AttachmentVersion.objects.select_related(
                "blob", "blob__verification", "uploaded_by"
            ).order_by("-version"),
        )
    )
    issue_form = None
    if (
        document.direction == Direction.OUTGOING
        and document.status == "draft"
        and can_register(request.user)
    ):
        issue_form = IssueForm(reservations=_reservations(document))
    # exchange's deliveries, through the reverse relations (documents imports no app above it)
    deliveries = list(document.deliveries.select_related("recipient"))
    delivery = getattr(document, "delivery", None)  # the delivery that brought this copy, if any
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "attachments": attachments,
            "issue_form": issue_form,
            "attachment_form": AttachmentForm() if can_register(request.user) else None,
            "can_replace_files": can_register(request.user) and not document.is_final,
            "can_send_replacement": (
                can_register(request.user)
                and document.direction == Direction.OUTGOING
                and document.status == DocumentStatus.ISSUED
            ),
            "recipients": document.recipient_agencies.all(),
            "deliveries": deliveries,
            "delivery": delivery,
            "can_act": can_register(request.user),
        },
    )


def _reservations(document: Document) -> Any:
    return NumberAllocation.objects.filter(
        register__agency=document.agency,
        register__kind__in=[RegisterKind.OUTGOING, RegisterKind.OUTGOING_CONFIDENTIAL],
        status=NumberStatus.RESERVED,
    ).select_related("register")


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    clerk = clerk_or_404(request)
    form = IssueForm(request.POST, reservations=_reservations(document))
    if form.is_valid():
        try:
            document = services.issue_outgoing(
                actor=clerk,
                document=document,
                reservation=form.cleaned_data["reservation"],
                issued_date=form.cleaned_data["issued_date"],
            )
            messages.success(
                request, _("Issued as %(number)s.") % {"number": document.number_and_symbol}
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("documents:detail", pk=document.pk)


@login_required
@require_POST
def add_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    clerk = clerk_or_404(request)
    form = AttachmentForm(request.POST, request.FILES)
    replaces = None
    if form.is_valid() and form.cleaned_data["replaces"] is not None:
        replaces = Attachment.objects.filter(
            document=document, pk=form.cleaned_data["replaces"]
        ).first()
        if replaces is None:
            raise Http404
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.add_attachment(
                actor=clerk,
                document=document,
                upload=upload,
                name=upload.name,
                title=form.cleaned_data["title"],
                replaces=replaces,
            )
            messages.success(request, _("File attached; its text is being read in the background."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("documents:detail", pk=document.pk)


@login_required
def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    version = access_attachment_version(request.user, pk)
    inline = version.blob.content_type == "application/pdf" and request.GET.get("download") is None
    response = FileResponse(
        default_storage.open(version.blob.storage_name, "rb"),
        content_type=version.blob.content_type,
        as_attachment=not inline,
        filename=version.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Inline PDFs need the browser's own viewer (a plugin, hence object-src); everything else
    # is a download that must never run as a page.
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'self'" if inline else "default-src 'none'; sandbox"
    )
    return response


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    registers = Register.objects.visible_to(request.user).select_related("document_type")
    return render(
        request,
        "documents/register_list.html",
        {"registers": registers, "can_register": can_register(request.user)},
    )


@login_required
def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    register = access_register(request.user, pk)
    today = timezone.localdate()
    form = PeriodForm(
        request.GET
        or {
            "date_from": date(register.year, 1, 1),
            "date_to": min(today, date(register.year, 12, 31)),
        }
    )
    rows: list[Document] = []
    if form.is_valid():
        rows = list(
            Document.objects.visible_to(request.user)
            .filter(register=register)
            .in_period(form.cleaned_data["date_from"], form.cleaned_data["date_to"])
            .select_related("document_type", "drafting_unit")
            .prefetch_related("recipient_agencies")
            .order_by(
                "arrival_number" if register.kind == RegisterKind.INCOMING else "register_number"
            )
        )
        export = request.GET.get("format")
        if export in {"pdf", "xlsx"}:
            return export_register(
                register, rows, form.cleaned_data["date_from"], form.cleaned_data["date_to"], export
            )
    allocations = register.allocations.exclude(status=NumberStatus.USED).select_related(
        "allocated_by"
    )
    return render(
        request,
        "documents/register_detail.html",
        {
            "register": register,
            "form": form,
            "rows": rows,
            "allocations": allocations,
            "reserve_form": ReserveForm()
            if can_register(request.user) and register.kind != RegisterKind.INCOMING
            else None,
        },
    )


@login_required
@require_POST
def reserve(request: HttpRequest, pk: int) -> HttpResponse:
    register = access_register(request.user, pk)
    clerk = clerk_or_404(request)
    form = ReserveForm(request.POST)
    if form.is_valid():
        try:
            allocation = services.reserve_number(
                actor=clerk, register=register, note=form.cleaned_data["note"]
            )
            messages.success(
                request, _("Number %(number)s is reserved.") % {"number": allocation.number}
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("documents:register", pk=register.pk)


@login_required
@require_POST
def release(request: HttpRequest, pk: int, allocation_pk: int) -> HttpResponse:
    register = access_register(request.user, pk)
    clerk = clerk_or_404(request)
    allocation = NumberAllocation.objects.filter(register=register, pk=allocation_pk).first()
    if allocation is None:
        raise Http404
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.release_number(
                actor=clerk, allocation=allocation, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("Number %(number)s is released.") % {"number": allocation.number}
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Say why the number is released."))
    return redirect("documents:register", pk=register.pk)
