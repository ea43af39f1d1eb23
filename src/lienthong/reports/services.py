"""State-changing use cases of periodic reporting: defining a form's version, opening a period,
filling in (in the browser or from the form's XLSX), submitting, accepting and returning.

`actor=None` is the platform itself (the demo loader, an import): the permission check is left
out, every other rule (validation, the state table) still holds and the audit event has no
actor."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.audit import record_event
from lienthong.core.spreadsheets import append_row, write_cell
from lienthong.documents.models import AttachmentVersion, Document, DocumentType
from lienthong.documents.uploads import storage_name
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft, DraftVersion

from . import periods, sources
from .constants import (
    EDITABLE,
    MAX_UPLOAD_BYTES,
    NUMERIC_TYPES,
    RECALLABLE,
    TRANSITIONS,
    Aggregation,
    IndicatorType,
    Periodicity,
    ReportStatus,
)
from .expressions import CODE_PATTERN, check_formulas, evaluate, parse
from .models import AgencyReport, FormVersion, Indicator, ReportForm, ReportingPeriod, ReportValue
from .pdf import report_pdf
from .permissions import (
    can_define_forms,
    can_fill,
    can_open_period,
    can_review,
    can_submit,
    can_take_back,
    require,
)

Errors = dict[str, list[str]]

REPORT_DOCUMENT_TYPE = "Báo cáo"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    type: str
    unit: str = ""
    required: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: str = ""
    formula: str = ""
    aggregation: str = Aggregation.SUM
    source: str = ""
    help_text: str = ""


# --- Forms ---------------------------------------------------------------------------------------


def _spec_errors(spec: IndicatorSpec, pattern: re.Pattern[str]) -> list[str]:
    checks = [
        (
            not pattern.match(spec.code),
            _("“%(code)s”: a code is a letter followed by letters, digits or _.")
            % {"code": spec.code},
        ),
        (not spec.name.strip(), _("Every indicator needs a name.")),
        (spec.type not in IndicatorType.values, _("Choose the indicator's type.")),
        (
            spec.type == IndicatorType.CHOICE and not spec.choices.strip(),
            _("A choice indicator needs its choices."),
        ),
        (
            spec.min_value is not None
            and spec.max_value is not None
            and spec.min_value > spec.max_value,
            _("The minimum is above the maximum."),
        ),
        (
            bool(spec.formula) and spec.type not in NUMERIC_TYPES,
            _("Only a numeric indicator may have a formula."),
        ),
        (
            bool(spec.source) and spec.source not in sources.SOURCES,
            _("There is no platform figure named %(source)s.") % {"source": spec.source},
        ),
        (
            spec.aggregation == Aggregation.FORMULA and not spec.formula,
            _("An indicator recomputed by its formula needs a formula."),
        ),
    ]
    return [message for failed, message in checks if failed]


def check_indicators(specs: Sequence[IndicatorSpec]) -> tuple[list[str], Errors]:
    """The formulas' evaluation order, or the errors by indicator code."""
    errors: Errors = {}
    pattern = re.compile(CODE_PATTERN)
    seen: set[str] = set()
    if not specs:
        errors.setdefault("__all__", []).append(_("A form needs at least one indicator."))
    for spec in specs:
        field = spec.code or "__all__"
        if spec.code in seen:
            errors.setdefault(field, []).append(
                _("The code %(code)s is used twice.") % {"code": spec.code}
            )
        seen.add(spec.code)
        messages = _spec_errors(spec, pattern)
        if messages:
            errors.setdefault(field, []).extend(messages)
    order, formula_errors = check_formulas(
        [s.code for s in specs], {s.code: s.formula for s in specs if s.formula}
    )
    for code, message in formula_errors.items():
        errors.setdefault(code, []).append(message)
    return order, errors


