"""Pages of work files and the file catalogue. Thin: parse input, check access, call one
service, render."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.accounts.models import Unit
from lienthong.core.http import form_errors, official_or_404
from lienthong.core.models import AuditEvent
from lienthong.documents.models import Document
from lienthong.documents.numbering import vietnam_year
from lienthong.documents.permissions import access_document

from . import exports, services
from .constants import CaseFileStatus
from .forms import (
    AddDocumentForm,
    CatalogEntryForm,
    CatalogForm,
    CloseFileForm,
    OpenFileForm,
    ReopenForm,
    WithdrawForm,
)
from .models import (
    CaseFile,
    CaseFileItem,
    CatalogEntry,
    FileCatalog,
    RetentionPeriod,
    RetentionRule,
)
from .permissions import (
    access_case_file,
    access_catalog,
    access_item,
    can_manage_file,
    can_open_files,
    can_plan_catalog,
    require_sees_every_document,
)
from .querysets import matching_documents
from .services import FILEABLE_STATUSES

CANDIDATES_SHOWN = 25


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return vietnam_year()
    return year if 1945 <= year <= 2100 else vietnam_year()


# --- Lists ---------------------------------------------------------------------------------------


@login_required
def my_files(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    files = CaseFile.objects.visible_to(user).of(user).for_list()
    return render(
        request,
        "records/my_files.html",
        {
            "open_files": files.open().order_by("-year", "notation"),
            "closed_files": files.closed().order_by("-closed_at")[:10],
            "can_open": can_open_files(user),
        },
    )


@login_required
def agency_files(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    year = _year(request)
    status = request.GET.get("trang-thai", "")
    files = CaseFile.objects.visible_to(user).for_list().filter(year=year)
    if status in CaseFileStatus.values:
        files = files.filter(status=status)
    return render(
        request,
        "records/file_list.html",
        {
            "files": files.order_by("notation"),
            "year": year,
            "status": status,
            "statuses": CaseFileStatus.choices,
            "years": [year - 1, year, year + 1],
        },
    )


# --- The catalogue -------------------------------------------------------------------------------


@dataclass
class Heading:
    """A large heading of the catalogue: a unit, numbered I, II, III…"""

    numeral: str
    unit: Unit
    entries: list[CatalogEntry] = field(default_factory=list)


def roman(number: int) -> str:
    values = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for value, letters in values:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _headings(entries: Iterable[CatalogEntry]) -> list[Heading]:
    headings: dict[int, Heading] = {}
    for entry in entries:
        if entry.unit_id not in headings:
            headings[entry.unit_id] = Heading(roman(len(headings) + 1), entry.unit)
        headings[entry.unit_id].entries.append(entry)
    return list(headings.values())


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    year = _year(request)
    found = FileCatalog.objects.visible_to(user).filter(year=year).first()
    entries: list[CatalogEntry] = []
    if found is not None:
        entries = list(
            found.entries.select_related("unit", "retention", "creator")
            .prefetch_related(
                Prefetch(
                    "case_files", queryset=CaseFile.objects.only("id", "catalog_entry_id", "status")
                )
            )
            .order_by("unit__name", "ordinal")
        )
    planner = can_plan_catalog(user)
    return render(
        request,
        "records/catalog.html",
        {
            "catalog": found,
            "year": year,
            "years": [year - 1, year, year + 1],
            "headings": _headings(entries),
            "can_plan": planner,
            "can_open": can_open_files(user),
            "catalog_form": CatalogForm(initial={"year": year})
            if planner and found is None
            else None,
            "can_add_entry": planner and found is not None,
        },
    )


@login_required
@require_POST
def create_catalog(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    form = CatalogForm(request.POST)
    if form.is_valid():
        try:
            created = services.create_catalog(actor=user, **form.cleaned_data)
            messages.success(
                request,
                _("The catalogue of files for %(year)s is created.") % {"year": created.year},
            )
            return redirect(created)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Enter a valid year."))
    return redirect("records:catalog")


@login_required
def add_catalog_entry(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_catalog(request.user, pk)
    user = official_or_404(request)
    assert user.agency is not None
    if not can_plan_catalog(user):
        raise PermissionDenied(
            _("Only the agency's clerk and leaders plan the catalogue of files.")
        )
    form = CatalogEntryForm(request.POST or None, agency=user.agency)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.add_catalog_entry(actor=user, catalog=found, **form.cleaned_data)
            messages.success(
                request,
                _("File %(notation)s is added to the catalogue.") % {"notation": entry.notation},
            )
            return redirect(found)
        except ValidationError as exc:
            form_errors(form, exc)
    return render(request, "records/entry_form.html", {"catalog": found, "form": form})


@login_required
def retention_table(request: HttpRequest) -> HttpResponse:
    official_or_404(request)
    today = timezone.localdate()
    return render(
        request,
        "records/retention.html",
        {
            "periods": RetentionPeriod.objects.filter(is_active=True),
            "rules": RetentionRule.objects.in_force(today).select_related("period"),
            "today": today,
        },
    )


# --- Opening and the file's page -----------------------------------------------------------------


@login_required
def open_file(request: HttpRequest) -> HttpResponse:
    user = official_or_404(request)
    if not can_open_files(user):
        raise PermissionDenied(_("Only the agency's specialists and clerks open work files."))
    initial = {"catalog_entry": request.GET.get("muc")} if request.GET.get("muc") else None
    form = OpenFileForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            case_file = services.open_file(actor=user, **data)
            messages.success(request, _("File %(code)s is open.") % {"code": case_file.file_code})
            return redirect(case_file)
        except ValidationError as exc:
            form_errors(form, exc)
    return render(request, "records/open_form.html", {"form": form})


@dataclass(frozen=True)
class Row:
    """A row of the file's table of contents as the user may see it."""

    item: CaseFileItem
    document: Document | None  # None: a document the user may not see


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = access_case_file(request.user, pk)
    visible = set(
        CaseFileItem.objects.filter(case_file=case_file)
        .visible_to(request.user)
        .values_list("pk", flat=True)
    )
    items = (
        CaseFileItem.objects.filter(case_file=case_file).for_table().select_related("removed_by")
    )
    rows = [Row(item, item.document if item.pk in visible else None) for item in items]
    manager = can_manage_file(request.user, case_file)
    return render(
        request,
        "records/detail.html",
        {
            "case_file": case_file,
            "rows": [row for row in rows if not row.item.is_removed],
            "withdrawn": [row for row in rows if row.item.is_removed],
            "can_manage": manager,
            "withdraw_form": WithdrawForm() if manager and case_file.is_open else None,
            "reopen_form": ReopenForm() if manager and not case_file.is_open else None,
            "history": AuditEvent.objects.for_object(case_file).order_by("sequence"),
        },
    )


