"""Importing the catalogue from a spreadsheet (XLSX) and producing its template.

The format is documented in docs/catalogue-import.md: three sheets (procedures, dossier
components, process steps), a header row naming the columns (in any order, tone marks and case
optional), one row per item. A procedure in the file is created, or updated when its national
code exists; its components and steps are replaced by the file's. The import is all or nothing:
every row is checked first and every error reported with its sheet, row and column; one error
and nothing is written."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lienthong.accounts.models import Agency, Unit
from lienthong.core.audit import record_event
from lienthong.core.spreadsheets import append_row
from lienthong.documents.search import fold

from . import services
from .constants import CopyKind, GovernmentLevel, Level2022, StepRole
from .models import Procedure, ResultKind, Sector
from .services import ComponentSpec, StepSpec

SHEET_PROCEDURES = "Thủ tục"
SHEET_COMPONENTS = "Thành phần hồ sơ"
SHEET_STEPS = "Các bước"

# (key, header, required)
PROCEDURE_COLUMNS = [
    ("national_code", "Mã thủ tục", True),
    ("name", "Tên thủ tục", True),
    ("sector_code", "Mã lĩnh vực", True),
    ("sector_name", "Tên lĩnh vực", False),
    ("agency_code", "Mã cơ quan", True),
    ("government_level", "Cấp thực hiện", False),
    ("level_2011", "Mức độ", True),
    ("level_2022", "Dịch vụ công trực tuyến", False),
    ("applicant", "Đối tượng thực hiện", False),
    ("method", "Cách thức thực hiện", False),
    ("requirements", "Yêu cầu, điều kiện", False),
    ("legal_basis", "Căn cứ pháp lý", True),
    ("fee_vnd", "Lệ phí (đồng)", False),
    ("fee_note", "Ghi chú lệ phí", False),
    ("processing_days", "Thời hạn giải quyết (ngày làm việc)", True),
    ("result_name", "Kết quả", True),
    ("result_kind", "Loại kết quả", False),
    ("published", "Công khai", False),
]
COMPONENT_COLUMNS = [
    ("national_code", "Mã thủ tục", True),
    ("order", "STT", True),
    ("name", "Tên giấy tờ", True),
    ("copy_kind", "Loại bản", True),
    ("quantity", "Số lượng", False),
    ("required", "Bắt buộc", False),
    ("note", "Ghi chú", False),
]
STEP_COLUMNS = [
    ("national_code", "Mã thủ tục", True),
    ("order", "STT", True),
    ("name", "Tên bước", True),
    ("agency_code", "Mã cơ quan", True),
    ("unit", "Đơn vị (viết tắt)", False),
    ("role", "Vai trò", True),
    ("days", "Số ngày làm việc", True),
    ("description", "Mô tả", False),
]

# Accepted words, folded (no tone marks, lower case).
COPY_KINDS = {
    "ban chinh": CopyKind.ORIGINAL,
    "original": CopyKind.ORIGINAL,
    "ban sao": CopyKind.COPY,
    "copy": CopyKind.COPY,
    "ban sao co chung thuc": CopyKind.CERTIFIED_COPY,
    "certified_copy": CopyKind.CERTIFIED_COPY,
}
ROLES = {
    "tiep nhan": StepRole.RECEPTION,
    "reception": StepRole.RECEPTION,
    "xu ly": StepRole.PROCESSING,
    "tham dinh": StepRole.PROCESSING,
    "processing": StepRole.PROCESSING,
    "phe duyet": StepRole.APPROVAL,
    "approval": StepRole.APPROVAL,
    "tra ket qua": StepRole.RESULT,
    "result": StepRole.RESULT,
}
GOVERNMENT_LEVELS = {
    "tinh": GovernmentLevel.PROVINCE,
    "province": GovernmentLevel.PROVINCE,
    "huyen": GovernmentLevel.DISTRICT,
    "district": GovernmentLevel.DISTRICT,
    "xa": GovernmentLevel.COMMUNE,
    "commune": GovernmentLevel.COMMUNE,
}
LEVELS_2022 = {
    "": Level2022.NONE,
    "khong": Level2022.NONE,
    "toan trinh": Level2022.FULL,
    "full": Level2022.FULL,
    "mot phan": Level2022.PARTIAL,
    "partial": Level2022.PARTIAL,
}
YES = {"co", "x", "yes", "1", "true"}
NO = {"khong", "no", "0", "false", ""}

MAX_ROWS = 20_000

# What each column accepts (the template's guide sheet and the error messages say it).
COLUMN_NOTES = {
    "level_2011": "1, 2, 3 hoặc 4 (Nghị định 43/2011)",
    "level_2022": "Toàn trình, Một phần hoặc để trống (Nghị định 42/2022)",
    "government_level": "Tỉnh, Huyện hoặc Xã (mặc định: Tỉnh)",
    "processing_days": "Số ngày làm việc, một chữ số thập phân (vd. 0,5)",
    "fee_vnd": "Số đồng, 0 hoặc để trống nếu miễn phí",
    "result_kind": "Giấy phép, Giấy chứng nhận, Giấy xác nhận, Văn bản chấp thuận, Quyết định…"
    " (để trống: theo tên kết quả)",
    "published": "Có hoặc Không (mặc định Có)",
    "sector_name": "Chỉ cần khi tạo lĩnh vực mới",
    "copy_kind": "Bản chính, Bản sao hoặc Bản sao có chứng thực",
    "required": "Có hoặc Không (mặc định Có)",
    "role": "Tiếp nhận, Xử lý, Phê duyệt hoặc Trả kết quả",
    "days": "Tổng số ngày các bước bằng thời hạn giải quyết",
    "unit": "Tên viết tắt của đơn vị trong cơ quan, có thể để trống",
}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("sheet “%(sheet)s”, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += ", " + _("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """The spreadsheet was refused; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    components: int = 0
    steps: int = 0


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]

    def column(self, key: str, headers: list[tuple[str, str, bool]]) -> str:
        header = next(h for k, h, _r in headers if k == key)
        return f"{self.letters.get(key, '?')} ({header})"


