"""Forms of the work-file pages: they parse input only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.documents.numbering import vietnam_year

from .constants import DEFAULT_LANGUAGE, CatalogNumbering, Rights
from .models import CaseFile, CatalogEntry, RetentionPeriod


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class EntryChoiceField(forms.ModelChoiceField[CatalogEntry]):
    def label_from_instance(self, obj: CatalogEntry) -> str:
        return f"{obj.notation} — {obj.title} ({obj.catalog.year})"


def _retentions() -> Any:
    return RetentionPeriod.objects.filter(is_active=True)


def _officials(agency: Agency) -> Any:
    return User.objects.filter(agency=agency, is_active=True).order_by("full_name")


def _units(agency: Agency) -> Any:
    return Unit.objects.filter(agency=agency, is_active=True)


class CatalogForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100)
    numbering = forms.ChoiceField(
        label=_("Numbering of files"),
        choices=CatalogNumbering.choices,
        initial=CatalogNumbering.PER_HEADING,
    )


class CatalogEntryForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit (large heading)"), queryset=Unit.objects.none())
    heading = forms.CharField(
        label=_("Small heading"), max_length=200, required=False, help_text=_("Optional.")
    )
    title = forms.CharField(
        label=_("File title"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    retention = forms.ModelChoiceField(label=_("Retention period"), queryset=_retentions())
    creator = UserChoiceField(label=_("File creator"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(agency)  # type: ignore[attr-defined]
        self.fields["creator"].queryset = _officials(agency)  # type: ignore[attr-defined]
        self.fields["retention"].queryset = _retentions()  # type: ignore[attr-defined]


class OpenFileForm(forms.Form):
    """Either a catalogue entry (the rest is taken from it) or the file's own data."""

    catalog_entry = EntryChoiceField(
        label=_("Catalogue entry"),
        queryset=CatalogEntry.objects.none(),
        required=False,
        help_text=_("Empty for a file not in the catalogue: fill in the fields below."),
    )
    title = forms.CharField(
        label=_("File title"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notation = forms.CharField(
        label=_("Number and symbol"),
        max_length=20,
        required=False,
        help_text=_("The number and the heading's abbreviation, e.g. 05.VP."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100, required=False)
    retention = forms.ModelChoiceField(
        label=_("Retention period"), queryset=_retentions(), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    creator = UserChoiceField(
        label=_("File creator"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: you."),
    )
    rights = forms.ChoiceField(
        label=_("Access rights"), choices=Rights.choices, initial=Rights.PUBLIC
    )
    language = forms.CharField(label=_("Language"), max_length=50, initial=DEFAULT_LANGUAGE)
    description = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = user.agency
        assert agency is not None
        entries = (
            CatalogEntry.objects.filter(catalog__agency=agency, case_files__isnull=True)
            .select_related("catalog")
            .order_by("-catalog__year", "unit__name", "ordinal")
        )
        self.fields["catalog_entry"].queryset = entries  # type: ignore[attr-defined]
        self.fields["retention"].queryset = _retentions()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = _units(agency)  # type: ignore[attr-defined]
        self.fields["creator"].queryset = _officials(agency)  # type: ignore[attr-defined]
        self.fields["year"].initial = vietnam_year()
        if not user.has_role(Role.CLERK):  # only the clerk opens a file for someone else
            del self.fields["creator"]


class AddDocumentForm(forms.Form):
    q = forms.CharField(
        label=_("Number, symbol or subject"),
        max_length=200,
        required=False,
        help_text=_("E.g. 101/QĐ-UBND, QĐ-UBND or words of the subject; tone marks optional."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CloseFileForm(forms.Form):
    title = forms.CharField(
        label=_("File title"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    retention = forms.ModelChoiceField(label=_("Retention period"), queryset=_retentions())
    description = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def __init__(self, *args: Any, case_file: CaseFile, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": case_file.title,
                "retention": case_file.retention_id,
                "description": case_file.description,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["retention"].queryset = _retentions()  # type: ignore[attr-defined]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the file reopened?"), max_length=500)
