"""`{% signature_badge check document %}`: the badge of a file's recorded signature check, judged
against the document it belongs to when one is given (see badges.py)."""

from __future__ import annotations

from typing import Any

from django import template

from lienthong.documents.models import Document

from ..badges import Badge, badge_for, expectation_for_document

register = template.Library()


@register.simple_tag
def signature_badge(check: Any, document: Any = None) -> Badge | None:
    if not check:
        return None
    wanted = expectation_for_document(document) if isinstance(document, Document) else None
    return badge_for(check, wanted)
