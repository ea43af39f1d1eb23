from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.documents.forms import IncomingForm

from .models import IntakeRule, Mailbox


class RegisterMailForm(IncomingForm):
    """The registration form of `documents`, without the file (the mail's files are attached)
    and the arrival time (the time the mail was received)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("file", "kept_file", "arrival_date"):
            del self.fields[name]


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not registered"), max_length=500)


class RecipientForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("From the directory"), queryset=Agency.objects.none(), required=False
    )
    address = forms.EmailField(label=_("Or an e-mail address"), required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.exclude(email="").order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("agency") and not data.get("address"):
            raise forms.ValidationError(_("Choose an agency or enter an address."))
        return data


class MailboxForm(forms.ModelForm[Mailbox]):
    secret = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "address",
            "host",
            "port",
            "security",
            "username",
            "folder",
            "processed_folder",
            "active",
        ]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class RuleForm(forms.ModelForm[IntakeRule]):
    """An intake rule of the agency; its mailboxes only."""

    class Meta:
        model = IntakeRule
        fields = [
            "position",
            "mailbox",
            "sender_pattern",
            "subject_contains",
            "attachment_types",
            "action",
        ]

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mailbox"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Mailbox.objects.filter(agency_id=agency_id)
        field.empty_label = str(_("Every mailbox of the agency"))
