from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lienthong.accounts import services
from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, Delegation, User
from lienthong.core.models import AuditEvent


def test_create_agency_validates_and_audits(province: Agency) -> None:
    agency = services.create_agency(
        actor=None,
        code="000.00.05.H12",
        name="Sở Tư pháp",
        abbreviation="STP",
        kind=AgencyKind.DEPARTMENT,
        place_name="Cà Mau",
        parent=province,
    )
    assert agency.parent == province
    event = AuditEvent.objects.for_object(agency).get()
    assert event.action == "agency.created"
    assert event.data == {"code": "000.00.05.H12"}


@pytest.mark.parametrize("code", ["000.00.5.H12", "H12", "000.00.00.h12", "000 00 05 H12"])
def test_malformed_agency_code_is_refused_and_nothing_is_stored(
    province: Agency, code: str, db_snapshot
) -> None:
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.create_agency(
            actor=None,
            code=code,
            name="Sở Tư pháp",
            abbreviation="STP",
            kind=AgencyKind.DEPARTMENT,
            place_name="Cà Mau",
            parent=province,
        )
    assert "code" in exc.value.message_dict
    assert "000.00.00.H12" in exc.value.message_dict["code"][0]  # the message shows the format
    assert db_snapshot() == before


def test_agency_code_must_fit_under_its_parent(province: Agency) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_agency(
            actor=None,
            code="000.01.05.H12",
            name="Phòng X",
            abbreviation="PX",
            kind=AgencyKind.OTHER,
            place_name="Cà Mau",
            parent=province,
        )
    assert "code" in exc.value.message_dict
    assert not Agency.objects.filter(code="000.01.05.H12").exists()


def test_duplicate_agency_code_is_refused(province: Agency) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_agency(
            actor=None,
            code="000.00.00.H12",
            name="Trùng",
            abbreviation="TR",
            kind=AgencyKind.OTHER,
            place_name="Cà Mau",
        )
    assert "code" in exc.value.message_dict
    assert Agency.objects.count() == 1


def test_agency_cannot_be_moved_under_its_own_child(agency_factory, province: Agency) -> None:
    child = agency_factory()
    with pytest.raises(ValidationError):
        services.update_agency(actor=None, agency=province, parent=child)
    province.refresh_from_db()
    assert province.parent is None


def test_only_system_admin_creates_agencies(two_agencies, user_factory) -> None:
    stp, _snv = two_agencies
    admin = user_factory(stp, [Role.AGENCY_ADMIN])
    with pytest.raises(PermissionDenied):
        services.create_agency(
            actor=admin,
            code="000.00.09.H12",
            name="Sở Xây dựng",
            abbreviation="SXD",
            kind=AgencyKind.DEPARTMENT,
            place_name="Cà Mau",
            parent=stp.parent,
        )
    assert not Agency.objects.filter(code="000.00.09.H12").exists()


def test_duplicate_username_is_refused_case_insensitively(two_agencies, user_factory) -> None:
    stp, _ = two_agencies
    user_factory(stp, username="vanthu.stp")
    with pytest.raises(ValidationError) as exc:
        user_factory(stp, username="VanThu.STP")
    assert "đã được sử dụng" in exc.value.message_dict["username"][0]
    assert User.objects.filter(username__iexact="vanthu.stp").count() == 1


def test_weak_password_is_refused(two_agencies, user_factory) -> None:
    stp, _ = two_agencies
    with pytest.raises(ValidationError):
        user_factory(stp, username="weak", password="12345678")
    assert not User.objects.filter(username="weak").exists()


def test_passwords_are_hashed_with_argon2(two_agencies, user_factory) -> None:
    user = user_factory(two_agencies[0])
    assert user.password.startswith("argon2")


def test_unit_must_belong_to_the_users_agency(two_agencies) -> None:
    stp, snv = two_agencies
    unit = services.create_unit(actor=None, agency=snv, name="Văn phòng Sở", abbreviation="VP")
    with pytest.raises(ValidationError):
        services.create_user(
            actor=None,
            username="x1",
            full_name="X",
            password="long-enough-pass",
            agency=stp,
            unit=unit,
            roles=[Role.CLERK],
        )
    assert not User.objects.filter(username="x1").exists()


