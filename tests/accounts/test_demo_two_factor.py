"""Two-factor sign-in stays on in the demo, and nobody needs a phone: `load_demo` prints each
leader's and administrator's one-time backup codes, the same ones on every run while enough are
left, and a new set when few remain."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienthong.accounts import services
from lienthong.accounts.models import User
from lienthong.accounts.permissions import two_factor_required
from lienthong.demo.province import DEMO_BACKUP_CODES_LOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor_on(settings: Any) -> None:
    """As in production (the suite at large has it off): leaders and administrators must."""
    settings.LIENTHONG_2FA_REQUIRED_ROLES = settings.LIENTHONG_2FA_DEFAULT_ROLES


def printed_codes(output: str) -> dict[str, list[str]]:
    """The backup codes section of `load_demo`'s output: username → codes."""
    section = output.split("Two-factor sign-in", 1)[1].split("\n", 1)[1]
    codes = {}
    for line in section.splitlines():
        match = re.fullmatch(r"  (\S+)\s+((?:[a-z0-9]+ ?)+)", line)
        if match is None:
            break
        codes[match[1]] = match[2].split()
    return codes


def load_demo() -> dict[str, list[str]]:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return printed_codes(out.getvalue())


def test_load_demo_prints_backup_codes_that_sign_in_without_a_phone(two_factor_on) -> None:
    codes = load_demo()
    must = {u.username for u in User.objects.filter(is_active=True) if two_factor_required(u)}
    assert {"lanhdao.stttt", "truongphong.stttt", "quantri.hethong"} <= must
    assert set(codes) == must  # every such demo account, and only those
    assert "chuyenvien.stttt" not in codes and "motcua.stttt" not in codes
    leader = User.objects.get(username="lanhdao.stttt")
    assert len(codes["lanhdao.stttt"]) == 10
    # Two-factor stays on: the account has its authenticator, and a backup code is its second
    # factor, once.
    assert TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    first = codes["lanhdao.stttt"][0]
    check = services.verify_second_factor(user=leader, code=first)
    assert isinstance(check.device, StaticDevice) and check.backup_codes_left == 9
    assert services.verify_second_factor(user=leader, code=first).device is None
    # That refusal locks the second factor for a moment (django-otp's throttle); lift it as the
    # passing seconds would.
    for device in TOTPDevice.objects.filter(user=leader):
        device.throttle_reset()

    # Run again (a restart): the same codes, less the one used; nothing re-enrolled.
    devices = list(TOTPDevice.objects.order_by("pk").values_list("pk", "key"))
    again = load_demo()
    assert again["lanhdao.stttt"] == codes["lanhdao.stttt"][1:]
    assert again["quantri.hethong"] == codes["quantri.hethong"]
    assert list(TOTPDevice.objects.order_by("pk").values_list("pk", "key")) == devices

    # Used down below the threshold: the next run prints a new set, and the old ones are void.
    for code in again["lanhdao.stttt"][: 10 - DEMO_BACKUP_CODES_LOW]:
        assert services.verify_second_factor(user=leader, code=code).device is not None
    fresh = load_demo()["lanhdao.stttt"]
    assert len(fresh) == 10 and not set(fresh) & set(codes["lanhdao.stttt"])
    assert services.verify_second_factor(user=leader, code=fresh[0]).device is not None
    old = codes["lanhdao.stttt"][-1]
    assert services.verify_second_factor(user=leader, code=old).device is None


def test_nobody_is_enrolled_where_two_factor_is_not_required(settings) -> None:
    settings.LIENTHONG_2FA_REQUIRED_ROLES = ()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Two-factor sign-in" not in out.getvalue()
    assert not TOTPDevice.objects.exists()
