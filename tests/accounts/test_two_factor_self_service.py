"""Two-factor sign-in, the official's side and the administrator's: the page chrome of a session
that has given its password but not yet its code, turning off a second factor one turned on
oneself (not one the role requires), and django-otp's admin pages without secrets."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from tests.conftest import PASSWORD

from .two_factor import enrol, next_code, verified_login

DASHBOARD = "/bang-dieu-khien/"


@pytest.fixture(autouse=True)
def two_factor_on(settings: Any) -> None:
    settings.LIENTHONG_2FA_REQUIRED_ROLES = settings.LIENTHONG_2FA_DEFAULT_ROLES


@pytest.fixture
def stp(two_agencies):
    return two_agencies[0]


@pytest.fixture
def leader(stp, user_factory):
    return user_factory(stp, [Role.AGENCY_LEADER], username="lanhdao.stp")


@pytest.fixture
def specialist(stp, user_factory):
    return user_factory(stp, [Role.SPECIALIST], username="chuyenvien.stp")


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


# --- the page chrome before the second factor ----------------------------------------------------


def _agency_chrome(html: str, agency: Any) -> list[str]:
    """The parts of the full chrome found in a page: the menu, the bell, links into the
    agency's data."""
    marks = {
        "main menu": 'data-testid="main-menu"',
        "notification bell": 'id="notification-bell"',
        "my agency": reverse("agency-detail", args=[agency.pk]),
        "documents": reverse("documents:incoming"),
        "work queue": reverse("workflows:queue"),
        "administration": reverse("admin:index"),
        "procedures": reverse("catalogue:home"),
        "agency name": agency.name,
    }
    return [label for label, mark in marks.items() if mark in html]


def _step_chrome(html: str) -> None:
    """What a session between the password and the code still sees: the step, the language
    switch, sign-out."""
    assert 'data-testid="second-factor-nav"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert f'action="{reverse("logout")}"' in html


def test_a_leader_who_has_not_given_the_code_sees_only_the_code_page_chrome(stp, leader) -> None:
    enrol(leader)
    client = sign_in("lanhdao.stp")
    page = client.get(reverse("two-factor-verify"))
    assert page.status_code == 200
    html = page.content.decode()
    _step_chrome(html)
    assert f'href="{reverse("two-factor-verify")}"' in html
    assert _agency_chrome(html, stp) == []
    # a page the resolver does not know (no view, so no redirect) shows no menu either
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404
    assert _agency_chrome(missing.content.decode(), stp) == []


def test_an_administrator_not_yet_enrolled_sees_only_the_enrolment_chrome(
    stp, user_factory
) -> None:
    user_factory(stp, [Role.AGENCY_ADMIN], username="quantri.stp")
    client = sign_in("quantri.stp")
    html = client.get(reverse("two-factor-enrol")).content.decode()
    _step_chrome(html)
    assert f'href="{reverse("two-factor-enrol")}"' in html
    assert _agency_chrome(html, stp) == []


def test_a_verified_leader_sees_the_full_chrome(stp, leader) -> None:
    client = verified_login(Client(), leader)
    html = client.get(DASHBOARD).content.decode()
    assert 'data-testid="second-factor-nav"' not in html
    found = set(_agency_chrome(html, stp))
    assert {"main menu", "notification bell", "my agency", "documents", "work queue"} <= found


def test_an_official_without_a_second_factor_sees_the_full_chrome(stp, specialist) -> None:
    client = sign_in("chuyenvien.stp")
    html = client.get(DASHBOARD).content.decode()
    assert 'data-testid="second-factor-nav"' not in html
    assert "main menu" in _agency_chrome(html, stp)


# --- turning it off -----------------------------------------------------------------------------


def test_an_official_who_opted_in_turns_it_off_with_password_and_code(specialist) -> None:
    device = enrol(specialist).device
    client = verified_login(Client(), specialist)
    page = client.get(reverse("two-factor")).content.decode()
    assert 'data-testid="two-factor-turn-off"' in page

    wrong_password = client.post(
        reverse("two-factor"), {"password": "sai-mat-khau", "code": next_code(device)}
    )
    assert "Mật khẩu không đúng" in wrong_password.content.decode()
    assert TOTPDevice.objects.filter(user=specialist).exists()
    assert actions()[-1] == "security.two_factor_failed"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # counted like a wrong code at sign-in
    device.throttle_reset()

    wrong_code = client.post(reverse("two-factor"), {"password": PASSWORD, "code": "000000"})
    assert "Mã không đúng" in wrong_code.content.decode()
    assert TOTPDevice.objects.filter(user=specialist).exists()
    device.refresh_from_db()
    device.throttle_reset()

    done = client.post(reverse("two-factor"), {"password": PASSWORD, "code": next_code(device)})
    assert done.status_code == 302 and done["Location"] == reverse("two-factor")
    assert not TOTPDevice.objects.filter(user=specialist).exists()
    assert not StaticDevice.objects.filter(user=specialist).exists()
    assert not StaticToken.objects.exists()
    event = AuditEvent.objects.filter(action="security.two_factor_turned_off").get()
    assert event.actor_id == specialist.pk and event.object_id == str(specialist.pk)
    after = client.get(reverse("two-factor")).content.decode()
    assert "Đã tắt xác thực hai yếu tố" in after and "Đang tắt" in after
    assert client.get(DASHBOARD).status_code == 200  # this session goes on
    # the next sign-in asks for the password only
    assert sign_in("chuyenvien.stp").get(DASHBOARD).status_code == 200


