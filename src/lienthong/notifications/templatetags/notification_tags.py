from typing import Any

from django import template

from ..models import Notification

register = template.Library()


@register.simple_tag
def unread_notification_count(user: Any) -> int:
    """Unread notifications of the user, up to 100 (shown as “99+”)."""
    return Notification.objects.unread_count(user)