@dataclass
class _Parsed:
    fields: dict[str, Any]
    publish: bool
    row: _Row
    components: list[tuple[_Row, ComponentSpec]] = field(default_factory=list)
    steps: list[tuple[_Row, StepSpec]] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Reader:
    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def error(self, row: _Row, key: str, headers: list[Any], message: str) -> None:
        column = row.column(key, headers) if key else ""
        self.errors.append(RowError(row.sheet, row.number, column, message))

    def rows(self, workbook: Any, sheet: str, headers: list[tuple[str, str, bool]]) -> list[_Row]:
        if sheet not in workbook.sheetnames:
            self.errors.append(
                RowError(sheet, 0, "", _("The sheet “%(sheet)s” is missing.") % {"sheet": sheet})
            )
            return []
        worksheet = workbook[sheet]
        iterator: Iterator[tuple[Any, ...]] = worksheet.iter_rows(values_only=True)
        header_row = next(iterator, None) or ()
        wanted = {fold(header): key for key, header, _r in headers}
        positions: dict[str, int] = {}
        for index, cell in enumerate(header_row):
            key = wanted.get(fold(_text(cell)))
            if key is not None:
                positions[key] = index
        missing = [header for key, header, required in headers if required and key not in positions]
        for header in missing:
            self.errors.append(
                RowError(
                    sheet, 1, "", _("The column “%(header)s” is missing.") % {"header": header}
                )
            )
        if missing:
            return []
        letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
        rows = []
        for number, raw in enumerate(iterator, start=2):
            if number > MAX_ROWS:
                self.errors.append(
                    RowError(
                        sheet, number, "", _("Too many rows (at most %(n)s).") % {"n": MAX_ROWS}
                    )
                )
                break
            values = {
                key: (raw[index] if index < len(raw) else None) for key, index in positions.items()
            }
            if all(_text(v) == "" for v in values.values()):
                continue
            rows.append(_Row(sheet, number, values, letters))
        return rows

    def required(self, row: _Row, key: str, headers: list[Any]) -> str:
        value = _text(row.values.get(key))
        if not value:
            self.error(row, key, headers, _("This cell is required."))
        return value

    def integer(
        self, row: _Row, key: str, headers: list[Any], *, default: int | None, low: int, high: int
    ) -> int | None:
        text = _text(row.values.get(key)).replace(".", "").replace(" ", "")
        if not text:
            if default is None:
                self.error(row, key, headers, _("This cell is required."))
            return default
        try:
            value = int(text)
        except ValueError:
            self.error(row, key, headers, _("“%(value)s” is not a whole number.") % {"value": text})
            return None
        if not low <= value <= high:
            self.error(
                row,
                key,
                headers,
                _("%(value)s is not between %(low)s and %(high)s.")
                % {"value": value, "low": low, "high": high},
            )
            return None
        return value

    def days(self, row: _Row, key: str, headers: list[Any], *, minimum: Decimal) -> Decimal | None:
        text = _text(row.values.get(key)).replace(",", ".")
        if not text:
            self.error(row, key, headers, _("This cell is required."))
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.error(
                row, key, headers, _("“%(value)s” is not a number of days.") % {"value": text}
            )
            return None
        if value < minimum or value != value.quantize(Decimal("0.1")) or value >= 10_000:
            self.error(
                row,
                key,
                headers,
                _("%(value)s is not a number of working days (at least %(min)s, one decimal).")
                % {"value": text, "min": minimum},
            )
            return None
        return value

    def choice(
        self,
        row: _Row,
        key: str,
        headers: list[Any],
        choices: Mapping[str, str],
        default: str | None,
    ) -> str | None:
        text = _text(row.values.get(key))
        if not text and default is not None:
            return default
        value = choices.get(fold(text))
        if value is None:
            accepted = COLUMN_NOTES.get(key, ", ".join(sorted(k for k in choices if k)))
            self.error(
                row,
                key,
                headers,
                _("“%(value)s” is not one of the accepted values (%(accepted)s).")
                % {"value": text, "accepted": accepted},
            )
        return value

    def boolean(self, row: _Row, key: str, headers: list[Any], default: bool) -> bool:
        text = fold(_text(row.values.get(key)))
        if not text:
            return default
        if text in YES:
            return True
        if text in NO:
            return False
        self.error(row, key, headers, _("Write “Có” or “Không”."))
        return default


