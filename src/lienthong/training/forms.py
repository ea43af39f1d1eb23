"""Forms of the training pages: they parse input only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import User

from .constants import Result, Topic
from .models import Course


class OfficialsField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        unit = f" — {obj.unit}" if obj.unit_id else ""
        return f"{obj.full_name or obj.username}{unit}"


class ClassForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("On-line"), required=False)
    trainer = forms.CharField(label=_("Trainer"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500)


class NominateForm(forms.Form):
    officials = OfficialsField(
        label=_("Officials"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officials"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            User.objects.filter(agency_id=agency_id, is_active=True)
            .select_related("unit")
            .order_by("unit__name", "full_name")
        )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices)
    score = forms.DecimalField(
        label=_("Score"), max_digits=4, decimal_places=1, required=False, min_value=0, max_value=10
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PlanForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Topic.choices:
            self.fields[f"{value}_classes"] = forms.IntegerField(
                label=_("%(topic)s: classes") % {"topic": label},
                min_value=0,
                max_value=999,
                initial=0,
            )
            self.fields[f"{value}_officials"] = forms.IntegerField(
                label=_("%(topic)s: officials") % {"topic": label},
                min_value=0,
                max_value=99999,
                initial=0,
            )

    def items(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {
            value: (data[f"{value}_classes"], data[f"{value}_officials"]) for value in Topic.values
        }
