"""Stored PKCS#12 files are sealed with the key-encryption key (LIENTHONG_KEY_ENCRYPTION_KEY),
not with SECRET_KEY: a new secret key still signs, a missing key-encryption key is refused with
a message (no server error), rotation re-seals under a new key, and keys sealed the old way
(SECRET_KEY-derived) are re-sealed by the data migration."""

from __future__ import annotations

import base64
import hashlib
import importlib

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from lienthong.core import sealing
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft
from lienthong.signatures import services
from lienthong.signatures.models import SigningCredential

from . import pki as pki_module
from .conftest import PASS
from .test_workflow import _to_signer

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _sign(org) -> bytes:
    return services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)


def test_a_new_secret_key_still_signs(settings, pki, org, creds):
    settings.SECRET_KEY = "another-secret-key-after-a-restore-" + "x" * 30
    assert _sign(org).startswith(b"%PDF")


def test_without_the_key_encryption_key_signing_is_refused_with_a_message(
    settings, pki, org, creds, make_draft, db_snapshot
):
    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [NEW]  # not the key the credential was sealed with
    with pytest.raises(ValidationError) as refused:
        _sign(org)
    assert refused.value.code == "key_sealed"
    assert "LIENTHONG_KEY_ENCRYPTION_KEY" in refused.value.messages[0]

    # The signer's page: a message and the draft still awaiting the signature, not a 500.
    draft = _to_signer(org, make_draft)
    client = Client()
    client.force_login(org.director)
    before = db_snapshot()
    response = client.post(
        f"/du-thao/{draft.pk}/ky/",
        {"decision": "approve", "comment": "", "signing_secret": PASS},
        follow=True,
    )
    assert response.status_code == 200
    assert "LIENTHONG_KEY_ENCRYPTION_KEY" in response.content.decode()
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    assert db_snapshot() == before


def test_rotation_reseals_every_stored_key_under_the_new_key(settings, pki, org, creds):
    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [OLD, *settings.LIENTHONG_KEY_ENCRYPTION_KEYS]
    call_command("reseal_signing_keys")  # the fixtures' keys now under OLD
    sealed_before = {c.pk: bytes(c.sealed_pkcs12) for c in SigningCredential.objects.all()}

    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("reseal_signing_keys")
    sealed_after = {c.pk: bytes(c.sealed_pkcs12) for c in SigningCredential.objects.all()}
    assert set(sealed_after) == set(sealed_before) and len(sealed_after) == 2
    for pk, data in sealed_after.items():
        assert data != sealed_before[pk]
        assert Fernet(NEW).decrypt(data) == Fernet(OLD).decrypt(sealed_before[pk])

    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [NEW]  # the old key dropped
    assert _sign(org).startswith(b"%PDF")
    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [OLD]
    with pytest.raises(ValidationError):
        _sign(org)


def test_rotation_without_the_old_key_changes_nothing(settings, pki, org, creds):
    sealed = {c.pk: bytes(c.sealed_pkcs12) for c in SigningCredential.objects.all()}
    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match="LIENTHONG_KEY_ENCRYPTION_KEY"):
        call_command("reseal_signing_keys")
    assert {c.pk: bytes(c.sealed_pkcs12) for c in SigningCredential.objects.all()} == sealed


def test_keys_sealed_with_the_secret_key_are_resealed_by_the_migration(settings, pki, org, creds):
    # As stored before the key-encryption key: Fernet with a key derived from SECRET_KEY.
    digest = hashlib.sha256(b"lienthong-signing-credentials:" + settings.SECRET_KEY.encode())
    legacy = Fernet(base64.urlsafe_b64encode(digest.digest()))
    for credential in SigningCredential.objects.all():
        plain = sealing.unseal(bytes(credential.sealed_pkcs12))
        SigningCredential.objects.filter(pk=credential.pk).update(
            sealed_pkcs12=legacy.encrypt(plain)
        )
    with pytest.raises(ValidationError):
        _sign(org)

    migration = importlib.import_module(
        "lienthong.signatures.migrations.0003_reseal_keys_under_key_encryption_key"
    )
    migration.reseal_under_kek(django_apps, None)
    assert _sign(org).startswith(b"%PDF")
    # Idempotent, and reversible.
    migration.reseal_under_kek(django_apps, None)
    migration.reseal_under_secret_key(django_apps, None)
    for credential in SigningCredential.objects.all():
        legacy.decrypt(bytes(credential.sealed_pkcs12))
