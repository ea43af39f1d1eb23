"""The Django admin: system administrators manage everything, an agency administrator only
their own agency, and nobody else gets in."""

import re
from datetime import timedelta

from django.test import Client

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Delegation, RoleGrant, Unit, User
from lienthong.core.models import AuditEvent


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


# --- The admin changes people only through the services ----------------------------------------

CHANGE = "/quan-tri/accounts/{model}/{pk}/change/"


def saved(response) -> bool:
    """The admin saved and went back to the list (a refusal comes back to the same page)."""
    return response.status_code == 302 and not response["Location"].endswith(("/change/", "/add/"))


def _user_form(user: User, **overrides) -> dict:
    """The user's change form as the page posts it, with the roles inline unchanged."""
    grants = list(user.role_grants.order_by("pk"))
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "agency": user.agency_id or "",
        "unit": user.unit_id or "",
        "position": user.position_id or "",
        "is_active": "on" if user.is_active else "",
        "role_grants-TOTAL_FORMS": str(len(grants)),
        "role_grants-INITIAL_FORMS": str(len(grants)),
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }
    for i, grant in enumerate(grants):
        data |= {
            f"role_grants-{i}-id": grant.pk,
            f"role_grants-{i}-user": user.pk,
            f"role_grants-{i}-role": grant.role,
        }
    data |= overrides
    return {k: v for k, v in data.items() if v != ""}


def _delegations_of(user: User, colleague: User) -> list:
    from django.utils import timezone

    now = timezone.now()
    return [
        services.create_delegation(
            actor=None,
            delegator=user,
            delegate=colleague,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=5),
            scope="Ký thay",
        ),
        services.create_delegation(
            actor=None,
            delegator=colleague,
            delegate=user,
            starts_at=now + timedelta(days=10),
            ends_at=now + timedelta(days=15),
            scope="Ký thay",
        ),
    ]


def _moved_state(user: User, delegations: list) -> tuple:
    user.refresh_from_db()
    event = AuditEvent.objects.for_object(user).filter(action="security.user_moved").get()
    return (
        user.agency_id is not None,
        user.is_staff,
        sorted(user.role_grants.values_list("role", flat=True)),
        [Delegation.objects.get(pk=d.pk).revoked_at is not None for d in delegations],
        {k: v for k, v in event.data.items() if k not in {"from_agency", "to_agency"}},
    )


def test_moving_an_official_in_the_admin_drops_roles_and_delegations_as_move_user_does(
    admins, user_factory
) -> None:
    stp, snv, system, agency_admin, specialist, other = admins
    stp_unit = services.create_unit(actor=None, agency=stp, name="Văn phòng", abbreviation="VP")
    snv_unit = services.create_unit(actor=None, agency=snv, name="Phòng TC", abbreviation="TC")
    # Two officials alike: one moved through the admin's page, the other by `move_user`.
    by_admin = user_factory(stp, [Role.AGENCY_LEADER, Role.AGENCY_ADMIN], unit=stp_unit)
    by_service = user_factory(stp, [Role.AGENCY_LEADER, Role.AGENCY_ADMIN], unit=stp_unit)
    colleague = user_factory(stp, [Role.SPECIALIST], unit=stp_unit)
    admin_delegations = _delegations_of(by_admin, colleague)
    service_delegations = _delegations_of(by_service, colleague)
    signed_in = logged_in(by_admin)  # a session of the official: the move signs them out
    assert signed_in.get("/quan-tri/").status_code == 200

    client = logged_in(system)
    response = client.post(
        CHANGE.format(model="user", pk=by_admin.pk),
        _user_form(by_admin, agency=snv.pk, unit=snv_unit.pk),  # the roles posted unchanged
    )
    assert saved(response), response.content.decode()[:3000]
    services.move_user(actor=system, user=by_service, unit=snv_unit, position=None)

    moved = _moved_state(by_admin, admin_delegations)
    assert moved == _moved_state(by_service, service_delegations)
    # move_user ends the delegations in force and those yet to start (across two agencies a
    # delegation may never begin)
    assert moved[2] == [] and moved[3] == [True, True] and not moved[1]
    assert moved[4]["roles_dropped"] == ["agency_admin", "agency_leader"]
    assert by_admin.agency_id == snv.pk and by_admin.unit_id == snv_unit.pk
    event = AuditEvent.objects.for_object(by_admin).get(action="security.user_moved")
    assert event.actor == system and event.data["from_agency"] == stp.pk
    assert signed_in.get("/quan-tri/").status_code == 302  # signed out everywhere
    # The admin wrote nothing of its own besides the service's event.
    assert not AuditEvent.objects.for_object(by_admin).filter(action="user.updated").exists()


