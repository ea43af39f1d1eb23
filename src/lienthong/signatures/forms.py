"""Forms of the certificate administration page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import User

from .constants import CertificateRole, CredentialKind


class TrustForm(forms.Form):
    certificate = forms.FileField(label=_("CA certificate (PEM or DER)"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=CertificateRole.choices)


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.username})"


class CredentialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CredentialKind.choices)
    user = OfficialChoiceField(
        label=_("Official (personal signature)"), queryset=User.objects.none(), required=False
    )
    pkcs12 = forms.FileField(label=_("PKCS#12 file (.p12, .pfx)"))
    passphrase = forms.CharField(
        label=_("Passphrase of the file"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Used once to check the file; never stored."),
    )
    image = forms.FileField(
        label=_("Signature image or seal (transparent PNG)"),
        required=False,
        help_text=_("Personal: the blue handwritten signature. Agency: the red seal."),
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(agency_id=agency_id, is_active=True).order_by(
            "username"
        )


class RevokeForm(forms.Form):
    user = OfficialChoiceField(label=_("Official"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(
                agency_id=agency_id,
                signing_credentials__isnull=False,
                signing_credentials__revoked_at__isnull=True,
            )
            .distinct()
            .order_by("username")
        )