@transaction.atomic
def save_form_version(
    *, form: ReportForm, indicators: Sequence[IndicatorSpec], actor: User | None, note: str = ""
) -> FormVersion:
    """A new version of the form with these indicators. Periods already opened keep the version
    they were opened on, so their reports do not change."""
    if actor is not None:
        require(
            can_define_forms(actor, form),
            _("Only the aggregating agency's reporting officer or leader defines its forms."),
        )
    order, errors = check_indicators(indicators)
    if errors:
        raise ValidationError(errors)
    form = ReportForm.objects.select_for_update(of=("self",)).get(pk=form.pk)
    last = form.versions.aggregate(last=Max("number"))["last"] or 0
    version = FormVersion.objects.create(
        form=form, number=last + 1, note=note[:300], created_by=actor, formula_order=order
    )
    Indicator.objects.bulk_create(
        Indicator(
            version=version,
            position=index,
            code=spec.code,
            name=spec.name,
            unit=spec.unit,
            type=spec.type,
            required=spec.required,
            min_value=spec.min_value,
            max_value=spec.max_value,
            choices=spec.choices,
            formula=spec.formula,
            aggregation=spec.aggregation,
            source=spec.source,
            help_text=spec.help_text,
        )
        for index, spec in enumerate(indicators, start=1)
    )
    record_event(
        action="reports.form_version",
        actor=actor,
        obj=version,
        data={"form": form.code, "version": version.number, "indicators": len(indicators)},
    )
    return version


def specs_of(version: FormVersion) -> list[IndicatorSpec]:
    return [
        IndicatorSpec(
            code=i.code,
            name=i.name,
            type=i.type,
            unit=i.unit,
            required=i.required,
            min_value=i.min_value,
            max_value=i.max_value,
            choices=i.choices,
            formula=i.formula,
            aggregation=i.aggregation,
            source=i.source,
            help_text=i.help_text,
        )
        for i in version.indicators.all()
    ]


# --- Periods -------------------------------------------------------------------------------------


