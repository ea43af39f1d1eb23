"""Template helpers of the exchange pages (documents' page includes exchange/_panel.html)."""

from __future__ import annotations

from typing import Any

from django import template

from ..constants import RequestAnswer
from ..models import AxisReceipt

register = template.Library()


@register.simple_tag
def axis_requests_for(document: Any) -> Any:
    """Recalls, updates and replacements received over the axis about this copy, waiting for
    the clerk's answer."""
    return AxisReceipt.objects.filter(target=document, answer=RequestAnswer.PENDING)
