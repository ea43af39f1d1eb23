"""Actions on delivered documents: the recipient's clerk registers or returns them, the
sender's clerk recalls them, and the recipient answers a recall."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.core.http import clerk_or_404
from lienthong.documents.permissions import access_document

from . import services


def _done(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    clerk = clerk_or_404(request)
    try:
        document = services.accept_delivered(actor=clerk, document=document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("documents:detail", pk=pk)
    return _done(
        request,
        pk,
        _("Registered as arrival number %(number)s.") % {"number": document.arrival_number},
    )


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    clerk = clerk_or_404(request)
    try:
        services.reject_delivered(
            actor=clerk, document=document, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("documents:detail", pk=pk)
    return _done(request, pk, _("The document was returned to its sender."))


@login_required
@require_POST
def recall(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    clerk = clerk_or_404(request)
    try:
        services.recall(actor=clerk, outgoing=document, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("documents:detail", pk=pk)
    return _done(request, pk, _("The document is recalled."))


@login_required
@require_POST
def answer_recall(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    clerk = clerk_or_404(request)
    agree = request.POST.get("agree") == "1"
    try:
        services.answer_recall(
            actor=clerk, document=document, agree=agree, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("documents:detail", pk=pk)
    return _done(request, pk, _("Your answer was sent to the sender."))
