"""The formula language of report forms: what it computes, and what it refuses (table-driven)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from lienthong.reports.expressions import FormulaError, check_formulas, evaluate, parse


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The messages are checked in English (the msgids), whatever language ran before."""
    with translation.override("en"):
        yield


VALUES = {"A": Decimal(10), "B": Decimal(4), "C": Decimal(0), "E": None}


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("A + B", Decimal(14)),
        ("A - B * 2", Decimal(2)),
        ("(A - B) * 2", Decimal(12)),
        ("-A + 1", Decimal(-9)),
        ("A / B", Decimal("2.5")),
        ("A / C", None),  # division by zero: a gap, not an error and not 0
        ("A + E", None),  # an empty operand: a gap
        ("SUM(A, B, 1)", Decimal(15)),
        ("SUM(A, E)", None),
        ("MIN(A, B)", Decimal(4)),
        ("MAX(A, B, 12.5)", Decimal("12.5")),
        ("ROUND(B / 3 * 100, 2)", Decimal("133.33")),
        ("IF0(E, 7)", Decimal(7)),
        ("IF0(A, 7)", Decimal(10)),
        ("0.1 + 0.2", Decimal("0.3")),  # decimal, not binary floating point
    ],
)
def test_formula_value(formula: str, expected: Decimal | None) -> None:
    assert evaluate(formula, VALUES) == expected


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("", "empty"),
        ("A +", "not well formed"),
        ("__import__('os').system('id')", "Only the functions"),
        ("A.real", "not allowed"),
        ("A[0]", "not allowed"),
        ("A if B else C", "not allowed"),
        ("A > B", "not allowed"),
        ("A ** 100000", "not allowed"),
        ("'text'", "not allowed"),
        ("lambda: 1", "not allowed"),
        ("[A, B]", "not allowed"),
        ("SUM()", "at least one argument"),
        ("ROUND(A)", "two arguments"),
        ("SUM(*A)", "not allowed"),
        ("open(A)", "Only the functions"),
        ("SUM", "not an indicator code"),
        ("_secret + 1", "not an indicator code"),
        ("A" * 501, "longer than"),
        ("(" * 40 + "A" + ")" * 40 + " + " + "+".join(["A"] * 40), None),
    ],
)
def test_formula_refused(formula: str, message: str | None) -> None:
    if message is None:  # a long but flat sum is fine; deep nesting is refused below
        parse(formula)
        return
    with pytest.raises(FormulaError, match=message):
        parse(formula)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse("-" * 120 + "A")


@pytest.mark.parametrize(
    ("formulas", "order", "errors"),
    [
        ({"C": "A + B"}, ["C"], {}),
        ({"D": "C * 2", "C": "A + B"}, ["C", "D"], {}),
        ({"C": "A + X"}, [], {"C": "codes the form does not have: X"}),
        ({"A": "A + 1"}, [], {"A": "circle: A → A"}),
        ({"A": "B", "B": "C", "C": "A"}, [], {"A": "circle", "B": "circle", "C": "circle"}),
        ({"C": "A +"}, [], {"C": "not well formed"}),
    ],
)
def test_form_formulas_checked_together(
    formulas: dict[str, str], order: list[str], errors: dict[str, str]
) -> None:
    found_order, found = check_formulas(["A", "B", "C", "D"], formulas)
    assert found_order == order
    assert set(found) == set(errors)
    for code, message in errors.items():
        assert message in found[code]
