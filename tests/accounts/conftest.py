"""Fixtures shared by the accounts tests."""

import pytest

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from tests.conftest import PASSWORD


@pytest.fixture
def admins(two_agencies, user_factory):
    stp, snv = two_agencies
    system = services.create_user(
        actor=None,
        username="root",
        full_name="Quản trị hệ thống",
        password=PASSWORD,
        agency=None,
        roles=[Role.SYSTEM_ADMIN],
    )
    agency_admin = user_factory(stp, [Role.AGENCY_ADMIN])
    specialist = user_factory(stp, [Role.SPECIALIST])
    other = user_factory(snv, [Role.CLERK])
    return stp, snv, system, agency_admin, specialist, other