@transaction.atomic
def open_period(
    *,
    form: ReportForm,
    actor: User | None,
    year: int,
    number: int = 1,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> ReportingPeriod:
    """Open the period for collection: one report per reporting agency, pre-filled where the
    platform knows the figure. An ad hoc form takes its dates from the caller."""
    if actor is not None:
        require(can_open_period(actor, form), _("Only the aggregating agency opens a period."))
    version = form.current_version()
    if version is None:
        raise ValidationError(_("The form has no indicators yet."))
    if form.periodicity == Periodicity.AD_HOC:
        if starts_on is None or ends_on is None or starts_on > ends_on:
            raise ValidationError(_("Give the dates the ad hoc report covers."))
        label = _("%(start)s to %(end)s") % {
            "start": starts_on.strftime("%d/%m/%Y"),
            "end": ends_on.strftime("%d/%m/%Y"),
        }
        year, number = ends_on.year, 1
    else:
        try:
            window = periods.window(form.periodicity, year, number, form.cutoff_day)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        starts_on, ends_on = window.start, window.end
        label = periods.label(form.periodicity, year, number)
    try:
        with transaction.atomic():
            period = ReportingPeriod.objects.create(
                form=form,
                version=version,
                label=label,
                year=year,
                number=number,
                starts_on=starts_on,
                ends_on=ends_on,
                deadline=periods.Window(year, number, starts_on, ends_on).deadline(
                    form.deadline_days
                ),
                opened_by=actor,
            )
    except IntegrityError:
        raise ValidationError(_("That period is already open.")) from None
    agencies = list(form.reporting_agencies.filter(is_active=True))
    reports = AgencyReport.objects.bulk_create(
        AgencyReport(period=period, agency=agency) for agency in agencies
    )
    prefilled = [i for i in version.indicators.all() if i.source]
    values = []
    for report in AgencyReport.objects.filter(period=period):
        for indicator in prefilled:
            figure = sources.SOURCES[indicator.source].compute(
                [report.agency_id], starts_on, ends_on
            )
            values.append(
                ReportValue(report=report, indicator=indicator, number=figure, prefilled=figure)
            )
    ReportValue.objects.bulk_create(values)
    record_event(
        action="reports.period_open",
        actor=actor,
        obj=period,
        data={"form": form.code, "period": label, "reports": len(reports)},
    )
    return period


# --- Filling in ----------------------------------------------------------------------------------


def parse_number(raw: str) -> Decimal:
    text = raw.strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if "," in text and "." in text:  # 1.234,5 (Vietnamese) — dots group thousands
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value


def parse_value(indicator: Indicator, raw: Any) -> tuple[Decimal | None, str]:
    """The stored number or text for one input, or ValidationError with the reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if indicator.type == IndicatorType.TEXT:
        text = str(raw).strip()
        if len(text) > 1000:
            raise ValidationError(_("At most 1000 characters."))
        return None, text
    if indicator.type == IndicatorType.CHOICE:
        text = str(raw).strip()
        if text not in indicator.choice_list():
            raise ValidationError(
                _("Choose one of: %(choices)s.") % {"choices": "; ".join(indicator.choice_list())}
            )
        return None, text
    try:
        value = raw if isinstance(raw, Decimal) else parse_number(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if indicator.type == IndicatorType.INTEGER and value != value.to_integral_value():
        raise ValidationError(_("A whole number is expected (no thousands separators)."))
    if abs(value) >= Decimal("1e15"):
        raise ValidationError(_("The number is too large."))
    low = indicator.min_value
    high = indicator.max_value
    if indicator.type == IndicatorType.PERCENTAGE:
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if low is not None and value < low:
        raise ValidationError(_("At least %(min)s.") % {"min": _plain(low)})
    if high is not None and value > high:
        raise ValidationError(_("At most %(max)s.") % {"max": _plain(high)})
    return value.quantize(Decimal("0.0001")), ""


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _lock(report: AgencyReport) -> AgencyReport:
    return (
        AgencyReport.objects.select_for_update(of=("self",))
        .select_related("period__form", "period__version", "agency")
        .get(pk=report.pk)
    )


def _recompute(report: AgencyReport, indicators: dict[str, Indicator]) -> None:
    """Derived indicators from the values entered, in the version's order."""
    stored = {v.indicator_id: v for v in report.values.all()}
    numbers = {
        code: stored[i.pk].number if i.pk in stored else None for code, i in indicators.items()
    }
    for code in report.period.version.formula_order:
        indicator = indicators[code]
        result = evaluate(parse(indicator.formula), numbers)
        if result is not None:
            result = result.quantize(Decimal("0.0001"))
        numbers[code] = result
        ReportValue.objects.update_or_create(
            report=report, indicator=indicator, defaults={"number": result, "text": ""}
        )


def _parse_inputs(
    indicators: Mapping[str, Indicator],
    existing: Mapping[str, ReportValue],
    values: Mapping[str, Any],
    notes: Mapping[str, str],
) -> tuple[dict[str, tuple[Decimal | None, str]], Errors]:
    """Each input checked against its indicator; a pre-filled figure changed without a note
    is refused (the correction must say why)."""
    errors: Errors = {}
    parsed: dict[str, tuple[Decimal | None, str]] = {}
    for code, raw in values.items():
        indicator = indicators.get(code)
        if indicator is None or indicator.is_derived:
            continue
        try:
            number, text = parse_value(indicator, raw)
        except ValidationError as exc:
            errors.setdefault(code, []).extend(exc.messages)
            continue
        current = existing.get(code)
        note = (notes.get(code) or "").strip()
        corrected = current is not None and current.prefilled is not None
        if corrected and number != current.prefilled and not (note or current.note):  # type: ignore[union-attr]
            errors.setdefault(code, []).append(
                _("Say why the platform's figure (%(value)s) is corrected.")
                % {"value": _plain(current.prefilled)}  # type: ignore[union-attr,arg-type]
            )
            continue
        parsed[code] = (number, text)
    for code, note in notes.items():
        if code in indicators and len(note) > 500:
            errors.setdefault(code, []).append(_("The note is longer than 500 characters."))
    return parsed, errors


@transaction.atomic
def save_values(
    *,
    report: AgencyReport,
    actor: User | None,
    values: Mapping[str, Any],
    notes: Mapping[str, str] | None = None,
) -> AgencyReport:
    """Store what was entered (by indicator code). Every wrong input is reported against its
    indicator and nothing is stored; derived indicators are recomputed."""
    report = _lock(report)
    if actor is not None:
        require(
            can_fill(actor, report), _("Only the agency's reporting officer or leader fills it in.")
        )
    elif report.status not in EDITABLE:
        raise ValidationError(_("The report is with the aggregating agency."))
    indicators = {i.code: i for i in report.period.version.indicators.all()}
    notes = notes or {}
    existing = {v.indicator.code: v for v in report.values.select_related("indicator")}
    parsed, errors = _parse_inputs(indicators, existing, values, notes)
    if errors:
        raise ValidationError(errors)
    for code, (number, text) in parsed.items():
        current = existing.get(code)
        note = (notes.get(code) or "").strip()
        ReportValue.objects.update_or_create(
            report=report,
            indicator=indicators[code],
            defaults={
                "number": number,
                "text": text,
                "note": note or (current.note if current else ""),
            },
        )
    _recompute(report, indicators)
    report.save(update_fields=["updated_at"])
    record_event(
        action="reports.values_save",
        actor=actor,
        obj=report,
        data={"period": report.period_id, "agency": report.agency_id, "codes": sorted(parsed)},
    )
    return report


def _check_transition(report: AgencyReport, target: ReportStatus) -> None:
    if target not in TRANSITIONS[report.status]:
        raise ValidationError(
            _("The report cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": report.get_status_display(),
                "to": ReportStatus(target).label,
            }
        )


@transaction.atomic
def submit_report(*, report: AgencyReport, actor: User | None) -> AgencyReport:
    """The agency leader approves the report and sends it to the aggregating agency. A required
    indicator left empty is named and the report stays where it was. When the form says its
    reports are submitted as a signed document, the report's PDF starts through drafting
    (`_start_report_document`) and the report waits for its document (AWAITING_DOCUMENT, not
    counted) until the issued document arrives at the aggregating agency
    (`record_document_arrival`); refused in drafting, nothing is submitted and nothing is
    stored."""
    report = _lock(report)
    if actor is not None:
        require(can_submit(actor, report), _("Only the agency's leader submits its report."))
    as_document = report.period.form.submitted_as_document
    target = ReportStatus.AWAITING_DOCUMENT if as_document else ReportStatus.SUBMITTED
    _check_transition(report, target)
    filled = {v.indicator_id for v in report.values.all() if v.number is not None or v.text}
    errors: Errors = {}
    for indicator in report.period.version.indicators.all():
        if indicator.required and not indicator.is_derived and indicator.pk not in filled:
            errors.setdefault(indicator.code, []).append(_("This indicator is required."))
    if errors:
        raise ValidationError(errors)
    if as_document and actor is None:
        raise ValidationError(_("A report submitted as a signed document needs its leader."))
    pdf = report_pdf(report) if as_document else b""
    try:
        with transaction.atomic():
            if as_document:
                assert actor is not None
                report.document_draft = _start_report_document(report, actor=actor, pdf=pdf)
            report.status = target
            report.submitted_at = timezone.now()
            report.submitted_by = actor
            report.return_reason = ""
            report.document_arrived_at = None
            report.save(
                update_fields=[
                    "status",
                    "submitted_at",
                    "submitted_by",
                    "return_reason",
                    "document_draft",
                    "document_arrived_at",
                    "updated_at",
                ]
            )
            record_event(
                action="reports.submit",
                actor=actor,
                obj=report,
                data={
                    "period": report.period_id,
                    "agency": report.agency_id,
                    "draft": report.document_draft_id if as_document else None,
                },
            )
    except BaseException:
        if pdf:
            _forget_pdf(pdf)
        raise
    return report


def _forget_pdf(pdf: bytes) -> None:
    """The report's PDF stored for a submission that was refused is removed again (unless
    something else holds the same bytes)."""
    digest = hashlib.sha256(pdf).hexdigest()
    if not (
        DraftVersion.objects.filter(blob__sha256=digest).exists()
        or AttachmentVersion.objects.filter(blob__sha256=digest).exists()
    ):
        default_storage.delete(storage_name(digest))


def _drafting_unit(report: AgencyReport, actor: User) -> Unit:
    """The leader's own unit, or else the agency's first top-level unit (its office) — the
    first one with a unit leader to review the draft, when there is one."""
    if actor.unit is not None and actor.unit.is_active and actor.unit.agency_id == report.agency_id:
        return actor.unit
    reviewers = User.objects.active().filter(unit=OuterRef("pk")).with_role(Role.UNIT_LEADER)
    unit = (
        Unit.objects.filter(agency_id=report.agency_id, is_active=True, parent__isnull=True)
        .annotate(has_reviewer=Exists(reviewers))
        .order_by("-has_reviewer", "pk")
        .first()
    )
    if unit is None:
        raise ValidationError(
            _("The agency has no unit to draft the report's document in: ask its administrator."),
            code="no_unit",
        )
    return unit


def _start_report_document(report: AgencyReport, *, actor: User, pdf: bytes) -> Draft:
    """The report as an outgoing document (báo cáo) of the agency, addressed to the aggregating
    agency, signed by the leader who approved it: a draft of the drafting flow with the report's
    PDF, sent for review (trình). Drafting takes it from there — the unit's review, the leader's
    digital signature, the clerk's number and seal on issue, delivery to the aggregating
    agency's incoming documents — as for any outgoing document."""
    form = report.period.form
    document_type = DocumentType.objects.filter(name=REPORT_DOCUMENT_TYPE).first()
    if document_type is None:
        raise ValidationError(_("The document type “Báo cáo” is missing."))
    subject = f"Báo cáo {form.name} — {report.period.label}"[:500]
    draft = drafting.create_draft(
        actor=actor,
        drafting_unit=_drafting_unit(report, actor),
        document_type=document_type,
        subject=subject,
        signer=actor,
        recipient_agencies=[form.aggregator],
        upload=io.BytesIO(pdf),
        file_name=f"bao-cao-{form.code}-{report.period.year}-{report.period.number}.pdf",
        note=_("Made from the report's figures"),
    )
    drafting.submit_for_review(
        actor=actor, draft=draft, comment=_("Report approved for submission")
    )
    return draft


@transaction.atomic
def record_document_arrival(*, outgoing: Document, recipient_id: int) -> AgencyReport | None:
    """An issued document was delivered to an agency (exchange's `DocumentDelivered`): when it
    is the signed document of a report waiting for it and the agency is the report's
    aggregating agency, the report is now submitted — it counts in the aggregate and may be
    accepted or returned. Any other delivery is none of the reports' business."""
    report = (
        AgencyReport.objects.select_for_update(of=("self",))
        .sent_as(outgoing, recipient_id)
        .awaiting_document()
        .first()
    )
    if report is None:
        return None
    _check_transition(report, ReportStatus.SUBMITTED)
    report.status = ReportStatus.SUBMITTED
    report.document_arrived_at = timezone.now()
    report.save(update_fields=["status", "document_arrived_at", "updated_at"])
    record_event(
        action="reports.document_arrived",
        obj=report,
        data={
            "period": report.period_id,
            "agency": report.agency_id,
            "document": outgoing.pk,
            "number": outgoing.number_and_symbol,
        },
    )
    return report


@transaction.atomic
def record_document_recall(
    *, outgoing: Document, recipient_id: int, reason: str
) -> AgencyReport | None:
    """The reporting agency recalled its report's signed document and the aggregating agency's
    copy is withdrawn (exchange's `DocumentRecalled`): the report leaves the aggregate and is
    back with its agency, returned with the recall's reason, to be corrected and submitted
    again (a new document). Accepted reports too: what the agency withdrew no longer counts."""
    report = (
        AgencyReport.objects.select_for_update(of=("self",))
        .sent_as(outgoing, recipient_id)
        .filter(status__in=RECALLABLE)
        .first()
    )
    if report is None:
        return None
    previous = report.status
    report.status = ReportStatus.RETURNED
    report.return_reason = (
        _("The report's document %(number)s was recalled by its agency: %(reason)s")
        % {"number": outgoing.number_and_symbol, "reason": reason}
    )[:2000]
    report.decided_at, report.decided_by = timezone.now(), None
    report.save(update_fields=["status", "return_reason", "decided_at", "decided_by", "updated_at"])
    record_event(
        action="reports.document_recalled",
        obj=report,
        data={
            "agency": report.agency_id,
            "document": outgoing.pk,
            "number": outgoing.number_and_symbol,
            "was": str(previous),
            "reason": reason,
        },
    )
    return report


@transaction.atomic
def take_back_report(*, report: AgencyReport, actor: User, reason: str) -> AgencyReport:
    """The agency leader takes back a report waiting for its signed document, before the
    document is issued (a figure to correct, the draft stopped in drafting): the draft is
    withdrawn (if it is not already) and the report is being filled in again."""
    report = _lock(report)
    require(can_take_back(actor, report), _("Only the agency's leader takes its report back."))
    _check_transition(report, ReportStatus.DRAFT)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the report is taken back.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("At most 2000 characters.")]})
    draft = report.document_draft
    if draft is not None:
        draft = Draft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
        if draft.document_id is not None or draft.state == DraftState.ISSUED:
            raise ValidationError(
                _("The report's document is issued: it is on its way to the aggregating agency.")
            )
        if draft.state != DraftState.WITHDRAWN:
            drafting.withdraw(actor=actor, draft=draft, reason=reason)
    report.status = ReportStatus.DRAFT
    report.save(update_fields=["status", "updated_at"])
    record_event(
        action="reports.take_back",
        actor=actor,
        obj=report,
        data={"agency": report.agency_id, "draft": report.document_draft_id, "reason": reason},
    )
    return report


