"""Secrets kept at rest in the database (the signing keys' PKCS#12 files) are sealed with the
key-encryption key, `LIENTHONG_KEY_ENCRYPTION_KEY`: Fernet keys, the first sealing and every
one opening (cryptography's MultiFernet), so a new key can be put first and everything re-sealed
under it before the old one is dropped. The key is neither in the database nor in a backup; a
backup records only its fingerprint, which a restore compares with the key it is given."""

from __future__ import annotations

import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SealBroken(Exception):
    """A sealed value that none of the configured keys opens."""


def _keys() -> list[str]:
    keys: list[str] = settings.LIENTHONG_KEY_ENCRYPTION_KEYS
    return keys


def _multi() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def seal(data: bytes) -> bytes:
    return _multi().encrypt(data)


def unseal(data: bytes) -> bytes:
    try:
        return _multi().decrypt(data)
    except InvalidToken as exc:
        raise SealBroken from exc


def reseal(data: bytes) -> bytes:
    """The value sealed again under the first (current) key, whichever configured key sealed it."""
    try:
        return _multi().rotate(data)
    except InvalidToken as exc:
        raise SealBroken from exc


def fingerprint(key: str) -> str:
    """Names a key without revealing it: a hash of the (random, 256-bit) key, shortened."""
    return hashlib.sha256(b"lienthong-key-encryption-key:" + key.strip().encode()).hexdigest()[:24]


def fingerprints() -> list[str]:
    """The configured keys' fingerprints, the sealing one first."""
    return [fingerprint(key) for key in _keys()]
