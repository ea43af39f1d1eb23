"""The portal's own views next to Wagtail's pages: a published document of direction and its
signed PDF (public), and the clerk's publish/withdraw buttons on an issued document."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.documents.permissions import access_document

from . import services
from .models import PublishedDocument


def _published(pk: int) -> PublishedDocument:
    try:
        return PublishedDocument.objects.live().select_related("document__agency").get(document=pk)
    except PublishedDocument.DoesNotExist:
        raise Http404(_("Not found.")) from None


def document(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _published(pk)
    return render(
        request,
        "portal/document.html",
        {
            "publication": publication,
            "document": publication.document,
            "pdf": publication.signed_pdf(),
            "site_home": services.site_home_of(publication.document.agency),
            "page": None,
        },
    )


def document_file(request: HttpRequest, pk: int) -> FileResponse:
    version = _published(pk).signed_pdf()
    if version is None:
        raise Http404(_("Not found."))
    response = FileResponse(
        default_storage.open(version.blob.storage_name, "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=version.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    doc = access_document(request.user, pk)
    try:
        services.publish_document(actor=request.user, document=doc)  # type: ignore[arg-type]
    except PermissionDenied:
        raise Http404(_("Not found.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published on the agency's site."))
    return redirect("documents:detail", pk=doc.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    doc = access_document(request.user, pk)
    publication = PublishedDocument.objects.filter(document=doc).first()
    if publication is None:
        raise Http404(_("Not found."))
    try:
        services.withdraw_document(actor=request.user, publication=publication)  # type: ignore[arg-type]
    except PermissionDenied:
        raise Http404(_("Not found.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Withdrawn from the agency's site."))
    return redirect("documents:detail", pk=doc.pk)
