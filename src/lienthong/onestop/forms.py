"""Forms of the one-stop pages: they parse input; the services validate the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Unit, User
from lienthong.catalogue.models import Procedure
from lienthong.documents.models import DocumentType
from lienthong.signatures.services import has_agency_credential

from .codes import is_well_formed
from .constants import ApplicantKind, Channel, Satisfaction
from .services import paper_kind


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Applicant kind"), choices=ApplicantKind.choices)
    name = forms.CharField(label=_("Full name or organisation"), max_length=200)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=14,
        help_text=_("Identity card number (12 digits), or the tax code of a business."),
    )
    phone = forms.CharField(label=_("Telephone"), max_length=15)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class SignUpForm(ApplicantForm):
    """The ID number (or tax code) is the account's user name: there is no other to choose."""

    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128
    )
    organisation_name = forms.CharField(label=_("Business name"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class FilingForm(forms.Form):
    """The dynamic filing form: one file field per paper the procedure asks for."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    subject = forms.CharField(label=_("What you ask for"), max_length=500, required=False)
    copies = forms.IntegerField(label=_("Number of sets"), min_value=1, max_value=99, initial=1)
    by_post = forms.BooleanField(label=_("Receive the result by post"), required=False)

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        for component in procedure.components.all():
            label = f"{component.order}. {component.name} ({component.get_copy_kind_display()})"
            self.fields[f"component_{component.pk}"] = forms.FileField(label=label, required=False)
            self.fields[f"component_{component.pk}"].required_paper = component.required  # type: ignore[attr-defined]

    def papers(self) -> list[tuple[Any, Any]]:
        found = []
        for component in self.procedure.components.all():
            upload = self.cleaned_data.get(f"component_{component.pk}")
            if upload:
                found.append((component, upload))
        return found


class IntakeForm(ApplicantForm, FilingForm):
    """The counter's intake of a paper dossier: the applicant's data and the scanned papers;
    for a paper the agency digitised before for this applicant (`earlier`: the applicant's
    digitised papers by kind), a choice to attach that copy instead of scanning again."""

    def __init__(self, *args: Any, earlier: dict[str, list[Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.reusable: dict[int, dict[str, Any]] = {}
        earlier = earlier or {}
        fields = list(self.fields.items())
        self.fields.clear()
        for name, field in fields:
            self.fields[name] = field
            if not name.startswith("component_"):
                continue
            component = next(
                c for c in self.procedure.components.all() if name == f"component_{c.pk}"
            )
            papers = earlier.get(paper_kind(component.name), [])
            if not papers:
                continue
            self.reusable[component.pk] = {p.pk: p for p in papers}
            self.fields[f"reuse_{component.pk}"] = forms.TypedChoiceField(
                label=_("or attach the copy digitised before"),
                choices=[("", _("No: the scan above"))]
                + [
                    (
                        p.pk,
                        _("%(name)s (%(file)s) — digitised %(when)s by %(who)s, dossier %(code)s")
                        % {
                            "name": p.name,
                            "file": p.file_name,
                            "when": timezone.localtime(p.digitised_at).strftime("%d/%m/%Y"),
                            "who": p.digitised_by,
                            "code": p.dossier.code,
                        },
                    )
                    for p in papers
                ],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for pk in self.reusable:
            if data.get(f"reuse_{pk}") and data.get(f"component_{pk}"):
                self.add_error(
                    f"reuse_{pk}", _("Either scan the paper or attach the earlier copy, not both.")
                )
        return data

    def reuses(self) -> list[tuple[Any, Any]]:
        found = []
        for component in self.procedure.components.all():
            chosen = self.cleaned_data.get(f"reuse_{component.pk}")
            if chosen:
                found.append((component, self.reusable[component.pk][chosen]))
        return found


class UploadForm(forms.Form):
    component = forms.TypedChoiceField(label=_("Paper"), coerce=int, required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        component: Any = self.fields["component"]
        component.choices = [("", _("Other paper"))] + [
            (c.pk, f"{c.order}. {c.name}") for c in procedure.components.all()
        ]


class SupplementForm(forms.Form):
    items = forms.CharField(
        label=_("Papers to supply or complete"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none())

    def __init__(self, *args: Any, step: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(agency_id=step.agency_id, is_active=True)
        if step.unit_id:
            people = people.filter(unit_id=step.unit_id)
        handler: Any = self.fields["handler"]
        handler.queryset = people.order_by("full_name")


class ConsultForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit asked"), queryset=Unit.objects.none())
    question = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    days = forms.DecimalField(
        label=_("Working days to answer"), min_value=0.5, max_value=30, initial=1
    )

    def __init__(self, *args: Any, step: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.queryset = Unit.objects.filter(agency_id=step.agency_id).exclude(pk=step.unit_id)


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
    to_applicant = forms.BooleanField(
        label=_("Send to the applicant"),
        required=False,
        help_text=_("Unticked, the note stays internal: the applicant never sees it."),
    )


class FreeNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    to_applicant = forms.BooleanField(
        label=_("Send to the applicant"),
        required=False,
        help_text=_("Unticked, the note stays internal: the applicant never sees it."),
    )


class ApologyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    new_due_at = forms.DateTimeField(
        label=_("New appointment"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )


class ResultForm(forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.filter(is_active=True)
    )
    # With a procedure whose catalogue entry names its result kind, the result is registered
    # under that kind and the document type is not asked (onestop.services.issue_result).
    subject = forms.CharField(label=_("Subject"), max_length=500, required=False)
    file = forms.FileField(
        label=_("Result file (PDF; sealed by the agency on issue when its passphrase is given)")
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

    def __init__(
        self, *args: Any, agency: Any = None, result_kind: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if result_kind is not None:
            del self.fields["document_type"]
            self.result_kind = result_kind

        if agency is not None and not (
            has_agency_credential(agency) or settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE
        ):
            del self.fields["signing_secret"]


class ReturnForm(forms.Form):
    channel = forms.ChoiceField(label=_("Returned"), choices=Channel.choices)


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    staff_attitude = forms.TypedChoiceField(
        label=_("The officers' attitude"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"), max_length=40, help_text=_("E.g. 000.00.05.H12-261123-0001")
    )
    factor = forms.CharField(label=_("Telephone or ID number given in the dossier"), max_length=20)
    second_factor = forms.CharField(
        label=_("The other one (if asked)"),
        max_length=20,
        required=False,
        help_text=_(
            "After many wrong look-ups of a code, it answers only to the telephone and the ID "
            "number together."
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not is_well_formed(code):
            raise ValidationError(
                _("A dossier code looks like 000.00.05.H12-261123-0001."), code="malformed"
            )
        return code


class CheckFileForm(forms.Form):
    file = forms.FileField(
        label=_("The file to check (PDF)"),
        help_text=_("The file is checked and not kept."),
    )
