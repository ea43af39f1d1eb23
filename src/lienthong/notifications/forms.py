from __future__ import annotations

from typing import Any

from django import forms

from lienthong.core.ids import IdField

from .constants import NotificationKind


class EmailPreferencesForm(forms.Form):
    """One tick box per kind of notification: receive it by e-mail or not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False)

    def choices(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data.get(kind)) for kind in NotificationKind.values}


class MarkAllReadForm(forms.Form):
    up_to = IdField(required=False, widget=forms.HiddenInput)
