"""What every app's views share: who may use a page (the role guards) and how a service's
refusal is shown on a form.

A guard answers 404 both when the caller is not signed in as the right kind of user and when
they lack the role, as an object they may not see is answered (docs/architecture.md): a page
does not tell who may use it. The guards serve the pages and the API alike (DRF answers Django's
Http404 with its JSON 404).

The ground floor: the user model is the project's (`get_user_model()`), named by no import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404

UserT = TypeVar("UserT")

# The clerk's role (văn thư), as the accounts app stores it (`Role.CLERK`).
CLERK_ROLE = "clerk"


class _HasUser(Protocol):
    @property
    def user(self) -> Any: ...


class RoleGuard(Generic[UserT]):
    """Called with a request: its user when of the user model and `allowed`, otherwise 404."""

    def __init__(self, model: Callable[[], type[UserT]], allowed: Callable[[UserT], bool]) -> None:
        self.model = model
        self.allowed = allowed

    def __call__(self, request: _HasUser) -> UserT:
        user = request.user
        if not isinstance(user, self.model()) or not self.allowed(user):
            raise Http404
        return user


# Signed in (any account, an applicant's too): the pages and API meant for everyone signed in.
user_or_404 = RoleGuard(get_user_model, lambda user: bool(user.is_active))

# An official of an agency: a signed-in, active account with an agency.
official_or_404 = RoleGuard(
    get_user_model, lambda user: bool(user.is_active and user.agency_id is not None)
)

# The clerk (văn thư) of an agency: registers and issues documents, receives deliveries.
clerk_or_404 = RoleGuard(
    get_user_model,
    lambda user: bool(user.is_active and user.agency_id is not None and user.has_role(CLERK_ROLE)),
)


def form_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: a message about a field of the form under
    that field, the others (and a message about no field) above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
