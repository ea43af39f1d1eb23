"""Reads of payments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from .constants import PaymentStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User

    from .models import Payment  # noqa: F401 (for mypy)


class PaymentQuerySet(models.QuerySet["Payment"]):
    def visible_to(self, user: User | AnonymousUser) -> PaymentQuerySet:
        """The payer's own payments; every payment for a superuser; nothing for anyone else."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(payer_id=user.pk)

    def paid_for(self, reference: str) -> PaymentQuerySet:
        """The succeeded payment of `reference` (at most one: a constraint says so). A QuerySet,
        so `Payment.objects.paid_for(code).exists()` asks the question in one query."""
        return self.filter(reference=reference, status=PaymentStatus.SUCCEEDED)

    def pending(self) -> PaymentQuerySet:
        return self.filter(status=PaymentStatus.PENDING)
