"""Reads of certificates and credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from .constants import CredentialKind
from .roles import can_administer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import Agency, User

    from .models import SigningCredential, TrustedCertificate  # noqa: F401


class TrustedCertificateQuerySet(models.QuerySet["TrustedCertificate"]):
    def active(self) -> TrustedCertificateQuerySet:
        return self.filter(is_active=True)


class CredentialQuerySet(models.QuerySet["SigningCredential"]):
    def usable(self) -> CredentialQuerySet:
        """Not revoked, and valid now."""
        now = timezone.now()
        return self.filter(is_active=True, not_before__lte=now, not_after__gt=now)

    def personal_of(self, user: User) -> CredentialQuerySet:
        return self.filter(kind=CredentialKind.PERSONAL, user=user)

    def of_agency(self, agency: Agency | Any) -> CredentialQuerySet:
        return self.filter(kind=CredentialKind.AGENCY, agency=agency)

    def visible_to(self, user: User | AnonymousUser) -> CredentialQuerySet:
        """Administrators see their agency's; an official sees their own."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if can_administer(user):
            if user.is_superuser:
                return self
            return self.filter(agency_id=user.agency_id)
        return self.filter(user=user)