@transaction.atomic
def accept_report(*, report: AgencyReport, actor: User | None) -> AgencyReport:
    report = _lock(report)
    if actor is not None:
        require(can_review(actor, report), _("Only the aggregating agency accepts a report."))
    _check_transition(report, ReportStatus.ACCEPTED)
    report.status = ReportStatus.ACCEPTED
    report.decided_at, report.decided_by = timezone.now(), actor
    report.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    record_event(
        action="reports.accept", actor=actor, obj=report, data={"agency": report.agency_id}
    )
    return report


@transaction.atomic
def return_report(*, report: AgencyReport, actor: User | None, reason: str) -> AgencyReport:
    """Send a submitted report back to its agency with the reason; it leaves the aggregate."""
    report = _lock(report)
    if actor is not None:
        require(can_review(actor, report), _("Only the aggregating agency returns a report."))
    _check_transition(report, ReportStatus.RETURNED)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the report is returned.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("At most 2000 characters.")]})
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.decided_at, report.decided_by = timezone.now(), actor
    report.save(update_fields=["status", "return_reason", "decided_at", "decided_by", "updated_at"])
    record_event(
        action="reports.return",
        actor=actor,
        obj=report,
        data={"agency": report.agency_id, "reason": reason},
    )
    return report


# --- The form's spreadsheet ----------------------------------------------------------------------