def _parse(workbook: Any, actor: Any) -> tuple[list[_Parsed], list[RowError]]:
    reader = _Reader()
    procedure_rows = reader.rows(workbook, SHEET_PROCEDURES, PROCEDURE_COLUMNS)
    component_rows = reader.rows(workbook, SHEET_COMPONENTS, COMPONENT_COLUMNS)
    step_rows = reader.rows(workbook, SHEET_STEPS, STEP_COLUMNS)
    agencies = {a.code: a for a in Agency.objects.all()}
    new_sectors: dict[str, str] = {}
    parsed = _parse_procedures(reader, procedure_rows, actor, agencies, new_sectors)
    _parse_components(reader, component_rows, parsed)
    _parse_steps(reader, step_rows, parsed, agencies)
    _check_procedures(reader, parsed)
    for code, name in new_sectors.items():
        for item in parsed.values():
            if item.fields["sector"] == code:
                item.fields["sector"] = Sector(code=code, name=name)
    return list(parsed.values()), reader.errors


def _parse_procedures(
    reader: _Reader,
    rows: list[_Row],
    actor: Any,
    agencies: dict[str, Agency],
    new_sectors: dict[str, str],
) -> dict[str, _Parsed]:
    """The rows of the procedures sheet, by national code; sectors to create go to
    `new_sectors` (code → name)."""
    sectors = {s.code: s for s in Sector.objects.all()}
    result_kinds = {k.name: k for k in ResultKind.objects.filter(is_active=True)}
    kind_names = {fold(name): name for name in result_kinds}
    parsed: dict[str, _Parsed] = {}
    headers = PROCEDURE_COLUMNS
    for row in rows:
        code = reader.required(row, "national_code", headers)
        if code and len(code) > 40:
            reader.error(row, "national_code", headers, _("At most 40 characters."))
        if code in parsed:
            reader.error(
                row,
                "national_code",
                headers,
                _("The code %(code)s is already on row %(row)s.")
                % {"code": code, "row": parsed[code].row.number},
            )
            continue
        name = reader.required(row, "name", headers)
        sector_code = reader.required(row, "sector_code", headers)
        sector = sectors.get(sector_code)
        if sector is None and sector_code:
            _new_sector(reader, row, actor, sector_code, new_sectors)
        agency_code = reader.required(row, "agency_code", headers)
        agency = agencies.get(agency_code)
        _check_procedure_agency(reader, row, actor, agency_code, agency)
        legal_basis = reader.required(row, "legal_basis", headers)
        result_name = reader.required(row, "result_name", headers)
        fields = {
            "national_code": code,
            "name": name,
            "sector": sector if sector is not None else sector_code,
            "agency": agency,
            "government_level": reader.choice(
                row, "government_level", headers, GOVERNMENT_LEVELS, GovernmentLevel.PROVINCE
            ),
            "level_2011": reader.integer(row, "level_2011", headers, default=None, low=1, high=4),
            "level_2022": reader.choice(row, "level_2022", headers, LEVELS_2022, Level2022.NONE),
            "applicant": _text(row.values.get("applicant"))[:300],
            "method": _text(row.values.get("method")),
            "requirements": _text(row.values.get("requirements")),
            "legal_basis": legal_basis,
            "fee_vnd": reader.integer(row, "fee_vnd", headers, default=0, low=0, high=10**12),
            "fee_note": _text(row.values.get("fee_note"))[:500],
            "processing_days": reader.days(row, "processing_days", headers, minimum=Decimal("0.5")),
            "result_name": result_name,
            "result_kind": result_kinds.get(
                reader.choice(row, "result_kind", headers, kind_names, "") or ""
            ),
        }
        for key, text, limit in (("name", name, 500), ("result_name", result_name, 300)):
            if len(text) > limit:
                reader.error(row, key, headers, _("At most %(n)s characters.") % {"n": limit})
        publish = reader.boolean(row, "published", headers, default=True)
        parsed[code] = _Parsed(fields=fields, publish=publish, row=row)
    return parsed