def test_a_move_needs_a_unit_of_the_new_agency(admins) -> None:
    stp, snv, system, agency_admin, specialist, other = admins
    stp_unit = services.create_unit(actor=None, agency=stp, name="Văn phòng", abbreviation="VP")
    page = logged_in(system).post(
        CHANGE.format(model="user", pk=specialist.pk),
        _user_form(specialist, agency=snv.pk, unit=stp_unit.pk),
    )
    assert page.status_code == 200  # the form again, with the error
    assert "The unit belongs to another agency." in page.content.decode() or (
        "Đơn vị thuộc cơ quan khác" in page.content.decode()
    )
    specialist.refresh_from_db()
    assert specialist.agency_id == stp.pk and specialist.role_set()


def _events(action: str, actor: User) -> int:
    return AuditEvent.objects.filter(action=action, actor=actor).count()


def test_every_admin_change_of_people_writes_the_services_audit_event(admins) -> None:
    stp, snv, system, agency_admin, specialist, other = admins
    client = logged_in(agency_admin)
    unit = services.create_unit(actor=None, agency=stp, name="Văn phòng", abbreviation="VP")

    # Creating an account: `create_user`.
    response = client.post(
        "/quan-tri/accounts/user/add/",
        {
            "username": "tran.b",
            "full_name": "Trần Thị B",
            "agency": stp.pk,
            "unit": unit.pk,
            "password1": "Mật-khẩu-dài-2026!",
            "password2": "Mật-khẩu-dài-2026!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    new = User.objects.get(username="tran.b")
    assert new.check_password("Mật-khẩu-dài-2026!") and new.unit == unit
    created = AuditEvent.objects.for_object(new).get(action="user.created")
    assert created.actor == agency_admin and created.data["agency"] == stp.code

    # Particulars: `update_user`; roles: `set_roles` (the roles inline).
    form = _user_form(new, full_name="Trần Thị Bình", email="binh@stp.camau.gov.vn")
    form |= {
        "role_grants-TOTAL_FORMS": "1",
        "role_grants-0-user": new.pk,
        "role_grants-0-role": Role.CLERK,
    }
    assert saved(client.post(CHANGE.format(model="user", pk=new.pk), form))
    new.refresh_from_db()
    assert new.full_name == "Trần Thị Bình" and new.role_set() == {Role.CLERK}
    updated = AuditEvent.objects.for_object(new).get(action="user.updated")
    assert updated.actor == agency_admin
    assert updated.data["after"] == {"email": "binh@stp.camau.gov.vn", "full_name": "Trần Thị Bình"}
    roles = AuditEvent.objects.for_object(new).get(action="security.roles_changed")
    assert roles.actor == agency_admin and roles.data == {"before": [], "after": ["clerk"]}

    # Deactivating through the form, reactivating through the action.
    form = _user_form(new, is_active="")
    assert saved(client.post(CHANGE.format(model="user", pk=new.pk), form))
    assert not User.objects.get(pk=new.pk).is_active
    assert _events("security.user_deactivated", agency_admin) == 1
    client.post(
        "/quan-tri/accounts/user/",
        {"action": "reactivate_selected", "_selected_action": [new.pk]},
    )
    assert User.objects.get(pk=new.pk).is_active
    assert _events("security.user_reactivated", agency_admin) == 1
    client.post(
        "/quan-tri/accounts/user/",
        {"action": "deactivate_selected", "_selected_action": [new.pk]},
    )
    assert not User.objects.get(pk=new.pk).is_active
    assert _events("security.user_deactivated", agency_admin) == 2

    # The password page: `set_user_password`.
    response = client.post(
        f"/quan-tri/accounts/user/{new.pk}/password/",
        {
            "password1": "Mới-hơn-nữa-2027!",
            "password2": "Mới-hơn-nữa-2027!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=new.pk).check_password("Mới-hơn-nữa-2027!")
    assert _events("security.password_set", agency_admin) == 1

    # Delegations: granted (`create_delegation`), ended by the action (`revoke_delegation`).
    response = client.post(
        "/quan-tri/accounts/delegation/add/",
        {
            "delegator": specialist.pk,
            "delegate": agency_admin.pk,
            "starts_at_0": "2026-12-01",
            "starts_at_1": "08:00:00",
            "ends_at_0": "2026-12-20",
            "ends_at_1": "17:00:00",
            "scope": "Ký thay văn bản",
        },
    )
    assert saved(response), response.content.decode()[:3000]
    delegation = Delegation.objects.get(delegator=specialist)
    assert _events("security.delegation_created", agency_admin) == 1
    client.post(
        "/quan-tri/accounts/delegation/",
        {"action": "revoke_selected", "_selected_action": [delegation.pk]},
    )
    assert Delegation.objects.get(pk=delegation.pk).revoked_at is not None
    assert _events("security.delegation_revoked", agency_admin) == 1

    # Units: created and renamed through `create_unit` and `update_unit`.
    response = client.post(
        "/quan-tri/accounts/unit/add/",
        {"agency": stp.pk, "name": "Phòng Tổ chức", "abbreviation": "TC", "is_active": "on"},
    )
    assert saved(response), response.content.decode()[:3000]
    added = Unit.objects.get(agency=stp, abbreviation="TC")
    assert _events("unit.created", agency_admin) == 1
    response = client.post(
        CHANGE.format(model="unit", pk=added.pk),
        {"name": "Phòng Tổ chức cán bộ", "abbreviation": "TCCB", "is_active": "on"},
    )
    assert saved(response), response.content.decode()[:3000]
    assert Unit.objects.get(pk=added.pk).abbreviation == "TCCB"
    assert _events("unit.updated", agency_admin) == 1

    # Nothing about people is deleted in the admin.
    for model, pk in (("user", new.pk), ("delegation", delegation.pk), ("agency", stp.pk)):
        assert client.get(f"/quan-tri/accounts/{model}/{pk}/delete/").status_code == 403
    assert User.objects.filter(pk=new.pk).exists()


def test_agencies_are_created_renamed_and_moved_through_the_services(admins) -> None:
    stp, snv, system, *_ = admins
    client = logged_in(system)
    fields = {
        "code": "000.00.31.H12",
        "name": "Sở Khoa học và Công nghệ",
        "short_name": "",
        "abbreviation": "SKHCN",
        "kind": stp.kind,
        "parent": stp.parent_id,
        "governing_body_name": "",
        "place_name": "Cà Mau",
        "is_active": "on",
        "units-TOTAL_FORMS": "1",
        "units-INITIAL_FORMS": "0",
        "units-0-name": "Văn phòng Sở",
        "units-0-abbreviation": "VP",
        "units-0-is_active": "on",
    }
    response = client.post("/quan-tri/accounts/agency/add/", fields)
    assert saved(response), response.content.decode()[:3000]
    agency = Agency.objects.get(code="000.00.31.H12")
    assert _events("agency.created", system) == 1
    unit = Unit.objects.get(agency=agency)
    assert AuditEvent.objects.for_object(unit).get(action="unit.created").actor == system

    renamed = fields | {
        "name": "Sở KH&CN",
        "parent": stp.pk,
        "code": ".".join([stp.code.split(".")[0], "31", *stp.code.split(".")[2:]]),
        "units-INITIAL_FORMS": "1",
        "units-0-id": unit.pk,
        "units-0-agency": agency.pk,
        "units-0-name": "Văn phòng",
    }
    response = client.post(CHANGE.format(model="agency", pk=agency.pk), renamed)
    assert saved(response), response.content.decode()[:3000]
    agency.refresh_from_db()
    assert agency.name == "Sở KH&CN" and agency.parent == stp
    event = AuditEvent.objects.for_object(agency).get(action="agency.updated")
    assert event.actor == system and event.data["after"]["parent"] == str(stp)
    assert Unit.objects.get(pk=unit.pk).name == "Văn phòng"
    assert AuditEvent.objects.for_object(unit).get(action="unit.updated").actor == system


def test_a_service_refusal_in_the_admin_changes_nothing_and_says_why(admins, db_snapshot) -> None:
    stp, snv, system, agency_admin, specialist, other = admins
    client = logged_in(system)
    before = db_snapshot()
    response = client.post(
        "/quan-tri/accounts/delegation/add/",
        {
            "delegator": specialist.pk,
            "delegate": other.pk,  # of another agency: `create_delegation` refuses
            "starts_at_0": "2026-12-01",
            "starts_at_1": "08:00:00",
            "ends_at_0": "2026-12-20",
            "ends_at_1": "17:00:00",
            "scope": "Ký thay",
        },
    )
    # The same form comes back, with what was typed and the service's reason.
    assert response.status_code == 200
    form = response.context["adminform"].form
    shown = " ".join(form.non_field_errors())
    assert "same agency" in shown or "cùng cơ quan" in shown
    assert form.data["scope"] == "Ký thay" and form.data["delegate"] == str(other.pk)
    assert "Ký thay" in response.content.decode()
    assert db_snapshot() == before
