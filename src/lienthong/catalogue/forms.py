"""Forms of the catalogue pages: the public search and the spreadsheet upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency

from .constants import LEVELS_2011
from .models import Sector


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Name or code of the procedure; tone marks optional."),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, empty_label=_("All")
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label=_("All")
    )
    level = forms.TypedChoiceField(
        label=_("Online service level"),
        choices=[
            ("", _("All")),
            *[(level, _("Level %(n)s") % {"n": level}) for level in LEVELS_2011],
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.with_published()  # type: ignore[attr-defined]
        self.fields["agency"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(procedures__is_published=True).distinct().order_by("name")
        )


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX)"),
        help_text=_("Three sheets: procedures, dossier components, steps. See the template."),
    )
