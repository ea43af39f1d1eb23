"""Forms of the drafting pages. They only parse input; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.widgets import PickerSelectMultiple
from lienthong.documents.constants import Confidentiality, Urgency
from lienthong.documents.forms import DateInput
from lienthong.documents.models import DocumentType
from lienthong.exchange.axis_services import check_addressable, recipients_text
from lienthong.exchange.models import AxisAgency

from .constants import Decision, SigningAuthority, StepMode


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = obj.position.name if obj.position else ""
        return f"{obj} — {position}" if position else str(obj)


def leaders_of(agency: Agency) -> Any:
    return (
        User.objects.active()
        .filter(agency=agency)
        .filter(
            Q(position__is_leadership=True)
            | Q(role_grants__role__in=[Role.AGENCY_LEADER, Role.UNIT_LEADER])
        )
        .select_related("position")
        .distinct()
        .order_by("position__rank", "full_name")
    )


class DraftForm(forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Document type"),
        queryset=DocumentType.objects.filter(is_active=True, is_copy_kind=False),
    )
    subject = forms.CharField(
        label=_("Subject (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    confidentiality = forms.TypedChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        coerce=int,
        initial=Confidentiality.NONE,
    )
    recipient_agencies = forms.ModelMultipleChoiceField(
        label=_("Recipient agencies on the platform"),
        queryset=Agency.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 8}),
    )
    external_recipients = forms.CharField(
        label=_("Other recipients"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    axis_recipients = forms.ModelMultipleChoiceField(
        label=_("Recipient agencies on the national document axis"),
        queryset=AxisAgency.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Agencies outside the platform (ministries, other provinces); never for a "
            "confidential document."
        ),
    )
    signer = LeaderChoiceField(label=_("Signer"), queryset=User.objects.none())
    signing_authority = forms.ChoiceField(
        label=_("Signing authority"),
        choices=SigningAuthority.choices,
        initial=SigningAuthority.NONE,
    )
    on_behalf_of = LeaderChoiceField(
        label=_("Signs for (the head)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Only for KT., TUQ. and TL."),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("recipient_agencies", Agency.objects.directory().exclude(pk=agency.pk))
        self._set_queryset("axis_recipients", AxisAgency.objects.filter(is_active=True))
        self._set_queryset("signer", leaders_of(agency))
        self._set_queryset(
            "on_behalf_of",
            User.objects.active()
            .filter(agency=agency)
            .with_role(Role.AGENCY_LEADER)
            .select_related("position"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            check_addressable(
                confidentiality=data.get("confidentiality", 0),
                agencies=list(data.get("axis_recipients") or []),
            )
        except ValidationError as exc:
            self.add_error("axis_recipients", exc)
        return data

    def pop_axis_recipients(self, data: dict[str, Any], before: list[Any]) -> list[Any]:
        """Take the axis recipients out of the draft's particulars; their names join the other
        recipients (printed in Nơi nhận)."""
        chosen = list(data.pop("axis_recipients", None) or [])
        data["external_recipients"] = recipients_text(
            data.get("external_recipients", ""), before=before, after=chosen
        )
        return chosen

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class NewDraftForm(DraftForm):
    file = forms.FileField(label=_("Draft file (PDF or DOCX)"), required=False)
    note = forms.CharField(label=_("Note on this version"), max_length=500, required=False)


class VersionForm(forms.Form):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("Note on this version"), max_length=500, required=False)


class NoteForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequiredNoteForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(NoteForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )


class SignOffForm(DecisionForm):
    file = forms.FileField(
        label=_("Edited file (optional)"),
        required=False,
        help_text=_("Upload your edited version: it becomes a new version of the draft."),
    )
    signing_secret = forms.CharField(
        label=_("Passphrase or PIN of your signing certificate"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Given: the final PDF is digitally signed with your certificate. Never stored."
        ),
    )


def _secret_field(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "autofocus": True}),
        help_text=_("Never stored."),
    )


class ApproveForm(forms.Form):
    """The signer's approval (shown): with a certificate on file, approving is signing."""

    signing_secret = _secret_field(_("PIN or passphrase of your signing certificate"))
    comment = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(
        label=_("Edited file (optional)"),
        required=False,
        help_text=_("Upload your edited version: it becomes a new version of the draft."),
    )

    def __init__(self, *args: Any, signs: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not signs:
            del self.fields["signing_secret"]


class SignDigitallyForm(forms.Form):
    """Ký số of a draft approved without a digital signature."""

    signing_secret = _secret_field(_("PIN or passphrase of your signing certificate"))


class CommentRequestForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units asked for comments"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One after another: in the order listed here."),
    )
    mode = forms.ChoiceField(label=_("How"), choices=StepMode.choices, initial=StepMode.PARALLEL)
    comment = forms.CharField(
        label=_("What you ask"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, agency: Agency, exclude_unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Unit.objects.filter(agency=agency, is_active=True).exclude(
            pk=exclude_unit_id
        )


class IssueForm(forms.Form):
    issued_date = forms.DateField(
        label=_("Issue date"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )
    signing_secret = forms.CharField(
        label=_("Passphrase or PIN of the agency's certificate"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Given: the number and date are stamped into the PDF and the agency signs it. "
            "Never stored."
        ),
    )
