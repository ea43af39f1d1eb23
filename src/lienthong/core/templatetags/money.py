"""`{% load money %}` and `{{ fee|vnd }}`: an amount in đồng as it is written in Vietnamese
("500.000 đ"), the one way fees and payments show on every page and printed form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


def format_vnd(value: Any) -> str:
    """500000 → "500.000 đ": a dot between thousands, the đồng sign after a space; whole đồng
    (fees have no smaller unit). Nothing for an empty value; anything unreadable as it came."""
    if value is None or value == "":
        return ""
    try:
        amount = int(Decimal(str(value)).to_integral_value())
    except (InvalidOperation, ValueError):
        return str(value)
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}{grouped} đ"


@register.filter
def vnd(value: Any) -> str:
    return format_vnd(value)
