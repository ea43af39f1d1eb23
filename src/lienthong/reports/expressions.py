"""The small formula language of report forms: derived indicators and totals.

A formula is arithmetic over indicator codes and numbers — `+ - * /`, unary minus, brackets and
the functions SUM, MIN, MAX, ROUND and IF0 (the second argument when the first is empty). It is
parsed with Python's parser into a tree and then walked by `_evaluate` below, which knows only
the node types of an allow-list: no attribute, subscript, comparison, lambda, string or name that
is not an indicator code can appear, and nothing is ever handed to `eval`. Arithmetic is in
`Decimal`; an empty operand makes the result empty (shown as a gap, never as 0), and so does a
division by zero."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.utils.translation import gettext as _

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,31}$"
_CODE = re.compile(CODE_PATTERN)
MAX_LENGTH = 500
MAX_DEPTH = 100
FUNCTIONS = frozenset({"SUM", "MIN", "MAX", "ROUND", "IF0"})
_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_UNARY = (ast.USub, ast.UAdd)

Number = Decimal | None


class FormulaError(ValueError):
    """A formula that cannot be accepted, with the reason in the user's language."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    names: frozenset[str]


def _check_call(node: ast.Call, depth: int, names: set[str]) -> None:
    func = node.func
    if not isinstance(func, ast.Name) or func.id not in FUNCTIONS or node.keywords:
        raise FormulaError(
            _("Only the functions %(names)s may be used.") % {"names": ", ".join(sorted(FUNCTIONS))}
        )
    if not node.args:
        raise FormulaError(_("%(name)s needs at least one argument.") % {"name": func.id})
    if func.id in ("ROUND", "IF0") and len(node.args) != 2:
        raise FormulaError(_("%(name)s takes two arguments.") % {"name": func.id})
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise FormulaError(_("The formula uses something that is not allowed."))
        _check(arg, depth + 1, names)


def _check(node: ast.AST, depth: int, names: set[str]) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError(_("The formula is nested too deeply."))
    if isinstance(node, ast.BinOp) and isinstance(node.op, _BINARY):
        _check(node.left, depth + 1, names)
        _check(node.right, depth + 1, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY):
        _check(node.operand, depth + 1, names)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    elif isinstance(node, ast.Name):
        if not _CODE.match(node.id) or node.id in FUNCTIONS:
            raise FormulaError(_("“%(name)s” is not an indicator code.") % {"name": node.id})
        names.add(node.id)
    elif isinstance(node, ast.Call):
        _check_call(node, depth, names)
    else:
        raise FormulaError(_("The formula uses something that is not allowed."))


def parse(text: str) -> Formula:
    """The formula's checked tree and the indicator codes it refers to."""
    text = (text or "").strip()
    if not text:
        raise FormulaError(_("The formula is empty."))
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            _("The formula is longer than %(limit)s characters.") % {"limit": MAX_LENGTH}
        )
    try:
        module = ast.parse(text, mode="eval")
    except SyntaxError:
        raise FormulaError(
            _("The formula is not well formed: “%(text)s”.") % {"text": text}
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError(_("The formula uses something that is not allowed.")) from None
    names: set[str] = set()
    _check(module.body, 0, names)
    return Formula(text=text, tree=module.body, names=frozenset(names))


def _number(value: int | float) -> Decimal:
    return Decimal(str(value))


def _binary(node: ast.BinOp, values: Mapping[str, Number]) -> Number:
    left, right = _evaluate(node.left, values), _evaluate(node.right, values)
    if left is None or right is None:
        return None
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    if right == 0:
        return None
    return left / right


def _evaluate(node: ast.expr, values: Mapping[str, Number]) -> Number:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # _check allowed nothing else
        return _number(node.value)
    if isinstance(node, ast.Name):
        return values.get(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        return _binary(node, values)
    assert isinstance(node, ast.Call)
    return _call(node, values)


def _call(node: ast.Call, values: Mapping[str, Number]) -> Number:
    assert isinstance(node.func, ast.Name)
    name = node.func.id
    args = [_evaluate(arg, values) for arg in node.args]
    if name == "IF0":
        return args[0] if args[0] is not None else args[1]
    if name == "ROUND":
        if args[0] is None or args[1] is None:
            return None
        places = int(args[1])
        return args[0].quantize(Decimal(1).scaleb(-places)) if 0 <= places <= 10 else None
    present = [a for a in args if a is not None]
    if len(present) != len(args):
        return None
    if name == "SUM":
        return sum(present, Decimal(0))
    return min(present) if name == "MIN" else max(present)


def evaluate(formula: Formula | str, values: Mapping[str, Number]) -> Number:
    """The formula's value over the indicators' values (None: a gap)."""
    parsed = parse(formula) if isinstance(formula, str) else formula
    try:
        return _evaluate(parsed.tree, values)
    except (InvalidOperation, DivisionByZero, OverflowError):
        return None


def check_formulas(
    codes: Iterable[str], formulas: Mapping[str, str]
) -> tuple[list[str], dict[str, str]]:
    """The order in which derived indicators are computed (each after what it refers to), or the
    errors by indicator code: a formula that does not parse, a reference to a code the form does
    not have, a cycle (named by the codes along it)."""
    known = set(codes)
    errors: dict[str, str] = {}
    parsed: dict[str, Formula] = {}
    for code, text in formulas.items():
        try:
            parsed[code] = parse(text)
        except FormulaError as exc:
            errors[code] = str(exc)
            continue
        missing = sorted(parsed[code].names - known)
        if missing:
            errors[code] = _("The formula refers to codes the form does not have: %(codes)s.") % {
                "codes": ", ".join(missing)
            }
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2 or code not in parsed:
            return
        if state.get(code) == 1:
            cycle = [*path[path.index(code) :], code]
            for member in cycle[:-1]:
                errors.setdefault(
                    member,
                    _("The formulas refer to each other in a circle: %(cycle)s.")
                    % {"cycle": " → ".join(cycle)},
                )
            return
        state[code] = 1
        for name in sorted(parsed[code].names):
            visit(name, [*path, code])
        state[code] = 2
        order.append(code)

    for code in sorted(parsed):
        visit(code, [])
    return ([] if errors else order), errors
