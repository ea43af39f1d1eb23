"""Pages of the exchange over the document axis: a document's packages and per-recipient
statuses (sending to axis agencies from there), the original package as evidence, and the
axis' agency directory."""

from __future__ import annotations

import io
import zipfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lienthong.core.http import clerk_or_404, official_or_404
from lienthong.core.widgets import PickerSelectMultiple
from lienthong.documents.models import Document
from lienthong.documents.permissions import access_document

from . import axis_services
from .axis import AxisError
from .models import AxisAgency, AxisDelivery, AxisPackage, AxisReceipt
from .permissions import (
    access_request,
    can_send_axis,
    can_sync_directory,
    can_view_axis,
    requests_answerable_by,
)


class AxisRecipientsForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agencies on the document axis"),
        queryset=AxisAgency.objects.filter(is_active=True),
        widget=PickerSelectMultiple(attrs={"size": 8}),
    )


@login_required
@require_GET
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = official_or_404(request)
    document = access_document(user, pk)
    if not can_view_axis(user, document):
        raise Http404
    return _render(request, document, AxisRecipientsForm())


def _render(request: HttpRequest, document: Document, form: AxisRecipientsForm) -> HttpResponse:
    deliveries = list(AxisDelivery.objects.of_document(document.pk).prefetch_related("events"))
    packages = AxisPackage.objects.filter(document=document).defer("raw")
    receipts = AxisReceipt.objects.filter(incoming=document)
    return render(
        request,
        "exchange/axis_document.html",
        {
            "document": document,
            "deliveries": deliveries,
            "packages": packages,
            "receipts": receipts,
            "form": form if can_send_axis(request.user, document) else None,
            "axis_enabled": axis_services.axis_enabled(),
        },
    )


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    clerk = clerk_or_404(request)
    document = access_document(clerk, pk)
    if not can_send_axis(clerk, document):
        raise Http404
    form = AxisRecipientsForm(request.POST)
    if not form.is_valid():
        return _render(request, document, form)
    try:
        deliveries = axis_services.send_over_axis(
            actor=clerk, document=document, agencies=list(form.cleaned_data["agencies"])
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("exchange:axis-document", pk=pk)
    messages.success(
        request,
        _("%(count)s package(s) will be sent over the document axis.") % {"count": len(deliveries)},
    )
    return redirect("exchange:axis-document", pk=pk)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send again a delivery of this document that the axis refused (its id posted)."""
    clerk = clerk_or_404(request)
    document = access_document(clerk, pk)
    if not can_send_axis(clerk, document):
        raise Http404
    delivery = AxisDelivery.objects.filter(
        outgoing=document, pk=_int(request.POST.get("delivery"))
    ).first()
    if delivery is None:
        messages.error(request, _("Choose a delivery of this document."))
        return redirect("exchange:axis-document", pk=pk)
    try:
        axis_services.retry_delivery(actor=clerk, delivery=delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The package will be sent again."))
    return redirect("exchange:axis-document", pk=pk)


def _int(value: str | None) -> int:
    """A posted or queried id; 0 (no row has it) when it is not a number."""
    try:
        return int(value or "")
    except ValueError:
        return 0


@login_required
@require_GET
def packages(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence: one package exactly as it travelled (`?id=`), or every package of the
    document as a ZIP of the original files with their SHA-256 in a manifest."""
    user = official_or_404(request)
    document = access_document(user, pk)
    if not can_view_axis(user, document):
        raise Http404
    rows = AxisPackage.objects.filter(document=document).order_by("created_at", "id")
    wanted = request.GET.get("id")
    if wanted is not None:
        row = rows.filter(pk=_int(wanted)).first()
        if row is None:
            raise Http404
        response = HttpResponse(bytes(row.raw), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{row.file_name}"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = []
        for row in rows:
            archive.writestr(row.file_name, bytes(row.raw))
            lines.append(f"{row.sha256}  {row.file_name}  {row.created_at.isoformat()}")
        archive.writestr("SHA256SUMS", "\n".join(lines) + "\n")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="goi-tin-van-ban-{document.pk}.zip"'
    return response


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if request.method == "POST":
        if not can_sync_directory(user):
            raise Http404
        try:
            listed, unlisted = axis_services.sync_directory()
        except AxisError as exc:
            messages.error(request, _("The axis could not be reached: %s") % exc.reason)
        else:
            messages.success(
                request,
                _("%(listed)s agencies listed by the axis, %(unlisted)s no longer listed.")
                % {"listed": listed, "unlisted": unlisted},
            )
        return redirect("exchange:axis-directory")
    query = request.GET.get("q", "").strip()[:100]
    agencies = AxisAgency.objects.filter(is_active=True)
    if query:
        agencies = agencies.filter(name__icontains=query) | agencies.filter(code__icontains=query)
    return render(
        request,
        "exchange/axis_directory.html",
        {
            "agencies": agencies.order_by("name")[:500],
            "query": query,
            "can_sync": can_sync_directory(user) and axis_services.axis_enabled(),
            "axis_enabled": axis_services.axis_enabled(),
        },
    )


@login_required
def requests_page(request: HttpRequest) -> HttpResponse:
    """The clerk's queue of revocations, updates and replacements received over the axis,
    each answered by agreeing (15) or refusing with a reason (16)."""
    clerk = clerk_or_404(request)
    if request.method == "POST":
        key = request.POST.get("receipt", "")
        if not key:
            messages.error(request, _("No request is waiting for an answer."))
            return redirect("exchange:axis-requests")
        receipt = access_request(clerk, key)  # 404: another agency's, or not a request
        try:
            axis_services.answer_request(
                actor=clerk,
                receipt=receipt,
                agree=request.POST.get("agree") == "1",
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your answer was sent to the sender."))
        return redirect("exchange:axis-requests")
    return render(
        request, "exchange/axis_requests.html", {"pending": requests_answerable_by(clerk)}
    )
