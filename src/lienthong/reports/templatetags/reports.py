from typing import Any

from django import template

from ..permissions import leader_agencies, may_read_reports, may_use_periodic_reports

register = template.Library()


@register.filter
def reads_reports(user: Any) -> bool:
    """`{% if user|reads_reports %}`: show the link to the evaluation page."""
    return may_read_reports(user)


@register.filter
def uses_periodic_reports(user: Any) -> bool:
    """`{% if user|uses_periodic_reports %}`: show the link to periodic reporting."""
    return may_use_periodic_reports(user)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ row.counts|get_item:key }}`: a dict's value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def leads_agency(user: Any) -> bool:
    """`{% if user|leads_agency %}`: show the link to the leaders' dashboard."""
    return leader_agencies(user) is not None
