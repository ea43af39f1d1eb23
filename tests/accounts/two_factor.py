"""Helpers for tests that meet two-factor sign-in: compute an authenticator app's code from the
device's key (django_otp.oath.TOTP, as the phone would), enrol an account through the service,
and give a test client a session whose second factor is verified."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienthong.accounts import services


def code_at(key: str, step_number: int, *, step: int = 30, t0: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key), step=step, t0=t0, digits=6)
    totp.time = t0 + step_number * step + 1
    return f"{totp.token():06d}"


def now_step(step: int = 30) -> int:
    return int(time.time()) // step


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step, or the next one (within its tolerance of
    one step) if the current one was used already; waits if both were."""
    device.refresh_from_db()
    wanted = max(now_step(device.step), device.last_t + 1)
    while wanted > now_step(device.step) + device.tolerance:
        time.sleep(1)
    return code_at(device.key, wanted, step=device.step, t0=device.t0)


def enrol(user: Any) -> services.Enrolment:
    key = services.new_totp_key()
    return services.enrol_totp(user=user, key=key, code=code_at(key, now_step()))


def verified_login(client: Client, user: Any) -> Client:
    """Sign `user` in (as `force_login`) with the second factor verified, as after the code page:
    the session names the user's authenticator device, as `django_otp.login` records it."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = enrol(user).device
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
