"""The page chrome of a session between the password and the second factor."""

from typing import Any

from django import template

from ..middleware import second_factor_step

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_second_factor(context: Any) -> str:
    """`{% pending_second_factor as pending %}`: the URL name of the step (code page or
    enrolment) a signed-in session must pass before anything else, or "" once it has (or needs
    none). base.html then shows only that step, the language switch and sign-out: no menu, no
    notification bell, nothing of the agency."""
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return ""
    return second_factor_step(request) or ""
