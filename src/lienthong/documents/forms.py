from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.ids import IdField
from lienthong.core.widgets import PickerSelectMultiple

from .constants import Confidentiality, Urgency
from .models import DocumentType, NumberAllocation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IncomingForm(forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.filter(is_active=True)
    )
    issuer_name = forms.CharField(label=_("Issuing agency"), max_length=200)
    code_number = forms.CharField(label=_("Number"), max_length=11, required=False)
    code_notation = forms.CharField(
        label=_("Symbol"), max_length=30, required=False, help_text=_("E.g. QĐ-UBND or UBND-VX")
    )
    issued_date = forms.DateField(label=_("Document date"), widget=DateInput())
    subject = forms.CharField(
        label=_("Subject (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_name = forms.CharField(label=_("Signer"), max_length=50, required=False)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    confidentiality = forms.TypedChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        coerce=int,
        initial=Confidentiality.NONE,
    )
    page_count = forms.IntegerField(label=_("Pages"), min_value=1, max_value=9999, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    arrival_date = forms.DateTimeField(
        label=_("Arrival time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    to_places = forms.CharField(
        label=_("Units or people receiving it"), max_length=1000, required=False
    )
    description = forms.CharField(label=_("Notes"), max_length=500, required=False)
    file = forms.FileField(label=_("File (scan or electronic document)"), required=False)
    accept_duplicate = forms.BooleanField(
        label=_("Register it anyway: this is not a duplicate"), required=False
    )
    # The single-use token of a file uploaded when the form was shown before (never its hash).
    kept_file = forms.CharField(required=False, widget=forms.HiddenInput(), max_length=64)


class OutgoingForm(forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Document type"),
        queryset=DocumentType.objects.filter(is_active=True, is_copy_kind=False),
    )
    subject = forms.CharField(
        label=_("Subject (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    drafting_unit = forms.ModelChoiceField(
        label=_("Drafting unit"), queryset=Unit.objects.none(), required=False
    )
    signer_name = forms.CharField(label=_("Signer"), max_length=50, required=False)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    confidentiality = forms.TypedChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        coerce=int,
        initial=Confidentiality.NONE,
    )
    page_count = forms.IntegerField(label=_("Pages"), min_value=1, max_value=9999, required=False)
    copies = forms.IntegerField(
        label=_("Number of copies"), min_value=1, max_value=999, required=False
    )
    due_date = forms.DateField(label=_("Reply due"), required=False, widget=DateInput())
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
    description = forms.CharField(label=_("Notes"), max_length=500, required=False)
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["drafting_unit"]
        recipients_field = self.fields["recipient_agencies"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(recipients_field, forms.ModelMultipleChoiceField)
        unit_field.queryset = Unit.objects.filter(agency=agency, is_active=True)
        recipients_field.queryset = Agency.objects.directory().exclude(pk=agency.pk)


class IssueForm(forms.Form):
    issued_date = forms.DateField(
        label=_("Issue date"), widget=DateInput(), initial=timezone.localdate
    )
    reservation = forms.ModelChoiceField(
        label=_("Use a reserved number"), queryset=NumberAllocation.objects.none(), required=False
    )

    def __init__(self, *args: Any, reservations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reservation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = reservations


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    replaces = IdField(required=False, widget=forms.HiddenInput())


class ReserveForm(forms.Form):
    note = forms.CharField(label=_("For which document"), max_length=300)


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not used"), max_length=300)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("All")), ("incoming", _("Incoming")), ("outgoing", _("Outgoing"))],
    )
    document_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.all(), required=False
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=[("", _("All")), *Urgency.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    register = IdField(required=False, widget=forms.HiddenInput())
    after = forms.CharField(required=False, widget=forms.HiddenInput())


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data
