"""Form widgets shared by the apps.

The picker widgets render a plain ``<select>`` (which works without JavaScript) marked with
``data-picker``; ``lienthong/js/app.js`` turns it into a searchable picker (tom-select, served
locally from node_modules) that is usable with the keyboard and on a phone.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _picker_attrs(attrs: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "data-picker": "",
        "data-picker-empty": _("No match"),
        "data-picker-placeholder": _("Type to search…"),
        **(attrs or {}),
    }


class PickerSelect(forms.Select):
    """One choice among many (units, people), searchable by typing."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(_picker_attrs(attrs), choices)


class PickerSelectMultiple(forms.SelectMultiple):
    """Several choices among many, searchable by typing; no Ctrl+click needed."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(_picker_attrs({"size": 6, **(attrs or {})}), choices)
