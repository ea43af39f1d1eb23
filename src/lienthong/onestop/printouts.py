"""The one-stop forms as printable PDFs (WeasyPrint): the receipt and appointment, supplement
request, refusal, apology and new date (A5), control sheet and tracking book (A4 landscape),
each with the dossier code as a QR code.

Which circular the forms belong to, their numbers and titles come from the set of one-stop
rules the dossier was received under (`catalogue.OneStopRules`: Circular 01/2018/TT-VPCP Mẫu
01-06, or Circular 03/2025/TT-VPCP Mẫu 01-07); the URL keeps the 2018 numbers as stable keys
(`FORM_KINDS`). Mẫu 01 always fits one A5 page with its two signatures: a long list of papers
is set smaller (`_density`).

Headings and labels are the legal forms' wording: Vietnamese constants, not translated."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from lienthong.accounts.models import Agency
from lienthong.catalogue.models import OneStopRules

from .constants import DossierStatus, HandOverAction, Outcome
from .models import Dossier, HandOver

# The URL's form keys (the 2018 numbers) and the kind of form each is in every rule set.
FORM_KINDS = {
    "01": "receipt",
    "02": "supplement",
    "03": "refusal",
    "04": "apology",
    "05": "control",
}
OUTCOME_WORDS = {Outcome.EARLY: "Trước hạn", Outcome.ON_TIME: "Đúng hạn", Outcome.LATE: "Quá hạn"}
COPY_WORDS = {"original": "Bản chính", "copy": "Bản sao", "certified_copy": "Bản sao chứng thực"}


def available(dossier: Dossier) -> list[str]:
    """The forms that exist for the dossier at this point."""
    found = []
    if dossier.received_at is not None:
        found += ["01", "05"]
    if dossier.supplements.exists():
        found.append("02")
    if dossier.status == DossierStatus.REFUSED:
        found.append("03")
    if hasattr(dossier, "apology"):
        found.append("04")
    return sorted(found)


def qr_svg(text: str) -> str:
    """The QR code as inline SVG (nothing fetched, nothing written to disk)."""
    return segno.make(text, error="m").svg_inline(scale=3, border=1)


def vn_time(value: datetime | None) -> str:
    if value is None:
        return "…… giờ …… phút, ngày …… tháng …… năm ……"
    v = timezone.localtime(value)
    return f"{v:%H} giờ {v:%M} phút, ngày {v:%d} tháng {v:%m} năm {v:%Y}"


def vn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value:%d/%m/%Y}"


def place_date(agency: Agency, value: datetime | None = None) -> str:
    v = timezone.localtime(value or timezone.now())
    return f"{agency.place_name}, ngày {v:%d} tháng {v:%m} năm {v:%Y}"


def _header(dossier: Dossier) -> dict[str, Any]:
    agency = dossier.agency
    return {
        "governing": (
            agency.governing_body_name or (agency.parent.name if agency.parent else "")
        ).upper(),
        "agency": agency.name.upper(),
        "unit": "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    }


def _control_rows(dossier: Dossier) -> list[dict[str, str]]:
    """Mẫu 05 rows: each hand-over, its time, giver and taker, and the step's outcome."""
    rows = []
    wanted = {
        HandOverAction.RECEIVED,
        HandOverAction.FORWARDED,
        HandOverAction.ASSIGNED,
        HandOverAction.CONSULTED,
        HandOverAction.ANSWERED,
        HandOverAction.PROPOSED,
        HandOverAction.APPROVED,
        HandOverAction.SUPPLEMENT_REQUESTED,
        HandOverAction.RESUBMITTED,
        HandOverAction.APOLOGISED,
        HandOverAction.RESULT_READY,
        HandOverAction.RETURNED,
    }
    entries = (
        HandOver.objects.filter(dossier=dossier, action__in=wanted)
        .select_related("actor", "to_agency", "to_unit", "to_user", "step")
        .order_by("at", "id")
    )
    for entry in entries:
        taker = entry.to_user or entry.to_unit or entry.to_agency or ""
        outcome = ""
        if entry.action == HandOverAction.APPROVED and entry.step and entry.step.outcome:
            outcome = OUTCOME_WORDS[Outcome(entry.step.outcome)]
        if entry.action == HandOverAction.RETURNED and dossier.outcome:
            outcome = OUTCOME_WORDS[Outcome(dossier.outcome)]
        rows.append(
            {
                "action": entry.get_action_display(),
                "time": vn_time(entry.at),
                "giver": str(entry.actor or ""),
                "taker": str(taker),
                "outcome": outcome,
                "note": entry.note[:200],
            }
        )
    return rows


