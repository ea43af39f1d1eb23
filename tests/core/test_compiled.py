"""The signed-in user's look-up, compiled once (core.compiled): the same user, roles and
agency as the ORM reads, in one query, and what changed since shows at the next request."""

from __future__ import annotations

import pytest
from django.db.models import Count

from lienthong.accounts import services
from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, User
from lienthong.core.compiled import CompiledLookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency() -> Agency:
    return services.create_agency(
        actor=None,
        code="000.00.01.H12",
        name="Sở Tư pháp",
        abbreviation="STP",
        kind=AgencyKind.DEPARTMENT,
        place_name="Cà Mau",
    )


def _user(agency: Agency | None, username: str, roles: list[Role]) -> User:
    return services.create_user(
        actor=None,
        agency=agency,
        username=username,
        password="x" * 12,
        full_name="Nguyễn Thị Thử",
        roles=roles,
        identifier="" if agency else "079123456789",
    )


def test_the_user_their_roles_and_agency_in_one_query(agency, django_assert_num_queries):
    official = _user(agency, "chuyenvien", [Role.SPECIALIST, Role.CLERK])
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
    citizen = _user(None, "079123456789", [])
    with django_assert_num_queries(1):
        found = User.objects.get_with_roles(citizen.pk)
        assert found is not None and found.agency is None and found.role_set() == set()
    assert found.last_login == User.objects.get(pk=citizen.pk).last_login


def test_what_changed_shows_at_the_next_look_up(agency):
    official = _user(agency, "vanthu", [Role.CLERK])
    assert User.objects.get_with_roles(official.pk).role_set() == {Role.CLERK}
    services.set_roles(actor=None, user=official, roles=[Role.AGENCY_LEADER])
    services.update_agency(actor=None, agency=agency, name="Sở Tư pháp tỉnh Cà Mau")
    again = User.objects.get_with_roles(official.pk)
    assert again.role_set() == {Role.AGENCY_LEADER}
    assert again.agency.name == "Sở Tư pháp tỉnh Cà Mau"


@pytest.mark.parametrize("value", [0, 10**9, "abc", None, "12.5"])
def test_no_user_for_an_unknown_or_malformed_key(agency, value):
    _user(agency, "lanhdao", [Role.AGENCY_LEADER])
    assert User.objects.get_with_roles(value) is None


def test_a_look_up_whose_value_is_not_one_parameter_is_refused(db):
    doubled = CompiledLookup(
        lambda pk: User.objects.filter(pk=pk).annotate(n=Count("role_grants")).filter(n__lt=pk)
    )
    with pytest.raises(ValueError, match="appears 2 times"):
        doubled.get(1)
