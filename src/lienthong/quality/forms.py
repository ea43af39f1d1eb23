"""Forms of the quality pages: they parse input only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import User

from .constants import ActionKind, FindingKind
from .models import Clause, QualitySystem


class FindingForm(forms.Form):
    clause = forms.ModelChoiceField(label=_("Clause"), queryset=Clause.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, system: QualitySystem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clause"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Clause.objects.filter(version_id=system.version_id)


class OfficialField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = OfficialField(label=_("Owner"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, system: QualitySystem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(agency_id=system.agency_id, is_active=True).order_by(
            "full_name"
        )
        if not system.version.preventive_action:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [(ActionKind.CORRECTIVE.value, ActionKind.CORRECTIVE.label)]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    effective = forms.BooleanField(label=_("Effective"), required=False)


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 4}))
