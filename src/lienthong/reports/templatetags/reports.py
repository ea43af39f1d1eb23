from typing import Any

from django import template

from ..permissions import may_read_reports

register = template.Library()


@register.filter
def reads_reports(user: Any) -> bool:
    """`{% if user|reads_reports %}`: show the link to the evaluation page."""
    return may_read_reports(user)
