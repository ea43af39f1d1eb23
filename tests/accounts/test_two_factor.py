"""Two-factor sign-in (TOTP): who must enrol, the code page after the password, backup codes,
throttling of wrong codes, the administrator's reset, and the API's answer to a session or a
token that has not passed the second factor. Codes are computed from the device's key with
django_otp.oath.TOTP, as the phone would."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from tests.conftest import PASSWORD

from .two_factor import code_at, enrol, next_code, now_step, verified_login

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


@pytest.fixture
def admin(stp, user_factory):
    return user_factory(stp, [Role.AGENCY_ADMIN], username="quantri.stp")


def sign_in(username: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


# --- who must enrol ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.AGENCY_LEADER, Role.UNIT_LEADER, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]
)
def test_leaders_and_administrators_must_enrol(stp, user_factory, role) -> None:
    user = user_factory(stp, [role], username="nguoi.dung")
    client, response = sign_in("nguoi.dung")
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("two-factor-enrol"))
    assert 'data-testid="qr-code"' in page.content.decode()
    # every other page, the API with the session and the admin refuse until enrolled
    for url in (DASHBOARD, "/van-ban-den/", reverse("user-detail", args=[user.pk]), "/quan-tri/"):
        refused = client.get(url)
        assert refused.status_code == 302, url
        assert refused["Location"].startswith(reverse("two-factor-enrol")), url
    api = client.get("/api/v1/users/me/")
    assert api.status_code == 403
    assert "xác thực" in api.json()["detail"]


def test_a_specialist_is_not_forced_and_may_opt_in(specialist) -> None:
    client, response = sign_in("chuyenvien.stp")
    dashboard = client.get(DASHBOARD)
    assert dashboard.status_code == 200
    assert reverse("two-factor") in dashboard.content.decode()  # the way to the security page
    page = client.get(reverse("two-factor")).content.decode()
    assert "Đang tắt" in page
    assert reverse("two-factor-enrol") in page
    client.get(reverse("two-factor-enrol"))
    key = client.session["lienthong_two_factor_pending_key"]
    done = client.post(reverse("two-factor-enrol"), {"code": code_at(key, now_step())})
    assert done.status_code == 200
    assert TOTPDevice.objects.filter(user=specialist, confirmed=True).count() == 1
    # from the next sign-in on, the code is asked of them too
    client2, response2 = sign_in("chuyenvien.stp")
    assert client2.get(DASHBOARD)["Location"].startswith(reverse("two-factor-verify"))


def test_setting_off_nobody_is_forced(leader, settings) -> None:
    settings.LIENTHONG_2FA_REQUIRED_ROLES = ()
    client, _response = sign_in("lanhdao.stp")
    assert client.get(DASHBOARD).status_code == 200


# --- enrolment ------------------------------------------------------------------------------------


def test_enrolment_shows_qr_and_secret_confirms_with_a_code_and_shows_backup_codes_once(
    leader,
) -> None:
    client, _response = sign_in("lanhdao.stp")
    page = client.get(reverse("two-factor-enrol")).content.decode()
    assert "<svg" in page and "otpauth" not in page  # the QR is drawn here, not linked
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    key = client.session["lienthong_two_factor_pending_key"]
    assert secret.group(1).replace(" ", "") == services.totp_secret_text(key).replace(" ", "")

    wrong = client.post(reverse("two-factor-enrol"), {"code": "000000"})
    assert 'data-testid="code-error"' in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=leader).exists()

    done = client.post(
        reverse("two-factor-enrol"), {"code": code_at(key, now_step()), "next": "/van-ban-den/"}
    )
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == settings.LIENTHONG_2FA_BACKUP_CODES == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert client.get(DASHBOARD).status_code == 200  # this session is verified now
    assert client.get(reverse("two-factor-enrol"))["Location"] == reverse("two-factor")
    assert "security.two_factor_enrolled" in actions()


def test_enrolment_service_refuses_a_second_device(leader) -> None:
    enrol(leader)
    key = services.new_totp_key()
    with pytest.raises(ValidationError):
        services.enrol_totp(user=leader, key=key, code=code_at(key, now_step()))
    assert TOTPDevice.objects.filter(user=leader).count() == 1


# --- the code page ------------------------------------------------------------------------------


def test_wrong_code_refused_right_code_lets_in(leader) -> None:
    device = enrol(leader).device
    client, response = sign_in("lanhdao.stp")
    verify = client.get(response["Location"])
    assert verify["Location"] == f"{reverse('two-factor-verify')}?next=%2Fbang-dieu-khien%2F"
    assert client.get(verify["Location"]).status_code == 200

    wrong = client.post(reverse("two-factor-verify"), {"code": "123456", "next": DASHBOARD})
    assert wrong.status_code == 200
    assert "Mã không đúng" in wrong.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    assert actions()[-1] == "security.two_factor_failed"

    device.refresh_from_db()
    device.throttle_reset()  # the wait after one failure is over
    right = client.post(
        reverse("two-factor-verify"), {"code": next_code(device), "next": DASHBOARD}
    )
    assert right.status_code == 302 and right["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert client.get("/api/v1/users/me/").status_code == 200
    assert actions()[-1] == "security.two_factor_verified"
    # the same code cannot be used again (a second sign-in replaying it)
    replay, _response = sign_in("lanhdao.stp")
    again = replay.post(reverse("two-factor-verify"), {"code": code_at(device.key, device.last_t)})
    assert again.status_code == 200 and replay.get(DASHBOARD).status_code == 302


def test_a_backup_code_works_once(leader) -> None:
    codes = enrol(leader).backup_codes
    client, _response = sign_in("lanhdao.stp")
    used = client.post(reverse("two-factor-verify"), {"code": codes[0].upper(), "next": DASHBOARD})
    assert used.status_code == 302 and client.get(DASHBOARD).status_code == 200
    assert StaticToken.objects.count() == 9
    other, _response = sign_in("lanhdao.stp")
    refused = other.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert refused.status_code == 200 and other.get(DASHBOARD).status_code == 302


def test_wrong_codes_are_throttled_with_a_clear_message(leader) -> None:
    device = enrol(leader).device
    client, _response = sign_in("lanhdao.stp")
    for _ in range(3):
        client.post(reverse("two-factor-verify"), {"code": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    # even the right code is refused while the wait runs
    blocked = client.post(reverse("two-factor-verify"), {"code": next_code(device)})
    assert "Nhập sai mã quá nhiều lần" in blocked.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    assert "security.two_factor_throttled" in actions()
    # once the wait is over, the right code lets in
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )
    ok = client.post(reverse("two-factor-verify"), {"code": next_code(device), "next": DASHBOARD})
    assert ok.status_code == 302 and client.get(DASHBOARD).status_code == 200


# --- backup codes, reset, API tokens -------------------------------------------------------------


def test_the_user_regenerates_backup_codes(leader) -> None:
    old = enrol(leader).backup_codes
    client = verified_login(Client(), leader)
    page = client.post(reverse("two-factor-backup-codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert actions()[-1] == "security.two_factor_backup_codes_generated"


def test_an_administrator_resets_the_second_factor_audited(leader, admin, specialist) -> None:
    enrol(leader)
    leader_client = verified_login(Client(), leader)
    admin_client = verified_login(Client(), admin)
    page = admin_client.get(reverse("user-detail", args=[leader.pk])).content.decode()
    assert 'data-testid="reset-two-factor"' in page
    response = admin_client.post(reverse("two-factor-reset", args=[leader.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    event = AuditEvent.objects.filter(action="security.two_factor_reset").get()
    assert event.actor_id == admin.pk and event.object_id == str(leader.pk)
    # the leader was signed out, and must enrol again at the next sign-in
    assert leader_client.get(DASHBOARD)["Location"].startswith(reverse("login"))
    client, response = sign_in("lanhdao.stp")
    assert client.get(DASHBOARD)["Location"].startswith(reverse("two-factor-enrol"))


def test_a_specialist_may_not_reset_and_nothing_changes(leader, specialist, db_snapshot) -> None:
    enrol(leader)
    client = verified_login(Client(), specialist)
    before = db_snapshot()
    assert client.post(reverse("two-factor-reset", args=[leader.pk])).status_code == 403
    assert db_snapshot() == before
    with pytest.raises(PermissionDenied):
        services.reset_two_factor(actor=specialist, user=leader)


def test_api_token_of_a_leader_works_only_once_enrolled(leader) -> None:
    token = Token.objects.create(user=leader)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    refused = api.get("/api/v1/users/me/")
    assert refused.status_code == 401
    assert "xác thực hai yếu tố" in refused.json()["detail"]
    enrol(leader)
    assert api.get("/api/v1/users/me/").status_code == 200
