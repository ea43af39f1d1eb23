"""Accounts under attack: a moved or deactivated official is signed out everywhere at once (the
browser session and the API token), every permission change is in the audit log, and the
password policy refuses weak passwords."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from lienthong.accounts import services as accounts
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.models import AuditEvent

from .world import World


def _signed_in(user: User) -> tuple[Client, Client]:
    browser = Client()
    browser.force_login(user)  # a real session row, as a sign-in makes
    token, _ = Token.objects.get_or_create(user=user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    return browser, api


@pytest.mark.parametrize("change", ["moved", "deactivated"])
def test_a_moved_or_deactivated_official_loses_access_at_once(
    world: World, db: Any, change: str
) -> None:
    officer = User.objects.get(username="chuyenvien.stp")
    document = world.ids["document"]
    browser, api = _signed_in(officer)
    assert browser.get(f"/van-ban/{document}/").status_code == 200
    assert api.get(f"/api/v1/documents/{document}/").status_code == 200

    if change == "moved":
        other = Unit.objects.get(agency=Agency.objects.get(code="000.00.11.H12"), abbreviation="VP")
        accounts.move_user(actor=None, user=officer, unit=other, position=None)
    else:
        accounts.deactivate_user(actor=None, user=officer)

    page = browser.get(f"/van-ban/{document}/")
    assert page.status_code == 302 and "/dang-nhap/" in page["Location"]
    assert api.get(f"/api/v1/documents/{document}/").status_code == 401
    assert AuditEvent.objects.filter(
        action=f"security.user_{change}", object_id=str(officer.pk)
    ).exists()


def test_every_permission_change_is_audited(world: World, db: Any) -> None:
    officer = User.objects.get(username="chuyenvien.stp")
    leader = User.objects.get(username="lanhdao.stp")
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    accounts.set_roles(actor=None, user=officer, roles=[Role.SPECIALIST, Role.CLERK])
    now = timezone.now()
    delegation = accounts.create_delegation(
        actor=leader, delegator=leader, delegate=officer, starts_at=now,
        ends_at=now + timedelta(days=3), scope="Ký văn bản thường", legal_basis="Quy chế",
    )  # fmt: skip
    accounts.revoke_delegation(actor=leader, delegation=delegation)
    unit = Unit.objects.get(agency=world.stp, abbreviation="BTTP")
    accounts.move_user(actor=None, user=officer, unit=unit, position=None)
    new = AuditEvent.objects.filter(sequence__gt=last or 0)
    assert set(new.values_list("action", flat=True)) >= {
        "security.roles_changed",
        "security.delegation_created",
        "security.delegation_revoked",
        "security.user_moved",
    }
    change = new.get(action="security.roles_changed")
    assert change.object_id == str(officer.pk)


@pytest.mark.parametrize("password", ["123456789012", "password1234", "short1!", "chuyenvien.stp1"])
def test_weak_passwords_are_refused(world: World, db: Any, password: str) -> None:
    with pytest.raises(ValidationError):
        accounts.create_user(
            actor=None,
            username="chuyenvien.stp1",
            full_name="Nguyễn Văn Mới",
            password=password,
            agency=world.stp,
        )
