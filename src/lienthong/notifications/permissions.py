"""The access chokepoint of notifications: a user reaches only their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


def access_notification(user: User | AnonymousUser, pk: Any) -> Notification:
    """The user's notification `pk`; 404 when it is missing or someone else's alike."""
    try:
        return Notification.objects.for_user(user).get(pk=int(pk))
    except (Notification.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404 from exc
