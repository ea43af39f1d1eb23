from typing import Any

from django import template

from ..permissions import may_read_reports, may_use_periodic_reports

register = template.Library()


@register.filter
def reads_reports(user: Any) -> bool:
    """`{% if user|reads_reports %}`: show the link to the evaluation page."""
    return may_read_reports(user)


@register.filter
def uses_periodic_reports(user: Any) -> bool:
    """`{% if user|uses_periodic_reports %}`: show the link to periodic reporting."""
    return may_use_periodic_reports(user)
