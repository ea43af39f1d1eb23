"""Where keys live: a hardware token through PKCS#11 (SoftHSM2, Debian's softhsm2, stands in
for the official's USB token) and a remote signing service plugged in by setting."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from lienthong.signatures import services
from lienthong.signatures.constants import CredentialKind, KeySource

from . import pki as pki_module

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"


@pytest.fixture(scope="session")
def token(pki, tmp_path_factory) -> str:
    """A SoftHSM2 token holding the director's private key (imported from the test PKI)."""
    assert shutil.which("softhsm2-util"), "softhsm2 is installed by scripts/test (apt_ensure)"
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = ["softhsm2-util"]
    subprocess.run(
        [*run, "--init-token", "--free", "--label", "lienthong", "--pin", PIN, "--so-pin", "13579"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *run,
            "--import",
            str(Path(pki.keydir) / "director.key.pem"),
            "--token",
            "lienthong",
            "--label",
            "giamdoc",
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    return "lienthong"


@pytest.fixture
def on_token(pki, org, trusted, token):
    return services.register_credential(
        actor=None,
        kind=CredentialKind.PERSONAL,
        agency=org.stp,
        user=org.director,
        source=KeySource.PKCS11,
        certificate=pki.pem("director") + pki.pem("interm"),
        pkcs11_module=MODULE,
        pkcs11_token=token,
        pkcs11_key="giamdoc",
        image=pki_module.signature_png(),
    )


def test_signing_with_a_key_on_the_token_end_to_end(pki, org, on_token):
    signed = services.sign_personal(
        actor=org.director, data=pki_module.decision_pdf(), secret=PIN, position="Giám đốc"
    )
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[pki.cert("root")]))
    assert status.bottom_line and status.timestamp_validity is not None
    assert services.verify_pdf(signed).status == "valid"


def test_a_wrong_pin_signs_nothing(pki, org, on_token):
    with pytest.raises(ValidationError) as caught:
        services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret="000000")
    assert caught.value.code == "wrong_passphrase"


def test_a_remote_signing_service_plugs_in_by_setting(settings, pki, org, trusted):
    from . import remote_service

    settings.LIENTHONG_REMOTE_SIGNING_SERVICES = {
        "thu-nghiem": "tests.signatures.remote_service.factory"
    }
    remote_service.HELD_KEYS["giamdoc-1"] = (Path(pki.keydir) / "director.key.pem").read_bytes()
    services.register_credential(
        actor=None,
        kind=CredentialKind.PERSONAL,
        agency=org.stp,
        user=org.director,
        source=KeySource.REMOTE,
        certificate=pki.pem("director") + pki.pem("interm"),
        remote_provider="thu-nghiem",
        remote_key_id="giamdoc-1",
    )
    with pytest.raises(ValidationError):
        services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret="000000")
    signed = services.sign_personal(
        actor=org.director, data=pki_module.decision_pdf(), secret=remote_service.OTP
    )
    assert services.verify_pdf(signed).status == "valid"
