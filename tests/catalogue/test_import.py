"""The spreadsheet import: the template imports as is, every error is reported with its place,
and a file with one bad row writes nothing at all."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.catalogue.models import Procedure, Sector
from lienthong.catalogue.spreadsheet import (
    SHEET_COMPONENTS,
    SHEET_PROCEDURES,
    SHEET_STEPS,
    ImportFailed,
    import_catalogue,
    template_workbook,
)
from lienthong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DIC = "000.00.11.H12"


def _edit(content: bytes, change: Callable[[Any], None]) -> io.BytesIO:
    workbook = load_workbook(io.BytesIO(content))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _add_second_procedure(workbook: Any, *, days: Any = 5, agency: str = DIC) -> None:
    code = "T-CMU-999002-TT"
    procedures = workbook[SHEET_PROCEDURES]
    row = [cell.value for cell in procedures[2]]
    row[0], row[1], row[14], row[17] = code, "Cho phép họp báo (ví dụ)", days, "Có"
    row[4] = agency
    procedures.append(row)
    workbook[SHEET_COMPONENTS].append([code, 1, "Văn bản thông báo họp báo", "Bản chính", 1, "Có"])
    steps = workbook[SHEET_STEPS]
    steps.append([code, 1, "Tiếp nhận", DIC, "MC", "Tiếp nhận", 1])
    steps.append([code, 2, "Xử lý", DIC, "", "Xu ly", 4])


def test_the_template_imports_as_is(import_agencies: Any) -> None:
    result = import_catalogue(actor=None, upload=io.BytesIO(template_workbook()))

    assert (result.created, result.updated, result.components, result.steps) == (1, 0, 3, 4)
    procedure = Procedure.objects.get(national_code="T-CMU-999001-TT")
    assert not procedure.is_published  # the example says “Không”
    assert procedure.agency.code == DIC
    assert procedure.level_2022 == "partial"
    assert procedure.processing_days == 15
    assert [c.copy_kind for c in procedure.components.all()] == [
        "original",
        "certified_copy",
        "original",
    ]
    assert not procedure.components.get(order=3).required
    steps = list(procedure.steps.select_related("unit"))
    assert [s.role for s in steps] == ["reception", "processing", "approval", "result"]
    assert steps[0].unit is not None and steps[0].unit.abbreviation == "MC"
    assert Sector.objects.get(code="BAO-CHI").name == "Báo chí"
    assert AuditEvent.objects.filter(action="catalogue.imported").count() == 1


def test_importing_again_updates_and_replaces_the_lists(import_agencies: Any) -> None:
    import_catalogue(actor=None, upload=io.BytesIO(template_workbook()))

    def fewer(workbook: Any) -> None:
        workbook[SHEET_PROCEDURES]["B2"] = "Tên mới"
        workbook[SHEET_COMPONENTS].delete_rows(4)

    result = import_catalogue(actor=None, upload=_edit(template_workbook(), fewer))
    assert (result.created, result.updated) == (0, 1)
    procedure = Procedure.objects.get(national_code="T-CMU-999001-TT")
    assert procedure.name == "Tên mới"
    assert procedure.components.count() == 2


def test_errors_name_sheet_row_and_column_and_nothing_is_written(
    import_agencies: Any, db_snapshot: Callable[[], dict[str, int]]
) -> None:
    def spoil(workbook: Any) -> None:
        _add_second_procedure(workbook)  # itself valid
        workbook[SHEET_PROCEDURES]["G2"] = 7  # level 7
        workbook[SHEET_PROCEDURES]["E2"] = "000.00.99.H12"  # no such agency
        workbook[SHEET_COMPONENTS]["D3"] = "Bản photo"  # not a kind
        workbook[SHEET_STEPS]["G3"] = "mười"  # not a number

    before = db_snapshot()
    with pytest.raises(ImportFailed) as failed:
        import_catalogue(actor=None, upload=_edit(template_workbook(), spoil))
    assert db_snapshot() == before

    places = {(e.sheet, e.row, e.column.split(" ")[0]) for e in failed.value.errors}
    assert (SHEET_PROCEDURES, 2, "G") in places
    assert (SHEET_PROCEDURES, 2, "E") in places
    assert (SHEET_COMPONENTS, 3, "D") in places
    assert (SHEET_STEPS, 3, "G") in places
    agency_error = next(e for e in failed.value.errors if e.column.startswith("E"))
    assert "000.00.99.H12" in agency_error.message
    assert "Mã cơ quan" in agency_error.column


def test_steps_not_adding_up_refuse_the_whole_file(
    import_agencies: Any, db_snapshot: Callable[[], dict[str, int]]
) -> None:
    before = db_snapshot()
    upload = _edit(template_workbook(), lambda wb: _add_second_procedure(wb, days=6))
    with pytest.raises(ImportFailed) as failed:
        import_catalogue(actor=None, upload=upload)
    assert db_snapshot() == before  # the first, valid procedure is not imported either
    [error] = failed.value.errors
    assert (error.sheet, error.row) == (SHEET_PROCEDURES, 3)
    assert "5" in error.message and "6" in error.message


def test_a_failure_while_writing_rolls_back_the_procedures_already_written(
    import_agencies: Any,
    db_snapshot: Callable[[], dict[str, int]],
    user_factory: Callable[..., User],
) -> None:
    # The second procedure's code exists already and belongs to an agency the importing
    # administrator may not edit: found only when writing, after the first one was written.
    justice = Agency.objects.get(code="000.00.05.H12")
    import_catalogue(
        actor=None,
        upload=_edit(
            template_workbook(),
            lambda wb: (
                wb[SHEET_PROCEDURES].__setitem__("A2", "T-CMU-999002-TT"),
                wb[SHEET_PROCEDURES].__setitem__("E2", justice.code),
                [wb[SHEET_COMPONENTS].__setitem__(f"A{r}", "T-CMU-999002-TT") for r in (2, 3, 4)],
                [
                    wb[SHEET_STEPS].__setitem__(f"{c}{r}", v)
                    for r in (2, 3, 4, 5)
                    for c, v in (("A", "T-CMU-999002-TT"), ("D", justice.code), ("E", ""))
                ],
            ),
        ),
    )
    dic_admin = user_factory(Agency.objects.get(code=DIC), roles=[Role.AGENCY_ADMIN])
    before = db_snapshot()
    with pytest.raises(ImportFailed) as failed:
        import_catalogue(actor=dic_admin, upload=_edit(template_workbook(), _add_second_procedure))
    assert db_snapshot() == before
    assert not Procedure.objects.filter(national_code="T-CMU-999001-TT").exists()
    assert failed.value.errors[0].row == 3


def test_an_agency_admin_imports_only_for_their_agency(
    import_agencies: Any, user_factory: Callable[..., User]
) -> None:
    justice_admin = user_factory(
        Agency.objects.get(code="000.00.05.H12"), roles=[Role.AGENCY_ADMIN]
    )
    with pytest.raises(ImportFailed) as failed:
        import_catalogue(actor=justice_admin, upload=io.BytesIO(template_workbook()))
    assert any(e.column.startswith("E") for e in failed.value.errors)
    assert not Procedure.objects.exists()


def test_missing_sheets_columns_and_garbage_are_clear_errors(import_agencies: Any) -> None:
    def drop(workbook: Any) -> None:
        del workbook[SHEET_STEPS]
        workbook[SHEET_PROCEDURES]["B1"] = "Tên gọi khác"

    with pytest.raises(ImportFailed) as failed:
        import_catalogue(actor=None, upload=_edit(template_workbook(), drop))
    messages = " ".join(e.message for e in failed.value.errors)
    assert SHEET_STEPS in messages and "Tên thủ tục" in messages

    with pytest.raises(ImportFailed) as garbage:
        import_catalogue(actor=None, upload=io.BytesIO(b"not a spreadsheet"))
    assert len(garbage.value.errors) == 1


def test_headers_match_without_tone_marks_and_in_any_order(import_agencies: Any) -> None:
    def reorder(workbook: Any) -> None:
        sheet = workbook[SHEET_STEPS]
        for cell in sheet[1]:
            cell.value = {"Số ngày làm việc": "so ngay lam viec"}.get(cell.value, cell.value)
        sheet.move_range("A1:A5", cols=10)  # the code column last

    result = import_catalogue(actor=None, upload=_edit(template_workbook(), reorder))
    assert result.steps == 4


def test_management_command_imports_and_reports_errors(import_agencies: Any, tmp_path: Any) -> None:
    template = tmp_path / "mau.xlsx"
    call_command("import_catalogue", str(template), "--template")
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(
        _edit(template.read_bytes(), lambda wb: wb[SHEET_STEPS].__setitem__("G2", -1)).getvalue()
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(bad), stderr=err)
    assert "Các bước" in err.getvalue() and "G" in err.getvalue()
    assert not Procedure.objects.exists()

    out = io.StringIO()
    call_command("import_catalogue", str(template), stdout=out)
    assert "1" in out.getvalue()
    assert Procedure.objects.get().processing_days == Decimal(15)
