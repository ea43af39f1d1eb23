"""The services the admin (and anyone else) changes units and accounts through: checked,
audited, refused without a trace."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lienthong.accounts import services
from lienthong.core.models import AuditEvent


@pytest.fixture
def people(admins):
    """(system administrator, an agency administrator, an official, another agency's clerk)"""
    return admins


def test_update_user_changes_particulars_and_refuses_what_is_not_theirs(
    people, db_snapshot
) -> None:
    stp, snv, system, stp_admin, official, outsider = people
    services.update_user(actor=stp_admin, user=official, full_name=" Lê Văn C ", phone="0290")
    official.refresh_from_db()
    assert (official.full_name, official.phone) == ("Lê Văn C", "0290")
    event = AuditEvent.objects.for_object(official).get(action="user.updated")
    assert event.actor == stp_admin and event.data["after"]["full_name"] == "Lê Văn C"

    before = db_snapshot()
    with pytest.raises(ValidationError) as taken:
        services.update_user(actor=stp_admin, user=official, username=outsider.username.upper())
    assert "username" in taken.value.message_dict
    with pytest.raises(PermissionDenied):  # another agency's official
        services.update_user(actor=stp_admin, user=outsider, full_name="X")
    with pytest.raises(PermissionDenied):  # only a system administrator makes a superuser
        services.update_user(actor=stp_admin, user=official, is_superuser=True)
    with pytest.raises(PermissionDenied):  # nor touches a system administrator's account
        services.update_user(actor=stp_admin, user=system, full_name="X")
    with pytest.raises(TypeError):  # the agency changes through move_user only
        services.update_user(actor=system, user=official, agency=snv)
    assert db_snapshot() == before


def test_reactivate_and_set_password_are_audited_and_sign_the_account_out(people) -> None:
    stp, snv, system, stp_admin, official, outsider = people
    services.deactivate_user(actor=stp_admin, user=official)
    with pytest.raises(PermissionDenied):
        services.reactivate_user(actor=outsider, user=official)
    services.reactivate_user(actor=stp_admin, user=official)
    official.refresh_from_db()
    assert official.is_active
    assert (
        AuditEvent.objects.for_object(official)
        .filter(action="security.user_reactivated", actor=stp_admin)
        .exists()
    )

    client = Client()
    client.force_login(official)
    with pytest.raises(ValidationError):  # a weak password is refused
        services.set_user_password(actor=stp_admin, user=official, password="123")
    services.set_user_password(actor=stp_admin, user=official, password="Một-mật-khẩu-mới-9!")
    official.refresh_from_db()
    assert official.check_password("Một-mật-khẩu-mới-9!")
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(official.pk)
    ]
    services.set_user_password(actor=stp_admin, user=official, password=None)
    official.refresh_from_db()
    assert not official.has_usable_password()
    events = AuditEvent.objects.for_object(official).filter(action="security.password_set")
    assert [e.data["usable"] for e in events.order_by("sequence")] == [True, False]


def test_update_unit_keeps_a_unit_inside_its_agency(people, db_snapshot) -> None:
    stp, snv, system, stp_admin, official, outsider = people
    office = services.create_unit(actor=None, agency=stp, name="Văn phòng", abbreviation="VP")
    team = services.create_unit(actor=None, agency=stp, name="Tổ một cửa", abbreviation="MC")
    foreign = services.create_unit(actor=None, agency=snv, name="Văn phòng", abbreviation="VP")
    services.update_unit(actor=stp_admin, unit=team, parent=office, name="Bộ phận một cửa")
    team.refresh_from_db()
    assert team.parent == office and team.name == "Bộ phận một cửa"
    assert AuditEvent.objects.for_object(team).get(action="unit.updated").actor == stp_admin

    before = db_snapshot()
    with pytest.raises(ValidationError):
        services.update_unit(actor=stp_admin, unit=team, parent=foreign)
    with pytest.raises(ValidationError):  # a cycle
        services.update_unit(actor=stp_admin, unit=office, parent=team)
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=stp_admin, unit=foreign, name="X")
    with pytest.raises(TypeError):
        services.update_unit(actor=system, unit=team, agency=snv)
    assert db_snapshot() == before
