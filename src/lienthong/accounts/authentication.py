"""API authentication. Tokens are issued by an administrator (the Django admin, itself behind
two-factor sign-in); a token of an account that must use two-factor sign-in works only once that
account has enrolled an authenticator app, and a reset of the second factor deletes it
(`services.reset_two_factor` signs the account out everywhere)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .permissions import two_factor_required
from .querysets import role_cache, roles_of


class TwoFactorTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, in one query: the token, its user, the user's roles and
    whether the user has an authenticator app (the two-factor rule below needs both)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        enrolled = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
        model: Any = self.get_model()
        token = (
            model.objects.select_related("user")
            .annotate(joined_roles=roles_of("user_id"), enrolled=Exists(enrolled))
            .filter(key=key)
            .first()
        )
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        user._role_cache = role_cache(token.joined_roles)
        if two_factor_required(user) and not token.enrolled:
            raise AuthenticationFailed(
                _("Set up two-factor sign-in on the website before using an API token.")
            )
        return user, token