def test_a_backup_code_also_confirms_turning_it_off(specialist) -> None:
    codes = enrol(specialist).backup_codes
    removed = services.turn_off_two_factor(user=specialist, password=PASSWORD, code=codes[3])
    assert removed == 2  # the app and the backup codes
    assert not TOTPDevice.objects.filter(user=specialist).exists()


def test_wrong_tries_are_throttled_when_turning_it_off(specialist) -> None:
    device = enrol(specialist).device
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.turn_off_two_factor(user=specialist, password=PASSWORD, code="000000")
    with pytest.raises(ValidationError) as refused:
        services.turn_off_two_factor(user=specialist, password=PASSWORD, code=next_code(device))
    assert "Nhập sai mã quá nhiều lần" in " ".join(refused.value.messages)
    assert TOTPDevice.objects.filter(user=specialist).exists()
    assert actions()[-1] == "security.two_factor_throttled"


def test_a_leader_whose_role_requires_it_cannot_turn_it_off(leader, db_snapshot) -> None:
    device = enrol(leader).device
    client = verified_login(Client(), leader)
    page = client.get(reverse("two-factor")).content.decode()
    assert 'data-testid="two-factor-turn-off"' not in page
    assert 'data-testid="two-factor-cannot-turn-off"' in page
    assert "không thể tắt" in page
    before = db_snapshot()
    refused = client.post(reverse("two-factor"), {"password": PASSWORD, "code": next_code(device)})
    assert refused.status_code == 200
    assert "không thể tắt" in refused.content.decode()
    assert db_snapshot() == before
    assert TOTPDevice.objects.filter(user=leader, confirmed=True).exists()


def test_turning_off_when_it_is_not_on_is_refused(specialist) -> None:
    with pytest.raises(ValidationError) as refused:
        services.turn_off_two_factor(user=specialist, password=PASSWORD, code="123456")
    assert "chưa được bật" in " ".join(refused.value.messages)


# --- django-otp's admin pages without secrets -------------------------------------------------


@pytest.fixture
def system_admin(db):
    return services.create_user(
        actor=None,
        username="root",
        full_name="Quản trị hệ thống",
        password=PASSWORD,
        agency=None,
        roles=[Role.SYSTEM_ADMIN],
    )


def _secrets(device: TOTPDevice) -> list[str]:
    """The key as stored (hex) and as an app takes it (base32)."""
    b32 = base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    return [device.key, b32, b32.lower()]


def test_the_admin_lists_devices_without_keys_or_backup_codes(leader, system_admin) -> None:
    enrolment = enrol(leader)
    device = enrolment.device
    client = verified_login(Client(), system_admin)
    backup = StaticDevice.objects.get(user=leader)
    pages = {
        "totp list": "/quan-tri/otp_totp/totpdevice/",
        "totp page": f"/quan-tri/otp_totp/totpdevice/{device.pk}/change/",
        "static list": "/quan-tri/otp_static/staticdevice/",
        "static page": f"/quan-tri/otp_static/staticdevice/{backup.pk}/change/",
    }
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, label
        html = response.content.decode()
        assert "lanhdao.stp" in html or leader.full_name in html, label
        for secret in _secrets(device):
            assert secret not in html, label
        for code in enrolment.backup_codes:
            assert code not in html, label
    assert 'name="key"' not in client.get(pages["totp page"]).content.decode()
    # django-otp's own QR-code and configuration pages are gone; nothing can be added
    assert client.get(f"/quan-tri/otp_totp/totpdevice/{device.pk}/config/").status_code != 200
    assert client.get(f"/quan-tri/otp_totp/totpdevice/{device.pk}/qrcode/").status_code != 200
    assert client.get("/quan-tri/otp_totp/totpdevice/add/").status_code == 403
    assert client.get("/quan-tri/otp_static/staticdevice/add/").status_code == 403


def test_deleting_a_device_in_the_admin_is_an_audited_reset(leader, system_admin) -> None:
    device = enrol(leader).device
    leader_client = verified_login(Client(), leader)
    client = verified_login(Client(), system_admin)
    response = client.post(f"/quan-tri/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticDevice.objects.filter(user=leader).exists()
    event = AuditEvent.objects.filter(action="security.two_factor_reset").get()
    assert event.actor_id == system_admin.pk and event.object_id == str(leader.pk)
    assert leader_client.get(DASHBOARD)["Location"].startswith(reverse("login"))
