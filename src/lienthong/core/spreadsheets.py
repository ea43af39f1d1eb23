"""The one way cells of the spreadsheets the platform produces are written (XLSX through openpyxl,
CSV through the csv module), so that no text is ever taken for a formula.

Names come from people (an agency administrator names procedures, applicants name themselves);
a name such as ``=HYPERLINK("http://…","Bấm vào đây")`` must reach a spreadsheet as text, not as
a live formula (CSV or formula injection, OWASP). Text that a spreadsheet program would read as a
formula is one starting with ``=``, ``+``, ``-``, ``@`` (or their full-width forms U+FF1D, U+FF0B,
U+FF0D, U+FF20, which some programs fold to ASCII), a tab, a carriage return or a line feed.

- XLSX: every string is a string cell (``data_type = "s"``, never ``"f"``), and one that would be
  read as a formula also carries Excel's *quote prefix* style: what typing a leading apostrophe
  does in Excel or LibreOffice, so that editing the cell does not turn it into a formula either.
  The text shown is the text stored.
- CSV: a string that would be read as a formula is written with a leading apostrophe (``'``), as
  OWASP advises; the csv module quotes separators and quotes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program could take this text for a formula (or a command)."""
    return text.startswith(FORMULA_STARTS)


def _plain(value: Any) -> Any:
    """Decimals as numbers, everything else as it is."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _fill(cell: Cell, value: Any) -> Cell:
    value = _plain(value)
    if not (value is None or isinstance(value, str | int | float | date | datetime | time)):
        value = str(value)  # lazy translations and other objects: their text
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"  # openpyxl makes text starting with "=" a formula: undo that
        if looks_like_formula(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def xlsx_cell(sheet: Worksheet, value: Any) -> Cell:
    """A new cell of `sheet` holding `value`, never a formula (for `sheet.append`)."""
    return _fill(Cell(sheet), value)


def append_row(sheet: Worksheet, values: Iterable[Any]) -> tuple[Cell, ...]:
    """Add a row of values below the last one; returns its cells."""
    cells = tuple(xlsx_cell(sheet, value) for value in values)
    sheet.append(cells)
    return cells


def write_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Put `value` at (row, column) of `sheet`, never as a formula; returns the cell."""
    return _fill(sheet.cell(row=row, column=column), value)


def csv_value(value: Any) -> Any:
    """A value for a CSV cell: text that could be read as a formula gets a leading apostrophe."""
    value = _plain(value)
    if value is None:
        return ""
    if not isinstance(value, int | float | str):
        value = str(value)
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class CsvWriter:
    """`csv.writer` whose every cell goes through `csv_value`."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow([csv_value(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
