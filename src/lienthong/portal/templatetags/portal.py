"""The organisation chart drawn from the platform's org tree (never retyped on the portal)."""

from __future__ import annotations

from typing import Any

from django import template

from lienthong.accounts.models import Agency, Unit, User
from lienthong.portal.models import PublishedDocument
from lienthong.portal.permissions import can_publish_document, can_withdraw_publication

register = template.Library()


@register.simple_tag
def org_chart(agency: Agency) -> dict[str, Any]:
    units = list(Unit.objects.active().filter(agency=agency).order_by("name"))
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    top = by_parent.get(None, [])
    for unit in top:
        unit.children_list = by_parent.get(unit.pk, [])  # type: ignore[attr-defined]
    heads = (
        User.objects.active()
        .filter(agency=agency, position__is_leadership=True)
        .select_related("position")
        .order_by("position__rank", "full_name", "pk")
    )
    leaders = [user for user in heads if user.unit_id is None]
    heads_of: dict[int, list[User]] = {}
    for user in heads:
        if user.unit_id is not None:
            heads_of.setdefault(user.unit_id, []).append(user)
    for unit in units:
        unit.heads = heads_of.get(unit.pk, [])  # type: ignore[attr-defined]
    return {
        "units": top,
        "leaders": leaders,
        "agencies": list(Agency.objects.active().filter(parent=agency).order_by("name")),
    }


@register.simple_tag(takes_context=True)
def publication_state(context: Any, document: Any) -> dict[str, Any]:
    """The portal panel of an issued document's page (documents/detail.html includes it)."""
    user = context["request"].user
    publication = PublishedDocument.objects.live().filter(document=document).first()
    can_publish = can_publish_document(user, document)
    can_withdraw = publication is not None and can_withdraw_publication(user, publication)
    return {
        "shown": can_publish or publication is not None,
        "publication": publication,
        "can_publish": can_publish,
        "can_withdraw": can_withdraw,
    }
