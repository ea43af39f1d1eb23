"""Forms of the processing pages. They only parse input; the rules are the services'."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.widgets import PickerSelect, PickerSelectMultiple
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.forms import DateInput
from lienthong.documents.models import Document

from .constants import MAX_WORKING_DAYS, AssignmentRole, ReturnTarget
from .services import MAX_TEXT, Assignee

REPLY_CHOICES = 50


def _person_label(user: User) -> str:
    parts = [user.full_name or user.username]
    if user.position is not None:
        parts.append(user.position.name)
    if user.unit is not None:
        parts.append(user.unit.name)
    return " — ".join(parts)


class _DeadlineFields(forms.Form):
    instruction = forms.CharField(
        label=_("Instruction"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    working_days = forms.IntegerField(
        label=_("Or deadline in working days"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        required=False,
        help_text=_("Counted from today, skipping weekends and public holidays."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deadline") and data.get("working_days"):
            self.add_error(
                "working_days", _("Give the deadline as a date or as working days, not both.")
            )
        return data


class AssignForm(_DeadlineFields):
    """The agency leader's instructions: one lead, any supporters, any for information."""

    lead = forms.ChoiceField(label=_("Lead (chủ trì)"), required=False, widget=PickerSelect())
    support = forms.MultipleChoiceField(
        label=_("Support (phối hợp)"),
        required=False,
        widget=PickerSelectMultiple(),
    )
    information = forms.MultipleChoiceField(
        label=_("For information (để biết)"),
        required=False,
        widget=PickerSelectMultiple(),
    )
    on_behalf_of = forms.ChoiceField(label=_("On behalf of"), required=False)

    field_order = [
        "lead",
        "support",
        "information",
        "instruction",
        "deadline",
        "working_days",
        "on_behalf_of",
    ]

    def __init__(
        self, *args: Any, agency: Agency, delegators: Iterable[User] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in Unit.objects.filter(agency=agency, is_active=True)}
        self.people = {
            u.pk: u
            for u in User.objects.filter(agency=agency, is_active=True).select_related(
                "unit", "position"
            )
        }
        choices = [
            (str(_("Units")), [(f"unit:{pk}", u.name) for pk, u in self.units.items()]),
            (
                str(_("People")),
                [(f"user:{pk}", _person_label(u)) for pk, u in self.people.items()],
            ),
        ]
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["support"].choices = choices  # type: ignore[attr-defined]
        self.fields["information"].choices = choices  # type: ignore[attr-defined]
        self.delegators = {u.pk: u for u in delegators}
        if len(self.delegators) > 1:
            self.fields["on_behalf_of"].choices = [  # type: ignore[attr-defined]
                (str(pk), str(u)) for pk, u in self.delegators.items()
            ]
            self.fields["on_behalf_of"].required = True
        else:
            del self.fields["on_behalf_of"]

    def _resolve(self, value: str) -> dict[str, Any]:
        kind, _sep, pk = value.partition(":")
        if kind == "unit":
            return {"unit": self.units[int(pk)]}
        return {"user": self.people[int(pk)]}

    def assignees(self) -> list[Assignee]:
        data = self.cleaned_data
        chosen: list[Assignee] = []
        if data.get("lead"):
            chosen.append(Assignee(role=AssignmentRole.LEAD, **self._resolve(data["lead"])))
        chosen += [
            Assignee(role=AssignmentRole.SUPPORT, **self._resolve(v)) for v in data["support"]
        ]
        chosen += [
            Assignee(role=AssignmentRole.INFORMATION, **self._resolve(v))
            for v in data["information"]
        ]
        return chosen

    def principal(self) -> User | None:
        value = self.cleaned_data.get("on_behalf_of")
        return self.delegators.get(int(value)) if value else None


class ReassignForm(_DeadlineFields):
    """The unit leader hands the unit's work to people of the unit."""

    lead = forms.ChoiceField(label=_("Person to lead it"), required=False, widget=PickerSelect())
    support = forms.MultipleChoiceField(
        label=_("People to support"),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 4}),
    )

    field_order = ["lead", "support", "instruction", "deadline", "working_days"]

    def __init__(self, *args: Any, unit: Unit, information_only: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.information_only = information_only
        self.people = {
            u.pk: u
            for u in User.objects.filter(unit=unit, is_active=True).select_related(
                "unit", "position"
            )
        }
        choices = [(str(pk), _person_label(u)) for pk, u in self.people.items()]
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["support"].choices = choices  # type: ignore[attr-defined]
        if information_only:
            del self.fields["lead"]
            self.fields["support"].label = _("People to inform")
            del self.fields["deadline"]
            del self.fields["working_days"]

    def assignees(self) -> list[Assignee]:
        data = self.cleaned_data
        chosen: list[Assignee] = []
        if data.get("lead"):
            chosen.append(Assignee(role=AssignmentRole.LEAD, user=self.people[int(data["lead"])]))
        role = AssignmentRole.INFORMATION if self.information_only else AssignmentRole.SUPPORT
        chosen += [Assignee(role=role, user=self.people[int(v)]) for v in data["support"]]
        return chosen


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=_("Progress or proposal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposal = forms.BooleanField(
        label=_("This is my proposal for handling it (ý kiến đề xuất)"), required=False
    )


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Result"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reply_document = forms.ChoiceField(label=_("Reply document"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replies = (
            Document.objects.visible_to(user)
            .outgoing()
            .exclude(status=DocumentStatus.RECALLED)
            .select_related("document_type")
        )
        recent = self.replies.order_by("-id")[:REPLY_CHOICES]
        self.fields["reply_document"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(str(d.pk), f"{d.document_type.name} {d} ") for d in recent],
        ]

    def clean_reply_document(self) -> Document | None:
        value = self.cleaned_data.get("reply_document")
        if not value:
            return None
        document = self.replies.filter(pk=value).first()
        if document is None:
            raise forms.ValidationError(_("Choose an outgoing document of the agency."))
        return document


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    to = forms.ChoiceField(
        label=_("Return to"), choices=ReturnTarget.choices, initial=ReturnTarget.ASSIGNER
    )

    def __init__(self, *args: Any, top_level: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not top_level:
            self.fields["to"].choices = [  # type: ignore[attr-defined]
                (ReturnTarget.ASSIGNER.value, ReturnTarget.ASSIGNER.label)
            ]


class PresentForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=MAX_TEXT, required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(agency=agency, is_active=True)
            .with_role(Role.AGENCY_LEADER)
            .select_related("position")
            .order_by("position__rank", "full_name")
        )
