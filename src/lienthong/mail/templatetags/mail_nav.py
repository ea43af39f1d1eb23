"""The mail sub-menu shows the administration pages only to those who may open them."""

from __future__ import annotations

from typing import Any

from django import template

from lienthong.mail.permissions import can_manage_mailboxes

register = template.Library()


@register.filter
def manages_mailboxes(user: Any) -> bool:
    return can_manage_mailboxes(user)
