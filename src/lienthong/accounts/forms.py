from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import identity


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        error_messages={"required": _("Enter the code.")},
    )


class TurnOffTwoFactorForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
    code = forms.CharField(
        label=_("Code from the app or a backup code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the code.")},
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, checked by the identity provider of the sign-in page
    (accounts.identity): a citizen or business types the identification number, an official
    the user name, in the same field."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The number (or user name) or the password is wrong. Both are case-sensitive."
        ),
    }

    def clean(self) -> dict[str, Any]:
        login = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if login is not None and password:
            provider = identity.form_provider()
            user = (
                None
                if provider is None or self.request is None
                else provider.authenticate(self.request, login, password)
            )
            if user is None:
                raise self.get_invalid_login_error()
            self.user_cache = user
            self.confirm_login_allowed(user)
        return self.cleaned_data


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of your account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your e-mail address.")},
    )
