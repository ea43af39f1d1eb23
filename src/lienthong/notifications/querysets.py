"""Reads of notifications and preferences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from .constants import EMAIL_BY_DEFAULT, NotificationKind

if TYPE_CHECKING:
    from .models import Notification, NotificationPreference  # noqa: F401 (for mypy)

# The bell shows “99+” past this: counting further would only cost time.
UNREAD_COUNT_CAP = 99


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> NotificationQuerySet:
        """The user's own notifications; nothing for anyone else (or an anonymous visitor)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def newest_first(self) -> NotificationQuerySet:
        # Ids grow with time and are unique: a stable key for keyset pagination.
        return self.order_by("-id")

    def before(self, last_id: int | None) -> NotificationQuerySet:
        """The page after the one that ended with `last_id` (keyset, no OFFSET)."""
        return self.filter(id__lt=last_id) if last_id else self

    def unread_count(self, user: Any, cap: int = UNREAD_COUNT_CAP) -> int:
        """Unread notifications of the user, counted up to `cap` + 1 (the bell shows “99+”)."""
        return self.for_user(user).unread().order_by()[: cap + 1].count()


class NotificationPreferenceQuerySet(models.QuerySet["NotificationPreference"]):
    def email_choices(self, user: Any) -> dict[str, bool]:
        """For each kind, whether the user wants it by e-mail (their choice, or the default)."""
        stored = dict(self.filter(user_id=user.pk).values_list("kind", "email"))
        return {kind: stored.get(kind, EMAIL_BY_DEFAULT[kind]) for kind in NotificationKind.values}

    def wanting_email(self, kind: str, user_ids: Iterable[int]) -> set[int]:
        """Which of these users want `kind` by e-mail."""
        ids = set(user_ids)
        chosen = dict(self.filter(kind=kind, user_id__in=ids).values_list("user_id", "email"))
        default = EMAIL_BY_DEFAULT[kind]
        return {user_id for user_id in ids if chosen.get(user_id, default)}
