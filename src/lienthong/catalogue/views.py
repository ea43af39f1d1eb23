"""The public catalogue (no sign-in): browse, search, read a procedure, download its forms;
and the spreadsheet import for administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lienthong.documents.uploads import check_upload

from .forms import CatalogueImportForm, CatalogueSearchForm
from .models import OneStopRules, Procedure, ProcedureComponent, ProcedureStep
from .permissions import access_procedure, access_procedure_form, require_catalogue_editor
from .spreadsheet import ImportFailed, import_catalogue, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 20


@require_GET
def catalogue_home(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    procedures = Procedure.objects.published().select_related("sector", "agency")
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        if data["sector"]:
            procedures = procedures.filter(sector=data["sector"])
        if data["agency"]:
            procedures = procedures.filter(agency=data["agency"])
        if data["level"]:
            procedures = procedures.filter(level_2011=data["level"])
    procedures = procedures.search(query) if query else procedures.order_by("name_sort", "id")
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "catalogue/home.html",
        {"form": form, "page": page, "query": query, "params": params.urlencode()},
    )


def filing_url(procedure: Procedure) -> str | None:
    """The on-line filing page of the one-stop app, for procedures filed on-line (level 3 or
    4), when that app is installed."""
    if procedure.level_2011 < 3:
        return None
    try:
        return reverse("citizen:file", args=[procedure.pk])
    except NoReverseMatch:
        return None


@require_GET
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = access_procedure(request.user, pk)
    components = ProcedureComponent.objects.filter(procedure=procedure).select_related("form")
    steps_list = list(
        ProcedureStep.objects.filter(procedure=procedure).select_related("agency", "unit")
    )
    return render(
        request,
        "catalogue/procedure.html",
        {
            "procedure": procedure,
            "components": components,
            "forms": procedure.forms.all(),
            "steps": steps_list,
            "interagency": [s for s in steps_list if s.agency_id != procedure.agency_id],
            "legal_basis": [line for line in procedure.legal_basis.splitlines() if line.strip()],
            "filing_url": filing_url(procedure),
            # A dossier filed today follows the one-stop rules in force today.
            "rules_in_force": OneStopRules.objects.in_force_on(timezone.localdate()),
        },
    )


@require_GET
def form_download(request: HttpRequest, pk: int, form_pk: int) -> FileResponse:
    form = access_procedure_form(request.user, pk, form_pk)
    response = FileResponse(
        default_storage.open(form.blob.storage_name, "rb"),
        content_type=form.blob.content_type,
        as_attachment=True,
        filename=form.file_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_spreadsheet(request: HttpRequest) -> HttpResponse:
    require_catalogue_editor(request.user)
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    errors = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = check_upload(upload, upload.name)
            if checked.content_type != XLSX:
                raise ValidationError(
                    _("“%(name)s” is not an Excel (XLSX) spreadsheet.") % {"name": upload.name}
                )
            result = import_catalogue(actor=request.user, upload=upload, file_name=upload.name)
        except ValidationError as exc:
            form.add_error("file", exc)
        except ImportFailed as failed:
            errors = failed.errors
        except PermissionDenied as exc:
            form.add_error("file", str(exc))
    return render(
        request,
        "catalogue/import.html",
        {"form": form, "errors": errors, "result": result},
        status=400 if errors or form.errors else 200,
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    require_catalogue_editor(request.user)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-thu-tuc.xlsx"'
    return response
