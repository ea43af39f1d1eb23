"""`{% load dvcqg %}`: the national portal's data on the pages of other apps (the procedure's
national code, a dossier's tracking code and sync state, the pull button)."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import NationalDossier, NationalProcedureCode, StatusPush
from ..permissions import can_pull, can_view_sync

register = template.Library()


@register.inclusion_tag("dvcqg/_procedure_code.html")
def dvcqg_procedure_code(procedure: Any) -> dict[str, Any]:
    return {"entry": NationalProcedureCode.objects.filter(procedure=procedure).first()}


@register.inclusion_tag("dvcqg/_dossier.html", takes_context=True)
def dvcqg_dossier(context: dict[str, Any], dossier: Any, officer: bool = False) -> dict[str, Any]:
    """The portal's tracking code beside ours; for officers, the sync state (the last push, and
    the first one not acknowledged, which holds the later ones)."""
    user = context.get("user")
    show_sync = bool(officer and user is not None and can_view_sync(user))
    pushes = StatusPush.objects.filter(dossier=dossier).order_by("sequence")
    return {
        "dossier": dossier,
        "link": NationalDossier.objects.filter(dossier=dossier).first(),
        "show_sync": show_sync,
        "last": pushes.last() if show_sync else None,
        "blocking": pushes.unacknowledged().first() if show_sync else None,
    }


@register.inclusion_tag("dvcqg/_pull_button.html", takes_context=True)
def dvcqg_pull_button(context: dict[str, Any], next_url: str = "") -> dict[str, Any]:
    user = context.get("user")
    return {
        "show": bool(user is not None and can_pull(user)),
        "next_url": next_url,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def dvcqg_can_view(user: Any) -> bool:
    """The officers' menu shows the sync page to those who may use it."""
    return bool(user is not None and can_view_sync(user))