def _new_sector(
    reader: _Reader, row: _Row, actor: Any, sector_code: str, new_sectors: dict[str, str]
) -> None:
    """An unknown sector code: created from its name by a system administrator, else an error."""
    headers = PROCEDURE_COLUMNS
    sector_name = _text(row.values.get("sector_name"))
    if not sector_name:
        reader.error(
            row,
            "sector_code",
            headers,
            _("No sector has the code “%(code)s”; give its name to create it.")
            % {"code": sector_code},
        )
    elif actor is not None and services.editable_agency_ids(actor) is not None:
        reader.error(
            row,
            "sector_code",
            headers,
            _("No sector has the code “%(code)s”; only a system administrator adds one.")
            % {"code": sector_code},
        )
    else:
        new_sectors[sector_code] = sector_name


def _check_procedure_agency(
    reader: _Reader, row: _Row, actor: Any, agency_code: str, agency: Agency | None
) -> None:
    """The procedure's agency exists, is active, and the importer may edit its procedures."""
    headers = PROCEDURE_COLUMNS
    if agency_code and (agency is None or not agency.is_active):
        reader.error(
            row,
            "agency_code",
            headers,
            _("No active agency has the code “%(code)s”.") % {"code": agency_code},
        )
    elif agency is not None and not services.may_edit(actor, agency.pk):
        reader.error(
            row,
            "agency_code",
            headers,
            _("You may not edit the procedures of %(agency)s.") % {"agency": agency.name},
        )


