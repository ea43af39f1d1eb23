"""Forms of the meeting and schedule pages: they parse input only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, User

from .constants import MeetingDraftKind, Reply, RoomKind, VideoProvider
from .models import Room

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class UsersField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        unit = f" — {obj.unit}" if obj.unit_id else ""
        return f"{obj.full_name or obj.username}{unit}"


def _officials(agency_id: int) -> Any:
    return (
        User.objects.filter(agency_id=agency_id, is_active=True)
        .select_related("unit")
        .order_by("unit__name", "full_name")
    )


class WeekForm(forms.Form):
    week_start = forms.DateField(
        label=_("Week starting (Monday)"), widget=forms.DateInput(attrs={"type": "date"})
    )


class EntryForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=300)
    chair = UserChoiceField(label=_("Chair"), queryset=User.objects.none(), required=False)
    chair_name = forms.CharField(
        label=_("Chaired by (as printed)"),
        max_length=200,
        required=False,
        help_text=_("Empty: the chair's name."),
    )
    participants = forms.CharField(
        label=_("Participants"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    preparing_unit = forms.CharField(label=_("Preparing unit"), max_length=300, required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _officials(agency_id)  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must be changed"), max_length=1000)


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoomKind.choices)
    capacity = forms.IntegerField(label=_("Seats"), min_value=0, max_value=5000, initial=20)
    equipment = forms.CharField(label=_("Equipment"), max_length=500, required=False)
    location = forms.CharField(label=_("Location"), max_length=300, required=False)


class BookForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    video_provider = forms.ChoiceField(
        label=_("Video conference"), choices=VideoProvider.choices, required=False
    )
    chair = UserChoiceField(label=_("Chair"), queryset=User.objects.none())
    users = UsersField(
        label=_("Officials invited by name"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies invited"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Their clerk or leader replies and names who attends."),
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            agency_id=agency_id, is_active=True
        )
        self.fields["chair"].queryset = _officials(agency_id)  # type: ignore[attr-defined]
        self.fields["users"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, agency__isnull=False)
            .select_related("unit", "agency")
            .order_by("agency__code", "unit__name", "full_name")
        )
        self.fields["agencies"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(pk=agency_id)


class InviteForm(forms.Form):
    users = UsersField(label=_("Officials"), queryset=User.objects.none(), required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies"), queryset=Agency.objects.none(), required=False
    )
    required = forms.BooleanField(label=_("Attendance required"), required=False, initial=True)

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, agency__isnull=False
        ).select_related("unit")
        self.fields["agencies"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(pk=agency_id)


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Reply"),
        choices=[(v, label) for v, label in Reply.choices if v != Reply.PENDING],
        widget=forms.RadioSelect,
    )
    deputy_name = forms.CharField(
        label=_("Deputy's name and position"), max_length=200, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=500)
    presenter = forms.CharField(label=_("Presented by"), max_length=200, required=False)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    file = forms.FileField(label=_("Document"), required=False)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = choices  # type: ignore[attr-defined]


class DraftDocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=MeetingDraftKind.choices)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
