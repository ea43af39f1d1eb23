"""The portal's public forms: a citizen's feedback, a comment on a draft; and the official's
answer to feedback. Every field is validated here; the services check the rules again."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.catalogue.models import Procedure

from .constants import FeedbackTopic

_PHONE = re.compile(r"^\+?[0-9 .-]{9,15}$")


class FeedbackForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency concerned"), queryset=Agency.objects.none(), empty_label=None
    )
    procedure = forms.ModelChoiceField(
        label=_("Procedure (if the feedback is about one)"),
        queryset=Procedure.objects.none(),
        required=False,
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=FeedbackTopic.choices)
    subject = forms.CharField(label=_("Subject"), min_length=5, max_length=300)
    content = forms.CharField(
        label=_("Content"), min_length=20, max_length=10_000, widget=forms.Textarea
    )
    name = forms.CharField(label=_("Full name"), min_length=2, max_length=200)
    address = forms.CharField(label=_("Address"), min_length=5, max_length=300)
    phone = forms.CharField(label=_("Telephone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    publish_consent = forms.BooleanField(
        label=_(
            "The question and its answer may be published on the portal (without my name "
            "or contact details)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["procedure"].queryset = (  # type: ignore[attr-defined]
            Procedure.objects.published().select_related("agency").order_by("name_sort")
        )

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone", "")).strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a telephone number of 9 to 15 digits."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("phone") or data.get("email")):
            raise forms.ValidationError(
                _("Give a telephone number or an e-mail address to be answered.")
            )
        procedure = data.get("procedure")
        if (
            procedure is not None
            and data.get("agency")
            and procedure.agency_id != data["agency"].pk
        ):
            self.add_error("procedure", _("The procedure is not one of the agency's."))
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), min_length=10, max_length=10_000, widget=forms.Textarea
    )


class CommentForm(forms.Form):
    name = forms.CharField(label=_("Full name"), min_length=2, max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    email = forms.EmailField(label=_("E-mail"))
    content = forms.CharField(
        label=_("Comment"), min_length=10, max_length=10_000, widget=forms.Textarea
    )
