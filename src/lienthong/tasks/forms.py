"""Forms of the task pages. They only parse input; the rules are the services'."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.widgets import PickerSelect, PickerSelectMultiple
from lienthong.documents.forms import DateInput
from lienthong.documents.models import Document

from .constants import MAX_TEXT, MAX_WORKING_DAYS, Rating, SourceKind, Timeliness


def _person_label(user: User) -> str:
    parts = [user.full_name or user.username]
    if user.unit is not None:
        parts.append(user.unit.name)
    return " — ".join(parts)


class GiveForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=500)
    description = forms.CharField(
        label=_("Details"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.ChoiceField(label=_("In charge (chủ trì)"), widget=PickerSelect())
    supporting = forms.MultipleChoiceField(
        label=_("Supporting (phối hợp)"), required=False, widget=PickerSelectMultiple()
    )
    deadline = forms.DateField(label=_("Deadline (a date)"), required=False, widget=DateInput())
    working_days = forms.IntegerField(
        label=_("Or deadline in working days"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        required=False,
        help_text=_("Counted from today, skipping weekends and public holidays."),
    )
    document = forms.IntegerField(widget=forms.HiddenInput(), required=False)
    source_label = forms.CharField(
        label=_("Source (as written)"),
        max_length=300,
        required=False,
        help_text=_("E.g. “Kết luận của Chủ tịch UBND tỉnh tại cuộc họp ngày 05/3/2012”."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        assert user.agency is not None
        agency_leader = user.has_role(Role.AGENCY_LEADER)
        units = Unit.objects.filter(agency=user.agency, is_active=True)
        people = User.objects.filter(agency=user.agency, is_active=True).select_related("unit")
        if not agency_leader:
            units = units.filter(pk=user.unit_id or 0)
            people = people.filter(unit_id=user.unit_id or 0)
        self.agencies = (
            {a.pk: a for a in Agency.objects.filter(is_active=True).exclude(pk=user.agency.pk)}
            if agency_leader
            else {}
        )
        self.units = {u.pk: u for u in units}
        self.people = {u.pk: u for u in people.exclude(pk=user.pk)}
        owners = [
            (str(_("Agencies")), [(f"agency:{pk}", a.name) for pk, a in self.agencies.items()]),
            (str(_("Units")), [(f"unit:{pk}", u.name) for pk, u in self.units.items()]),
            (
                str(_("People")),
                [(f"user:{pk}", _person_label(u)) for pk, u in self.people.items()],
            ),
        ]
        owners = [group for group in owners if group[1]]
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]
        self.fields["supporting"].choices = [  # type: ignore[attr-defined]
            group for group in owners if not group[1][0][0].startswith("user:")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deadline") and data.get("working_days"):
            self.add_error(
                "working_days", _("Give the deadline as a date or as working days, not both.")
            )
        elif not data.get("deadline") and not data.get("working_days") and not self.errors:
            self.add_error("deadline", _("Give the deadline as a date or as working days."))
        return data

    def clean_document(self) -> Document | None:
        pk = self.cleaned_data.get("document")
        if not pk:
            return None
        found = Document.objects.visible_to(self.user).select_related("document_type")
        document = found.filter(pk=pk).first()
        if document is None:
            raise forms.ValidationError(_("You cannot see this document."))
        return document

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind, _sep, pk = data["owner"].partition(":")
        owner: dict[str, Any]
        if kind == "agency":
            owner = {"owner_agency": self.agencies[int(pk)]}
        elif kind == "unit":
            unit = self.units[int(pk)]
            owner = {"owner_agency": unit.agency, "owner_unit": unit}
        else:
            person = self.people[int(pk)]
            owner = {"owner_agency": person.agency, "owner_user": person}
        supporting_agencies = []
        supporting_units = []
        for value in data["supporting"]:
            kind, _sep, pk = value.partition(":")
            if kind == "agency":
                supporting_agencies.append(self.agencies[int(pk)])
            else:
                supporting_units.append(self.units[int(pk)])
        return {
            "title": data["title"],
            "description": data["description"],
            **owner,
            "supporting_agencies": supporting_agencies,
            "supporting_units": supporting_units,
            "deadline": data.get("deadline"),
            "working_days": data.get("working_days"),
            "source_document": data.get("document"),
            "source_label": data["source_label"],
        }


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Report"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("New deadline asked for"), required=False, widget=DateInput()
    )
    extra_working_days = forms.IntegerField(
        label=_("Or further working days"), min_value=1, max_value=MAX_WORKING_DAYS, required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both_or_none = bool(data.get("requested_deadline")) == bool(data.get("extra_working_days"))
        if both_or_none and not self.errors:
            self.add_error(
                "requested_deadline", _("Give the new deadline as a date or as working days.")
            )
        return data


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    granted_deadline = forms.DateField(
        label=_("Deadline granted (if other than asked)"), required=False, widget=DateInput()
    )
    note = forms.CharField(
        label=_("Remarks"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(forms.Form):
    report = forms.CharField(
        label=_("Completion report"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    reply_document = forms.IntegerField(
        label=_("Reply document (id in the register, optional)"), required=False, min_value=1
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_reply_document(self) -> Document | None:
        pk = self.cleaned_data.get("reply_document")
        if not pk:
            return None
        document = Document.objects.visible_to(self.user).filter(pk=pk).first()
        if document is None:
            raise forms.ValidationError(_("You cannot see this document."))
        return document


class EvaluateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept and evaluate")), ("reopen", _("Send back to work"))],
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(
        label=_("Evaluation"), choices=[("", "—"), *Rating.choices], required=False
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class BoardFilterForm(forms.Form):
    """The board's filters (GET)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Timeliness.choices]
    )
    owner_agency = forms.ModelChoiceField(
        label=_("Agency in charge"), queryset=Agency.objects.filter(is_active=True), required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All")), *SourceKind.choices]
    )
    start = forms.DateField(label=_("Given from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Given until"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        return data