def context(dossier: Dossier, form: str) -> dict[str, Any]:
    components = [
        {
            "name": c.name,
            "kind": COPY_WORDS.get(c.procedure_component.copy_kind, "")
            if c.procedure_component
            else "",
            "quantity": c.procedure_component.quantity if c.procedure_component else 1,
        }
        for c in dossier.components.select_related("procedure_component")
    ]
    supplement = dossier.supplements.order_by("-requested_at").first()
    apology = getattr(dossier, "apology", None)
    dated = {
        "01": dossier.received_at,
        "02": supplement.requested_at if supplement else None,
        "03": dossier.closed_at,
        "04": apology.created_at if apology else None,
        "05": dossier.received_at,
    }[form]
    header = _header(dossier)
    rules = dossier.rules
    kind = FORM_KINDS[form]
    if form == "04" and apology is not None:  # signed by the head of the agency that is late
        late = apology.agency
        header = {
            "governing": (
                late.governing_body_name or (late.parent.name if late.parent else "")
            ).upper(),
            "agency": late.name.upper(),
            "unit": "",
        }
    return {
        "form": form,
        "title": rules.form_title(kind),
        "number": rules.form_number(kind),
        "circular": rules.circular,
        "density": _density(len(components)) if form == "01" else "",
        "size": "A5 portrait",
        "header": header,
        "dossier": dossier,
        "qr": mark_safe(qr_svg(dossier.code or "")),  # noqa: S308 (segno's own SVG markup)
        "components": components,
        "received": vn_time(dossier.received_at),
        "due": vn_time(dossier.due_at),
        "first_due": vn_time(dossier.first_due_at),
        "processing_days": dossier.procedure.processing_days,
        "place_date": place_date(dossier.agency, dated),
        "supplement": supplement,
        "apology": apology,
        "apology_new": vn_time(apology.new_due_at) if apology else "",
        "apology_old": vn_time(apology.old_due_at) if apology else "",
        "rows": _control_rows(dossier) if form == "05" else [],
        "officer": dossier.received_by
        or dossier.closed_by
        or (supplement.requested_by if supplement else ""),
    }


DENSITIES = ("", "compact", "dense", "tiny")


def _density(papers: int) -> str:
    """The first guess of how tightly Mẫu 01 is set (`render` tightens it if still too long)."""
    if papers <= 6:
        return ""
    if papers <= 12:
        return "compact"
    return "dense"


def _document(html: str) -> Any:
    # Deliberately lazy: WeasyPrint loads Pango and its fonts on import; only PDFs need it.
    from weasyprint import HTML, URLFetcher  # noqa: PLC0415

    return HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=())).render()


def _pdf(html: str) -> bytes:
    pdf = _document(html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def render(dossier: Dossier, form: str) -> bytes:
    with translation.override("vi"):  # legal forms are printed in Vietnamese
        data = context(dossier, form)
        if form != "01":
            return _pdf(render_to_string("onestop/print/form.html", data))
        # Mẫu 01 is one A5 sheet with both signatures: set tighter until it fits.
        document = None
        for density in DENSITIES[DENSITIES.index(data["density"]) :]:
            data["density"] = density
            document = _document(render_to_string("onestop/print/form.html", data))
            if len(document.pages) == 1:
                break
        assert document is not None
        pdf = document.write_pdf()
        assert isinstance(pdf, bytes)
        return pdf


def render_book(agency: Agency, year: int, month: int) -> bytes:
    """Mẫu 06 for the dossiers the agency received in the month (A4 landscape)."""
    with translation.override("vi"):
        return _render_book(agency, year, month)


def _render_book(agency: Agency, year: int, month: int) -> bytes:
    dossiers = (
        Dossier.objects.filter(agency=agency, received_at__year=year, received_at__month=month)
        .select_related("procedure")
        .order_by("received_at", "id")
    )
    rows = []
    for number, d in enumerate(dossiers, start=1):
        forwarded = d.history.filter(action=HandOverAction.FORWARDED).order_by("at").first()
        supplement = d.supplements.order_by("requested_at").first()
        rows.append(
            {
                "number": number,
                "code": d.code,
                "procedure": d.procedure.name,
                "copies": d.copies,
                "applicant": d.applicant_name,
                "contact": f"{d.applicant_address}; {d.applicant_phone}".strip("; "),
                "agency": agency.name,
                "received": vn_date(d.received_at),
                "due": vn_date(d.due_at),
                "forwarded": vn_date(forwarded.at if forwarded else None),
                "result": vn_date(
                    d.finished_at or (supplement.requested_at if supplement else None)
                ),
                "returned": vn_date(d.returned_at),
                "note": OUTCOME_WORDS[Outcome(d.outcome)] if d.outcome else d.get_status_display(),
            }
        )
    header = {
        "governing": (
            agency.governing_body_name or (agency.parent.name if agency.parent else "")
        ).upper(),
        "agency": agency.name.upper(),
        "unit": "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    }
    rules = OneStopRules.objects.in_force_on(date(year, month, 1))
    html = render_to_string(
        "onestop/print/book.html",
        {
            "title": rules.form_title("book"),
            "number": rules.form_number("book"),
            "circular": rules.circular,
            "header": header,
            "rows": rows,
            "period": f"Tháng {month:02d}/{year}",
        },
    )
    return _pdf(html)
