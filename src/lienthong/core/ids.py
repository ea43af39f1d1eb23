"""Ids a client names in a query string or a form: whole numbers from 1 to the largest bigint.

A larger number is refused as invalid input (400, or a form error) before it reaches a query:
SQLite cannot bind an integer beyond 64 bits and answered `?register=9223372036854775808` with a
server error. Every app's forms take ids through `IdField`; the API's filters and bodies through
`lienthong.core.api.filters.IdFilter` and `lienthong.core.api.fields.IdInput`."""

from __future__ import annotations

from typing import Any

from django import forms

# The range of the bigint primary keys (DEFAULT_AUTO_FIELD) on SQLite and PostgreSQL alike.
BIGINT_MAX = 2**63 - 1

ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": BIGINT_MAX}


class IdField(forms.IntegerField):
    """A form field for the id of a row."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


def parse_id(raw: Any) -> int | None:
    """The id a query string or a form names, or None when it is not one (not a whole number,
    or outside 1 … BIGINT_MAX)."""
    try:
        return int(IdField().clean(raw))
    except forms.ValidationError:
        return None
