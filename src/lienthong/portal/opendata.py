"""Open data (dữ liệu mở): the datasets the province publishes on its portal, each with a stable
URL, a licence, a data dictionary and its rows as CSV, JSON and XLSX, computed from the
platform's records at each request (nothing is copied, nothing goes stale).

A dataset is a `Dataset`: its slug (the stable URL), title, description, fields (name, type,
meaning: the data dictionary) and a function giving its rows. `DATASETS` lists them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from lienthong.catalogue.models import Procedure
from lienthong.core.spreadsheets import CsvWriter, append_row
from lienthong.onestop.constants import Outcome
from lienthong.onestop.models import Dossier
from lienthong.reports.indicators import percent

from .constants import FeedbackStatus
from .models import Feedback, PublishedDocument

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, number, date
    description: Any


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    publisher: Any
    frequency: Any
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[tuple[Any, ...]]]

    def metadata(self) -> dict[str, Any]:
        return {
            "identifier": self.slug,
            "title": str(self.title),
            "description": str(self.description),
            "publisher": str(self.publisher),
            "accrualPeriodicity": str(self.frequency),
            "license": LICENCE,
            "licenseUrl": LICENCE_URL,
            "language": "vi",
            "fields": [
                {"name": c.name, "type": c.type, "description": str(c.description)}
                for c in self.columns
            ],
        }


def _procedures() -> Iterable[tuple[Any, ...]]:
    for p in (
        Procedure.objects.published().select_related("agency", "sector").order_by("national_code")
    ):
        yield (
            p.national_code,
            p.name,
            p.sector.name,
            p.agency.name,
            p.level_2011,
            p.processing_days,
            p.fee_vnd,
            p.result_name,
        )


def _documents() -> Iterable[tuple[Any, ...]]:
    for pub in (
        PublishedDocument.objects.live()
        .select_related("document__agency", "document__document_type")
        .order_by("-published_at")
    ):
        doc = pub.document
        yield (
            doc.number_and_symbol,
            doc.issued_date,
            doc.document_type.name if doc.document_type_id else "",
            doc.agency.name,
            doc.signer_name,
            doc.subject,
            reverse("portal:document", args=[doc.pk]),
        )


def _on_time() -> Iterable[tuple[Any, ...]]:
    rows = (
        Dossier.objects.exclude(outcome="")
        .filter(finished_at__isnull=False)
        .annotate(month=TruncMonth("finished_at"))
        .values("agency__name", "month")
        .annotate(
            closed=Count("pk"),
            early=Count("pk", filter=Q(outcome=Outcome.EARLY)),
            on_time=Count("pk", filter=Q(outcome=Outcome.ON_TIME)),
            late=Count("pk", filter=Q(outcome=Outcome.LATE)),
        )
        .order_by("agency__name", "month")
    )
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], datetime) else r["month"]
        yield (
            r["agency__name"],
            month.strftime("%Y-%m"),
            r["closed"],
            r["early"],
            r["on_time"],
            r["late"],
            percent(r["early"] + r["on_time"], r["closed"]),
        )


def _feedback() -> Iterable[tuple[Any, ...]]:
    rows = (
        Feedback.objects.values("agency__name", "topic")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(status=FeedbackStatus.ANSWERED)),
        )
        .order_by("agency__name", "topic")
    )
    for r in rows:
        yield (r["agency__name"], r["topic"], r["received"], r["answered"])


PUBLISHER = _("People's Committee of Cà Mau province")
DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            slug="thu-tuc-hanh-chinh",
            title=_("Administrative procedures catalogue"),
            description=_("The administrative procedures published by the province's agencies."),
            publisher=PUBLISHER,
            frequency=_("on every change"),
            columns=(
                Column("ma_thu_tuc", "string", _("Code in the national procedure database")),
                Column("ten_thu_tuc", "string", _("Name of the procedure")),
                Column("linh_vuc", "string", _("Sector")),
                Column("co_quan", "string", _("Competent agency")),
                Column("muc_do", "integer", _("Online service level (1 to 4)")),
                Column("thoi_han_ngay", "number", _("Processing time in working days")),
                Column("le_phi_vnd", "integer", _("Fee in VND (0: free)")),
                Column("ket_qua", "string", _("Result")),
            ),
            rows=_procedures,
        ),
        Dataset(
            slug="van-ban-chi-dao",
            title=_("Documents of direction published"),
            description=_("Issued documents the agencies published on the portal."),
            publisher=PUBLISHER,
            frequency=_("on every change"),
            columns=(
                Column("so_ky_hieu", "string", _("Number and symbol")),
                Column("ngay_ban_hanh", "date", _("Date of issue (YYYY-MM-DD)")),
                Column("loai_van_ban", "string", _("Document type")),
                Column("co_quan", "string", _("Issuing agency")),
                Column("nguoi_ky", "string", _("Signed by")),
                Column("trich_yeu", "string", _("Subject")),
                Column("duong_dan", "string", _("Path of the document on the portal")),
            ),
            rows=_documents,
        ),
        Dataset(
            slug="mot-cua-dung-han",
            title=_("One-stop shop: dossiers settled on time"),
            description=_(
                "Dossiers whose result was ready, by agency and month: early, on time, late."
            ),
            publisher=PUBLISHER,
            frequency=_("daily"),
            columns=(
                Column("co_quan", "string", _("Agency")),
                Column("thang", "string", _("Month (YYYY-MM)")),
                Column("da_giai_quyet", "integer", _("Dossiers settled")),
                Column("truoc_han", "integer", _("Settled early")),
                Column("dung_han", "integer", _("Settled on time")),
                Column("tre_han", "integer", _("Settled late")),
                Column("ty_le_dung_han", "number", _("Share settled early or on time (%)")),
            ),
            rows=_on_time,
        ),
        Dataset(
            slug="phan-anh-kien-nghi",
            title=_("Citizens' feedback by agency and topic"),
            description=_("Feedback received on the portal and answered, by agency and topic."),
            publisher=PUBLISHER,
            frequency=_("daily"),
            columns=(
                Column("co_quan", "string", _("Agency concerned")),
                Column("chu_de", "string", _("Topic")),
                Column("da_nhan", "integer", _("Received")),
                Column("da_tra_loi", "integer", _("Answered")),
            ),
            rows=_feedback,
        ),
    )
}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_json(dataset: Dataset) -> bytes:
    names = [c.name for c in dataset.columns]
    records = [
        {n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in dataset.rows()
    ]
    body = {**dataset.metadata(), "records": records}
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def as_csv(dataset: Dataset) -> bytes:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow([c.name for c in dataset.columns])
    for row in dataset.rows():
        writer.writerow([_json_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM: spreadsheet programs read UTF-8


def as_xlsx(dataset: Dataset) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "data"
    append_row(sheet, [c.name for c in dataset.columns])
    for row in dataset.rows():
        append_row(sheet, row)
    fields = book.create_sheet("fields")
    append_row(fields, ["name", "type", "description"])
    for c in dataset.columns:
        append_row(fields, [c.name, c.type, str(c.description)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RENDER = {"csv": as_csv, "json": as_json, "xlsx": as_xlsx}
