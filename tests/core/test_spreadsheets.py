"""The one cell writer of the platform's spreadsheets (core.spreadsheets): text that a
spreadsheet program would take for a formula stays text, in XLSX and in CSV; every module that
writes a workbook or a CSV file goes through it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from lienthong.catalogue.spreadsheet import template_workbook
from lienthong.core.spreadsheets import CsvWriter, append_row, looks_like_formula, write_cell

PAYLOADS = [
    '=HYPERLINK("http://evil.invalid","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    '\uff1dHYPERLINK("http://evil.invalid")',  # full-width equals sign
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
]
SRC = Path(__file__).resolve().parents[2] / "src" / "lienthong"


def assert_no_formula(book: Any) -> set[str]:
    """No cell of the workbook is a formula, and every formula-like text is marked as text
    (Excel's quote prefix, what a leading apostrophe does); returns the texts written."""
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    if looks_like_formula(cell.value):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    return texts


def _round_trip(book: Workbook) -> Any:
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_xlsx_cells_are_text_never_formulas() -> None:
    book = Workbook()
    sheet = book.active
    append_row(sheet, PAYLOADS)
    for column, payload in enumerate(PAYLOADS, start=1):
        write_cell(sheet, 3, column, payload)
    append_row(sheet, ["Sở Tư pháp", 42, -5, 2.5, None])
    loaded = _round_trip(book)
    assert assert_no_formula(loaded) >= set(PAYLOADS) - {"\r=1+1"}  # XML keeps CR as LF
    values = list(loaded.active.iter_rows(values_only=True))
    assert values[0] == values[2]
    # Ordinary text and numbers are left as they are.
    assert values[3][:4] == ("Sở Tư pháp", 42, -5, 2.5)
    assert not loaded.active.cell(row=4, column=1).quotePrefix


def test_csv_cells_that_look_like_formulas_start_with_an_apostrophe() -> None:
    stream = io.StringIO()
    writer = CsvWriter(stream)
    writer.writerow(PAYLOADS)
    writer.writerows([["Sở Tư pháp", 42, -5, None, "a,b"]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == ["'" + p for p in PAYLOADS]
    assert rows[1] == ["Sở Tư pháp", "42", "-5", "", "a,b"]
    for cell in rows[0]:
        assert not looks_like_formula(cell)


def test_the_catalogue_import_template_has_no_formula() -> None:
    assert_no_formula(load_workbook(io.BytesIO(template_workbook())))


WRITES_SPREADSHEETS = re.compile(r"\bWorkbook\(|csv\.writer|csv\.DictWriter|\.append\(\[")


def test_every_spreadsheet_writer_goes_through_the_safe_cell_writer() -> None:
    """A module that makes a workbook or a CSV file must write its cells with
    core.spreadsheets, whose functions it imports (openpyxl's own `append` and `cell(value=…)`
    and the csv module's writers turn `=…` into formulas)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "spreadsheets.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        if not WRITES_SPREADSHEETS.search(text):
            continue
        raw_writes = re.search(
            r"\b(sheet|ws|guide|worksheet)\.append\(|csv\.(Dict)?[wW]riter", text
        )
        if "Workbook(" in text or raw_writes:
            uses_writer = "lienthong.core.spreadsheets import" in text
            if raw_writes or not uses_writer:
                offenders.append(str(path.relative_to(SRC)))
    assert offenders == []
