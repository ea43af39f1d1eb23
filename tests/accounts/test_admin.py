"""The Django admin: system administrators manage everything, an agency administrator only
their own agency, and nobody else gets in."""

import re

import pytest
from django.test import Client

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, RoleGrant, User
from lienthong.core.models import AuditEvent
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


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_system_admin_sees_every_agency(admins) -> None:
    stp, snv, system, *_ = admins
    page = logged_in(system).get("/quan-tri/accounts/agency/")
    assert page.status_code == 200
    assert stp.name in page.content.decode() and snv.name in page.content.decode()


def test_agency_admin_sees_only_their_agency(admins, db_snapshot) -> None:
    stp, snv, system, agency_admin, specialist, other = admins
    client = logged_in(agency_admin)
    page = client.get("/quan-tri/accounts/user/").content.decode()
    assert specialist.username in page and other.username not in page
    before = db_snapshot()
    assert client.get(f"/quan-tri/accounts/agency/{snv.pk}/change/").status_code == 302
    assert client.get(f"/quan-tri/accounts/user/{other.pk}/change/").status_code == 302
    response = client.post(f"/quan-tri/accounts/user/{other.pk}/change/", {"full_name": "Hacked"})
    assert response.status_code == 302
    assert User.objects.get(pk=other.pk).full_name != "Hacked"
    assert db_snapshot() == before


def test_agency_admin_cannot_grant_system_administration(admins) -> None:
    stp, snv, system, agency_admin, specialist, other = admins
    form = logged_in(agency_admin).get(f"/quan-tri/accounts/user/{specialist.pk}/change/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="clerk"' in html and 'value="system_admin"' not in html
    agency_select = re.search(r'<select name="agency".*?</select>', html, re.S)
    assert agency_select is not None
    assert f'value="{stp.pk}"' in agency_select.group(0)
    assert f'value="{snv.pk}"' not in agency_select.group(0)  # cannot move them elsewhere


def test_agency_admin_edit_is_audited(admins) -> None:
    stp, snv, system, agency_admin, specialist, other = admins
    client = logged_in(agency_admin)
    response = client.post(
        f"/quan-tri/accounts/agency/{stp.pk}/change/",
        {
            "name": stp.name,
            "short_name": "",
            "abbreviation": "STP",
            "governing_body_name": "",
            "place_name": "Cà Mau",
            "address": "Số 1 Hùng Vương",
            "phone": "",
            "email": "",
            "website": "",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Agency.objects.get(pk=stp.pk).address == "Số 1 Hùng Vương"
    event = AuditEvent.objects.for_object(stp).filter(action="agency.updated").get()
    assert event.actor == agency_admin


def test_officers_without_admin_roles_are_kept_out(admins) -> None:
    *_, specialist, other = admins
    response = logged_in(specialist).get("/quan-tri/accounts/agency/")
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]
    assert not RoleGrant.objects.filter(user=specialist, role=Role.AGENCY_ADMIN).exists()