HEADER = ("Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Giá trị", "Ghi chú")
VALUE_COLUMN, NOTE_COLUMN, FIRST_ROW = "D", "E", 3


def form_xlsx(report: AgencyReport) -> bytes:
    """The form as a spreadsheet to fill in: one row per indicator (derived ones shown, not
    read back), the values already stored."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "BaoCao"
    title = f"{report.period.form.name} — {report.period.label} — {report.agency.name}"
    write_cell(sheet, 1, 1, title)
    append_row(sheet, HEADER)
    stored = {v.indicator_id: v for v in report.values.all()}
    for indicator in report.period.version.indicators.all():
        value = stored.get(indicator.pk)
        shown: Any = None
        if value is not None:
            shown = value.text or (float(value.number) if value.number is not None else None)
        append_row(
            sheet,
            [indicator.code, indicator.name, indicator.unit, shown, value.note if value else ""],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_form_xlsx(report: AgencyReport, content: bytes) -> tuple[dict[str, Any], dict[str, str]]:
    """Values and notes by code from an uploaded copy of the form, checked cell by cell; the
    errors name the cell (D7: ...)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError, TypeError):
        raise ValidationError(_("The file is not an XLSX spreadsheet.")) from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise ValidationError(_("The spreadsheet has no sheet."))
    indicators = {i.code: i for i in report.period.version.indicators.all()}
    values: dict[str, Any] = {}
    notes: dict[str, str] = {}
    errors: list[str] = []
    seen: set[str] = set()
    for row_number, row in enumerate(
        sheet.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + 500, max_col=5, values_only=True),
        start=FIRST_ROW,
    ):
        code = str(row[0]).strip() if row and row[0] is not None else ""
        if not code:
            continue
        indicator = indicators.get(code)
        if indicator is None:
            errors.append(
                _("A%(row)s: the form has no indicator %(code)s.")
                % {"row": row_number, "code": code}
            )
            continue
        if code in seen:
            errors.append(
                _("A%(row)s: %(code)s appears twice.") % {"row": row_number, "code": code}
            )
            continue
        seen.add(code)
        if indicator.is_derived:
            continue
        raw = row[3] if len(row) > 3 else None
        try:
            parse_value(indicator, raw if not isinstance(raw, int | float) else Decimal(str(raw)))
        except ValidationError as exc:
            errors.append(f"{VALUE_COLUMN}{row_number} ({code}): {' '.join(exc.messages)}")
            continue
        values[code] = (
            "" if raw is None else (Decimal(str(raw)) if isinstance(raw, int | float) else str(raw))
        )
        note = row[4] if len(row) > 4 and row[4] is not None else ""
        notes[code] = str(note)[:500]
    book.close()
    if errors:
        raise ValidationError(errors)
    if not values:
        raise ValidationError(_("No indicator's value was found in column D."))
    return values, notes


@transaction.atomic
def upload_form(*, report: AgencyReport, actor: User, content: bytes) -> AgencyReport:
    require(
        can_fill(actor, report), _("Only the agency's reporting officer or leader fills it in.")
    )
    values, notes = read_form_xlsx(report, content)
    return save_values(report=report, actor=actor, values=values, notes=notes)


def reporting_agencies(form: ReportForm) -> list[Agency]:
    return list(form.reporting_agencies.order_by("name"))
