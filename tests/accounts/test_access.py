"""One chokepoint per object type: an official sees their own agency only, and a missing
object and a forbidden one look the same (404), with the database unchanged."""

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.accounts.permissions import access_agency, access_unit, access_user
from tests.conftest import PASSWORD


@pytest.fixture
def setting(two_agencies, user_factory):
    stp, snv = two_agencies
    unit = services.create_unit(actor=None, agency=snv, name="Văn phòng Sở", abbreviation="VP")
    officer = user_factory(stp, [Role.SPECIALIST])
    foreign = user_factory(snv, [Role.CLERK], unit=unit)
    return stp, snv, unit, officer, foreign


def test_visible_to_scopes_to_own_agency(setting) -> None:
    stp, snv, unit, officer, foreign = setting
    assert list(Agency.objects.visible_to(officer)) == [stp]
    assert not Unit.objects.visible_to(officer).filter(pk=unit.pk).exists()
    assert set(User.objects.visible_to(officer)) == {officer}
    system_admin = services.create_user(
        actor=None,
        username="root1",
        full_name="Quản trị",
        password=PASSWORD,
        agency=None,
        roles=[Role.SYSTEM_ADMIN],
    )
    assert Agency.objects.visible_to(system_admin).count() == 3


def test_forbidden_and_missing_look_the_same(setting) -> None:
    stp, snv, unit, officer, foreign = setting
    for check, forbidden in [
        (access_agency, snv.pk),
        (access_unit, unit.pk),
        (access_user, foreign.pk),
    ]:
        with pytest.raises(Http404) as forbidden_exc:
            check(officer, forbidden)
        with pytest.raises(Http404) as missing_exc:
            check(officer, 999_999)
        assert str(forbidden_exc.value) == str(missing_exc.value)
        with pytest.raises(Http404):
            check(officer, "not-a-number")


def test_inactive_user_sees_nothing(setting) -> None:
    stp, snv, unit, officer, foreign = setting
    services.deactivate_user(actor=None, user=officer)
    officer.refresh_from_db()
    assert not Agency.objects.visible_to(officer).exists()


@pytest.mark.parametrize("url_name,attr", [("agency-detail", "snv"), ("user-detail", "foreign")])
def test_pages_of_another_agency_are_404_and_change_nothing(
    setting, url_name, attr, db_snapshot
) -> None:
    stp, snv, unit, officer, foreign = setting
    target = {"snv": snv, "foreign": foreign}[attr]
    client = Client()
    client.force_login(officer)
    before = db_snapshot()
    response = client.get(reverse(url_name, args=[target.pk]))
    missing = client.get(reverse(url_name, args=[999_999]))
    assert response.status_code == 404 == missing.status_code
    assert db_snapshot() == before


def test_own_agency_page_lists_units_and_officials(setting) -> None:
    stp, snv, unit, officer, foreign = setting
    client = Client()
    client.force_login(foreign)
    page = client.get(reverse("agency-detail", args=[snv.pk])).content.decode()
    assert "Văn phòng Sở" in page and foreign.full_name in page and officer.full_name not in page
    assert "badge-demo" in page and "mã minh họa (demo)" in page  # placeholder code marked


@pytest.mark.parametrize(
    "url_name,args", [("dashboard", []), ("agency-detail", [1]), ("user-detail", [1])]
)
def test_anonymous_is_sent_to_sign_in(db, url_name, args) -> None:
    response = Client().get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
