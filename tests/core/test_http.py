"""The views' shared helpers (lienthong.core.http): the role guards answer 404 for a caller who
is not signed in as the right kind of user and for one who lacks the role alike; `form_errors`
shows a service's refusal on the form."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core.http import (
    CLERK_ROLE,
    clerk_or_404,
    form_errors,
    official_or_404,
    user_or_404,
)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_clerk_role_is_the_one_accounts_grants() -> None:
    assert CLERK_ROLE == Role.CLERK


def test_guards_let_in_their_role_and_answer_404_to_everyone_else(
    two_agencies, user_factory
) -> None:
    clerk = user_factory(two_agencies[0], [Role.CLERK])
    specialist = user_factory(two_agencies[0], [Role.SPECIALIST])
    citizen = User.objects.create_user(username="congdan", password="x")  # no agency, no role
    retired = user_factory(two_agencies[0], [Role.CLERK])
    retired.is_active = False
    retired.save()

    assert clerk_or_404(_request(clerk)) == clerk
    assert official_or_404(_request(clerk)) == clerk
    assert official_or_404(_request(specialist)) == specialist
    assert user_or_404(_request(citizen)) == citizen
    refused = [
        (clerk_or_404, specialist),
        (clerk_or_404, citizen),
        (clerk_or_404, retired),
        (official_or_404, citizen),
        (official_or_404, retired),
        (user_or_404, retired),
    ]
    for guard, user in refused:
        with pytest.raises(Http404):
            guard(_request(user))
    for guard in (clerk_or_404, official_or_404, user_or_404):
        with pytest.raises(Http404):
            guard(_request(AnonymousUser()))


class _Form(forms.Form):
    subject = forms.CharField()


def test_form_errors_puts_field_messages_on_their_field_and_the_rest_above_the_form() -> None:
    form = _Form({"subject": "Công văn"})
    assert form.is_valid()
    form_errors(form, ValidationError({"subject": "Too long.", "register": "Closed."}))
    assert form.errors["subject"] == ["Too long."]
    assert form.non_field_errors() == ["Closed."]

    form = _Form({"subject": "Công văn"})
    assert form.is_valid()
    form_errors(form, ValidationError(["Storage is full.", "Try later."]))
    assert form.non_field_errors() == ["Storage is full.", "Try later."]
    assert "subject" not in form.errors
