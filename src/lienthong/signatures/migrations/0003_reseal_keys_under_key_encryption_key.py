"""Stored PKCS#12 files were sealed with a Fernet key derived from SECRET_KEY, which a backup
does not carry (a restore onto a new SECRET_KEY could not sign). Re-seal them under the
key-encryption key (LIENTHONG_KEY_ENCRYPTION_KEY). Run with the SECRET_KEY they were sealed with;
a value that key does not open is left as it is (signing with it is refused with a message)."""

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import migrations

from lienthong.core import sealing


def _legacy() -> Fernet:
    digest = hashlib.sha256(b"lienthong-signing-credentials:" + settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def reseal_under_kek(apps: Any, schema_editor: Any) -> None:
    credentials = apps.get_model("signatures", "SigningCredential")
    legacy = _legacy()
    for credential in credentials.objects.exclude(sealed_pkcs12=b"").only("pk", "sealed_pkcs12"):
        data = bytes(credential.sealed_pkcs12)
        try:
            sealing.unseal(data)
            continue  # already under the key-encryption key
        except sealing.SealBroken:
            pass
        try:
            plain = legacy.decrypt(data)
        except InvalidToken:
            continue
        credentials.objects.filter(pk=credential.pk).update(sealed_pkcs12=sealing.seal(plain))


def reseal_under_secret_key(apps: Any, schema_editor: Any) -> None:
    credentials = apps.get_model("signatures", "SigningCredential")
    legacy = _legacy()
    for credential in credentials.objects.exclude(sealed_pkcs12=b"").only("pk", "sealed_pkcs12"):
        try:
            plain = sealing.unseal(bytes(credential.sealed_pkcs12))
        except sealing.SealBroken:
            continue
        credentials.objects.filter(pk=credential.pk).update(sealed_pkcs12=legacy.encrypt(plain))


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0002_certificate_expiry_warning"),
    ]

    operations = [migrations.RunPython(reseal_under_kek, reseal_under_secret_key)]