@login_required
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = access_case_file(request.user, pk)
    user = official_or_404(request)
    if request.method == "POST":
        document = access_document(user, request.POST.get("document", ""))
        try:
            item = services.add_document(actor=user, case_file=case_file, document=document)
            messages.success(
                request,
                _("“%(subject)s” is in the file as number %(ordinal)02d.")
                % {"subject": document.subject[:80], "ordinal": item.ordinal},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(request.get_full_path())
    if not can_manage_file(user, case_file):
        raise PermissionDenied(
            _("Only the file's creator, the clerk and the leaders may change this file.")
        )
    form = AddDocumentForm(request.GET or None)
    candidates: list[Document] = []
    query = ""
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        in_file = CaseFileItem.objects.current().filter(case_file=case_file).values("document_id")
        queryset = (
            Document.objects.visible_to(user)
            .for_list()
            .filter(agency_id=case_file.agency_id, status__in=FILEABLE_STATUSES)
            .exclude(pk__in=in_file)
        )
        candidates = list(matching_documents(queryset, query).order_by("-id")[:CANDIDATES_SHOWN])
    return render(
        request,
        "records/add_document.html",
        {
            "case_file": case_file,
            "form": form,
            "query": query,
            "candidates": candidates,
            "limit": CANDIDATES_SHOWN,
        },
    )


@login_required
@require_POST
def withdraw_document(request: HttpRequest, pk: int, ordinal: int) -> HttpResponse:
    case_file = access_case_file(request.user, pk)
    item = access_item(request.user, case_file, ordinal)
    user = official_or_404(request)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.remove_document(
                actor=user, case_file=case_file, item=item, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("Document %(ordinal)02d is withdrawn from the file.") % {"ordinal": ordinal},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Say why the document is withdrawn."))
    return redirect(case_file)


@login_required
def close_file(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = access_case_file(request.user, pk)
    user = official_or_404(request)
    if not can_manage_file(user, case_file):
        raise PermissionDenied(
            _("Only the file's creator, the clerk and the leaders may change this file.")
        )
    form = CloseFileForm(request.POST or None, case_file=case_file)
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.close_file(actor=user, case_file=case_file, **form.cleaned_data)
            messages.success(
                request,
                _("The file is closed: %(documents)s documents, %(pages)s pages.")
                % {"documents": closed.doc_total, "pages": closed.page_total},
            )
            return redirect(closed)
        except ValidationError as exc:
            form_errors(form, exc)
    return render(request, "records/close_form.html", {"case_file": case_file, "form": form})


@login_required
@require_POST
def reopen_file(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = access_case_file(request.user, pk)
    user = official_or_404(request)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_file(
                actor=user, case_file=case_file, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The file is open again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Say why the file is reopened."))
    return redirect(case_file)


# --- Export --------------------------------------------------------------------------------------


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The whole file as a ZIP (PDF + XML + attachments), or its PDF or XML alone."""
    case_file = access_case_file(request.user, pk)
    user = official_or_404(request)
    require_sees_every_document(user, case_file)
    fmt = request.GET.get("dinh-dang", "zip")
    built = exports.build_export(case_file)
    stem = exports.file_stem(case_file)
    response: HttpResponse | FileResponse
    if fmt == "pdf":
        response = HttpResponse(exports.render_pdf(built), content_type=exports.PDF_TYPE)
    elif fmt == "xml":
        response = HttpResponse(exports.render_xml(built), content_type=exports.XML_TYPE)
    else:
        fmt = "zip"
        response = FileResponse(exports.write_zip(built), content_type=exports.ZIP_TYPE)
    services.record_export(actor=user, case_file=case_file, fmt=fmt)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
