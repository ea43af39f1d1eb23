"""API authentication. Tokens are issued by an administrator (the Django admin, itself behind
two-factor sign-in); a token of an account that must use two-factor sign-in works only once that
account has enrolled an authenticator app, and a reset of the second factor deletes it
(`services.reset_two_factor` signs the account out everywhere)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .permissions import has_two_factor, two_factor_required


class TwoFactorTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if two_factor_required(user) and not has_two_factor(user):
            raise AuthenticationFailed(
                _("Set up two-factor sign-in on the website before using an API token.")
            )
        return user, token