def _target(
    reader: _Reader, row: _Row, headers: list[Any], parsed: dict[str, _Parsed]
) -> _Parsed | None:
    """The procedure a component or step row belongs to (None, with an error, if unknown)."""
    code = reader.required(row, "national_code", headers)
    target = parsed.get(code)
    if code and target is None:
        reader.error(
            row,
            "national_code",
            headers,
            _("The procedure %(code)s is not on the sheet “%(sheet)s”.")
            % {"code": code, "sheet": SHEET_PROCEDURES},
        )
    return target


def _parse_components(reader: _Reader, rows: list[_Row], parsed: dict[str, _Parsed]) -> None:
    """The rows of the components sheet, appended to their procedures."""
    headers = COMPONENT_COLUMNS
    for row in rows:
        target = _target(reader, row, headers, parsed)
        order = reader.integer(row, "order", headers, default=None, low=1, high=500)
        name = reader.required(row, "name", headers)[:500]
        kind = reader.choice(row, "copy_kind", headers, COPY_KINDS, None)
        quantity = reader.integer(row, "quantity", headers, default=1, low=1, high=100)
        required = reader.boolean(row, "required", headers, default=True)
        if target is not None and order is not None and kind is not None and quantity:
            if any(spec.order == order for _r, spec in target.components):
                reader.error(row, "order", headers, _("This number is already used."))
            target.components.append(
                (
                    row,
                    ComponentSpec(
                        order=order,
                        name=name,
                        copy_kind=kind,
                        quantity=quantity,
                        required=required,
                        note=_text(row.values.get("note"))[:500],
                    ),
                )
            )


def _parse_steps(
    reader: _Reader, rows: list[_Row], parsed: dict[str, _Parsed], agencies: dict[str, Agency]
) -> None:
    """The rows of the steps sheet, appended to their procedures."""
    headers = STEP_COLUMNS
    units = {(u.agency_id, fold(u.abbreviation)): u for u in Unit.objects.filter(is_active=True)}
    for row in rows:
        target = _target(reader, row, headers, parsed)
        order = reader.integer(row, "order", headers, default=None, low=1, high=100)
        name = reader.required(row, "name", headers)[:300]
        agency_code = reader.required(row, "agency_code", headers)
        agency = agencies.get(agency_code)
        if agency_code and (agency is None or not agency.is_active):
            reader.error(
                row,
                "agency_code",
                headers,
                _("No active agency has the code “%(code)s”.") % {"code": agency_code},
            )
            agency = None
        unit = None
        unit_text = _text(row.values.get("unit"))
        if unit_text and agency is not None:
            unit = units.get((agency.pk, fold(unit_text)))
            if unit is None:
                reader.error(
                    row,
                    "unit",
                    headers,
                    _("%(agency)s has no unit “%(unit)s”.")
                    % {"agency": agency.name, "unit": unit_text},
                )
        role = reader.choice(row, "role", headers, ROLES, None)
        days = reader.days(row, "days", headers, minimum=Decimal(0))
        if target is not None and None not in (order, agency, role, days):
            target.steps.append(
                (
                    row,
                    StepSpec(
                        order=order,  # type: ignore[arg-type]
                        name=name,
                        agency=agency,  # type: ignore[arg-type]
                        role=role,  # type: ignore[arg-type]
                        days=days,  # type: ignore[arg-type]
                        unit=unit,
                        description=_text(row.values.get("description"))[:500],
                    ),
                )
            )


