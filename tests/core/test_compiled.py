"""The signed-in user's look-up, compiled once (core.compiled): the same user, roles and
agency as the ORM reads, in one query, and what changed since shows at the next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.accounts.querysets import may_act_for_others
from lienthong.core.compiled import CompiledLookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(agency_factory) -> Agency:
    return agency_factory("Sở Tư pháp", "STP")


def test_the_user_their_roles_and_agency_in_one_query(
    agency, user_factory, django_assert_num_queries
):
    official = user_factory(agency, [Role.SPECIALIST, Role.CLERK])
    with django_assert_num_queries(1):
        found = User.objects.get_with_roles(official.pk)
        assert found is not None
        assert found.role_set() == {Role.SPECIALIST, Role.CLERK}
        assert found.agency.name == "Sở Tư pháp"  # read with the user
    plain = User.objects.get(pk=official.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(plain, field.attname), field.name
    assert found._state.db == "default" and not found._state.adding


def test_a_citizen_without_agency_or_roles(db, django_assert_num_queries):
    citizen = services.create_user(
        actor=None,
        agency=None,
        username="079123456789",
        password="x" * 12,
        full_name="Nguyễn Thị Dân",
        identifier="079123456789",
    )
    with django_assert_num_queries(1):
        found = User.objects.get_with_roles(citizen.pk)
        assert found is not None and found.agency is None and found.role_set() == set()
    assert found.last_login == User.objects.get(pk=citizen.pk).last_login


def test_what_changed_shows_at_the_next_look_up(agency, user_factory):
    official = user_factory(agency, [Role.CLERK])
    assert User.objects.get_with_roles(official.pk).role_set() == {Role.CLERK}
    services.set_roles(actor=None, user=official, roles=[Role.AGENCY_LEADER])
    services.update_agency(actor=None, agency=agency, name="Sở Tư pháp tỉnh Cà Mau")
    again = User.objects.get_with_roles(official.pk)
    assert again.role_set() == {Role.AGENCY_LEADER}
    assert again.agency.name == "Sở Tư pháp tỉnh Cà Mau"


@pytest.mark.parametrize("value", [0, 10**9, "abc", None, "12.5"])
def test_no_user_for_an_unknown_or_malformed_key(agency, user_factory, value):
    user_factory(agency, [Role.AGENCY_LEADER])
    assert User.objects.get_with_roles(value) is None


def test_a_look_up_whose_value_is_not_one_parameter_is_refused(db):
    doubled = CompiledLookup(
        lambda pk: User.objects.filter(pk=pk).annotate(n=Count("role_grants")).filter(n__lt=pk)
    )
    with pytest.raises(ValueError, match="appears 2 times"):
        doubled.get(1)


def test_it_says_whether_a_delegation_to_the_user_exists(agency, user_factory):
    """`may_act_for_others`: False only when no unrevoked delegation from an active official of
    the user's agency names them, whatever its period; a user read another way may."""
    leader = user_factory(agency, [Role.AGENCY_LEADER])
    deputy = user_factory(agency, [Role.SPECIALIST])
    assert not may_act_for_others(User.objects.get_with_roles(deputy.pk))
    assert may_act_for_others(User.objects.get(pk=deputy.pk))  # not read for a request
    start = timezone.now() + timedelta(days=30)  # not yet in force: still counted
    delegation = services.create_delegation(
        actor=leader,
        delegator=leader,
        delegate=deputy,
        starts_at=start,
        ends_at=start + timedelta(days=2),
        scope="Giải quyết văn bản đến",
    )
    assert may_act_for_others(User.objects.get_with_roles(deputy.pk))
    assert not may_act_for_others(User.objects.get_with_roles(leader.pk))
    services.deactivate_user(actor=None, user=leader)
    assert not may_act_for_others(User.objects.get_with_roles(deputy.pk))
    User.objects.filter(pk=leader.pk).update(is_active=True)
    services.revoke_delegation(actor=leader, delegation=delegation)
    assert not may_act_for_others(User.objects.get_with_roles(deputy.pk))