def test_agency_admin_manages_only_their_agency(two_agencies, user_factory) -> None:
    stp, snv = two_agencies
    admin = user_factory(stp, [Role.AGENCY_ADMIN])
    clerk = services.create_user(
        actor=admin,
        username="vt1",
        full_name="Văn thư",
        password="long-enough-pass",
        agency=stp,
        roles=[Role.CLERK],
    )
    assert clerk.has_role(Role.CLERK)
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=admin,
            username="vt2",
            full_name="Văn thư",
            password="long-enough-pass",
            agency=snv,
            roles=[Role.CLERK],
        )
    with pytest.raises(PermissionDenied):
        services.set_roles(actor=admin, user=clerk, roles=[Role.SYSTEM_ADMIN])
    assert not User.objects.filter(username="vt2").exists()
    assert User.objects.get(pk=clerk.pk).role_set() == {Role.CLERK}


def test_role_changes_are_audited(two_agencies, user_factory) -> None:
    user = user_factory(two_agencies[0], [Role.SPECIALIST])
    services.set_roles(actor=None, user=user, roles=[Role.CLERK, Role.SPECIALIST])
    event = AuditEvent.objects.for_object(user).filter(action="security.roles_changed").get()
    assert event.data == {"before": ["specialist"], "after": ["clerk", "specialist"]}


def test_moving_to_another_agency_drops_roles_and_delegations(two_agencies, user_factory) -> None:
    stp, snv = two_agencies
    leader = user_factory(stp, [Role.AGENCY_LEADER])
    deputy = user_factory(stp, [Role.UNIT_LEADER])
    now = timezone.now()
    delegation = services.create_delegation(
        actor=leader,
        delegator=leader,
        delegate=deputy,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7),
        scope="Ký văn bản thay khi đi công tác",
    )
    unit = services.create_unit(actor=None, agency=snv, name="Phòng Tổ chức", abbreviation="TC")
    services.move_user(actor=None, user=deputy, unit=unit, position=None)
    deputy = User.objects.get(pk=deputy.pk)
    assert deputy.agency == snv
    assert deputy.role_set() == set()
    assert not Delegation.objects.active_at().filter(pk=delegation.pk).exists()
    assert not Agency.objects.visible_to(deputy).filter(pk=stp.pk).exists()


def test_delegation_rules(two_agencies, user_factory) -> None:
    stp, snv = two_agencies
    leader = user_factory(stp, [Role.AGENCY_LEADER])
    deputy = user_factory(stp, [Role.UNIT_LEADER])
    other = user_factory(snv, [Role.UNIT_LEADER])
    now = timezone.now()
    period = {"starts_at": now, "ends_at": now + timedelta(days=3), "scope": "Ký thay"}
    with pytest.raises(ValidationError):
        services.create_delegation(actor=leader, delegator=leader, delegate=leader, **period)
    with pytest.raises(ValidationError):
        services.create_delegation(actor=leader, delegator=leader, delegate=other, **period)
    with pytest.raises(ValidationError):
        services.create_delegation(
            actor=leader,
            delegator=leader,
            delegate=deputy,
            starts_at=now,
            ends_at=now - timedelta(days=1),
            scope="x",
        )
    services.create_delegation(actor=leader, delegator=leader, delegate=deputy, **period)
    third = user_factory(stp, [Role.SPECIALIST])
    with pytest.raises(ValidationError) as exc:  # TUQ cannot be delegated again
        services.create_delegation(actor=deputy, delegator=deputy, delegate=third, **period)
    assert "delegator" in exc.value.message_dict
    assert Delegation.objects.count() == 1


def test_delegation_is_active_only_within_its_period(two_agencies, user_factory) -> None:
    stp, _ = two_agencies
    leader, deputy = user_factory(stp, [Role.AGENCY_LEADER]), user_factory(stp, [Role.UNIT_LEADER])
    now = timezone.now()
    d = services.create_delegation(
        actor=None,
        delegator=leader,
        delegate=deputy,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=2),
        scope="Ký thay",
    )
    assert not Delegation.objects.active_at(now).exists()
    assert Delegation.objects.active_at(now + timedelta(days=1, hours=1)).get() == d
    services.revoke_delegation(actor=leader, delegation=d)
    assert not Delegation.objects.active_at(now + timedelta(days=1, hours=1)).exists()