def _check_procedures(reader: _Reader, parsed: dict[str, _Parsed]) -> None:
    """Whole-procedure checks: numbering and the days adding up to the processing time."""
    for item in parsed.values():
        days = item.fields["processing_days"]
        specs = [spec for _r, spec in item.steps]
        problems = services.validate_steps(processing_days=days, steps=specs)
        for index, messages in problems.by_index.items():
            for message in messages:
                reader.error(item.steps[index][0], "", STEP_COLUMNS, message)
        for message in problems.general:
            reader.error(item.row, "processing_days", PROCEDURE_COLUMNS, message)
        if item.publish and not specs:
            reader.error(
                item.row,
                "published",
                PROCEDURE_COLUMNS,
                _("A published procedure needs its steps on the sheet “%(sheet)s”.")
                % {"sheet": SHEET_STEPS},
            )
        for message in services.validate_components([spec for _r, spec in item.components]):
            reader.error(item.row, "national_code", PROCEDURE_COLUMNS, message)


def import_catalogue(*, actor: Any, upload: IO[bytes], file_name: str = "") -> ImportResult:
    """Import a catalogue spreadsheet: everything or nothing. Raises ImportFailed with every
    error found (sheet, row, column, message); otherwise returns what was written."""
    if actor is not None and services.editable_agency_ids(actor) == set():
        raise PermissionDenied(
            _("Only system administrators and agency administrators edit the catalogue.")
        )
    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a file that is not XLSX
        raise ImportFailed(
            [RowError(file_name or "XLSX", 0, "", _("This is not a readable XLSX spreadsheet."))]
        ) from exc
    try:
        parsed, errors = _parse(workbook, actor)
    finally:
        workbook.close()
    if not parsed and not errors:
        errors = [RowError(SHEET_PROCEDURES, 2, "", _("The spreadsheet has no procedure."))]
    if errors:
        order = {SHEET_PROCEDURES: 0, SHEET_COMPONENTS: 1, SHEET_STEPS: 2}
        errors.sort(key=lambda e: (order.get(e.sheet, 3), e.row, e.column))
        raise ImportFailed(errors)
    result = ImportResult()
    with transaction.atomic():
        created_sectors: dict[str, Sector] = {}
        for item in parsed:
            sector = item.fields["sector"]
            if isinstance(sector, Sector) and sector.pk is None:
                if sector.code not in created_sectors:
                    created_sectors[sector.code] = services.save_sector(
                        actor=actor, code=sector.code, name=sector.name
                    )
                item.fields["sector"] = created_sectors[sector.code]
            components = [spec for _r, spec in item.components]
            steps = [spec for _r, spec in item.steps]
            try:
                existing = Procedure.objects.filter(
                    national_code=item.fields["national_code"]
                ).first()
                if existing is None:
                    services.create_procedure(
                        actor=actor,
                        fields=item.fields,
                        components=components,
                        steps=steps,
                        publish=item.publish,
                    )
                    result.created += 1
                else:
                    if not services.may_edit(actor, existing.agency_id):
                        raise PermissionDenied(
                            _("You may not edit the procedures of %(agency)s.")
                            % {"agency": existing.agency.name}
                        )
                    procedure = services.update_procedure(
                        actor=actor,
                        procedure=existing,
                        fields=item.fields,
                        components=_keep_forms(existing, components),
                        steps=steps,
                    )
                    if item.publish:
                        services.publish_procedure(actor=actor, procedure=procedure)
                    else:
                        services.unpublish_procedure(actor=actor, procedure=procedure)
                    result.updated += 1
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise ImportFailed(
                    [
                        RowError(SHEET_PROCEDURES, item.row.number, "", message)
                        for message in messages
                    ]
                ) from exc
            result.components += len(components)
            result.steps += len(steps)
        record_event(
            action="catalogue.imported",
            actor=actor,
            data={
                "file": file_name[:200],
                "created": result.created,
                "updated": result.updated,
                "components": result.components,
                "steps": result.steps,
            },
            actor_username="" if actor is not None else "import_catalogue",
        )
    return result


def _keep_forms(procedure: Procedure, components: list[ComponentSpec]) -> list[ComponentSpec]:
    """Components re-imported under the same number keep the form they were linked to."""
    forms = {c.order: c.form for c in procedure.components.select_related("form")}
    return [
        ComponentSpec(
            order=c.order,
            name=c.name,
            copy_kind=c.copy_kind,
            quantity=c.quantity,
            required=c.required,
            form=forms.get(c.order),
            note=c.note,
        )
        for c in components
    ]


# --- The template --------------------------------------------------------------------------------

EXAMPLE_PROCEDURE = {
    "national_code": "T-CMU-999001-TT",
    "name": "Cấp giấy phép xuất bản bản tin (ví dụ)",
    "sector_code": "BAO-CHI",
    "sector_name": "Báo chí",
    "agency_code": "000.00.11.H12",
    "government_level": "Tỉnh",
    "level_2011": 3,
    "level_2022": "Một phần",
    "applicant": "Tổ chức",
    "method": "Nộp trực tiếp, qua bưu điện hoặc trực tuyến.",
    "requirements": "",
    "legal_basis": "Luật Báo chí ngày 28/12/1989;\nNghị định số 51/2002/NĐ-CP ngày 26/4/2002.",
    "fee_vnd": 0,
    "fee_note": "",
    "processing_days": 15,
    "result_name": "Giấy phép xuất bản bản tin",
    "result_kind": "Giấy phép",
    "published": "Không",
}
EXAMPLE_COMPONENTS = [
    ("T-CMU-999001-TT", 1, "Đơn đề nghị cấp giấy phép", "Bản chính", 1, "Có", ""),
    ("T-CMU-999001-TT", 2, "Quyết định thành lập", "Bản sao có chứng thực", 1, "Có", ""),
    ("T-CMU-999001-TT", 3, "Mẫu trình bày măng-sét", "Bản chính", 2, "Không", ""),
]
EXAMPLE_STEPS = [
    ("T-CMU-999001-TT", 1, "Tiếp nhận hồ sơ", "000.00.11.H12", "MC", "Tiếp nhận", 0.5, ""),
    ("T-CMU-999001-TT", 2, "Thẩm định hồ sơ", "000.00.11.H12", "TTBCXB", "Xử lý", 13, ""),
    ("T-CMU-999001-TT", 3, "Lãnh đạo Sở ký duyệt", "000.00.11.H12", "", "Phê duyệt", 1, ""),
    ("T-CMU-999001-TT", 4, "Trả kết quả", "000.00.11.H12", "MC", "Trả kết quả", 0.5, ""),
]

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="A50E0E")


def _sheet(workbook: Workbook, title: str, columns: list[Any], rows: list[Any]) -> None:
    sheet = workbook.create_sheet(title)
    for cell in append_row(sheet, [header for _k, header, _r in columns]):
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for index, (_k, header, _r) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header) + 4))
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"


def template_workbook(*, with_example: bool = True) -> bytes:
    """The import template: the three sheets with their headers (and one example procedure of
    the demo province, not published), plus a sheet explaining the columns."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = "Hướng dẫn"
    for cell in append_row(guide, ["Sheet", "Cột", "Bắt buộc", "Giá trị"]):
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for sheet_name, columns in (
        (SHEET_PROCEDURES, PROCEDURE_COLUMNS),
        (SHEET_COMPONENTS, COMPONENT_COLUMNS),
        (SHEET_STEPS, STEP_COLUMNS),
    ):
        for key, header, required in columns:
            append_row(
                guide, [sheet_name, header, "Có" if required else "", COLUMN_NOTES.get(key, "")]
            )
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 36
    guide.column_dimensions["D"].width = 60
    example = [EXAMPLE_PROCEDURE[key] for key, _h, _r in PROCEDURE_COLUMNS]
    _sheet(workbook, SHEET_PROCEDURES, PROCEDURE_COLUMNS, [example] if with_example else [])
    _sheet(
        workbook, SHEET_COMPONENTS, COMPONENT_COLUMNS, EXAMPLE_COMPONENTS if with_example else []
    )
    _sheet(workbook, SHEET_STEPS, STEP_COLUMNS, EXAMPLE_STEPS if with_example else [])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
