"""The test PKI with its live TSA/OCSP/CRL server, trust in its root, and credentials on file
for the director (personal, PKCS#12) and Sở Tư pháp (agency seal, PKCS#12)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from lienthong.signatures import services
from lienthong.signatures.constants import CredentialKind, KeySource
from lienthong.signatures.models import SigningCredential
from tests.conftest import free_port
from tests.documents.conftest import run_tasks  # noqa: F401

# The Sở Tư pháp people and drafts of the drafting tests.
from tests.drafting.conftest import (  # noqa: F401
    _messages_in_english,
    make_draft,
    media_root,
    notices,
    org,
)

from . import pki as pki_module

PASS = "mật-khẩu-đúng"


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Iterator[pki_module.Pki]:
    built = pki_module.start(tmp_path_factory.mktemp("pki"), free_port())
    yield built
    built.stop()


@pytest.fixture(autouse=True)
def _signature_settings(settings, pki) -> None:
    settings.LIENTHONG_TSA_URL = pki.tsa_url


@pytest.fixture
def trusted(db, pki) -> None:
    services.add_trusted_certificate(actor=None, data=pki.pem("root"), name="Root CA Thử Nghiệm")


@dataclass
class Creds:
    director: SigningCredential
    agency: SigningCredential


def put_on_file(
    pki, *, label: str, kind: str, agency, user=None, image: bytes = b""
) -> SigningCredential:
    return services.register_credential(
        actor=None,
        kind=kind,
        agency=agency,
        user=user,
        source=KeySource.PKCS12,
        pkcs12=pki.pkcs12(label, PASS),
        passphrase=PASS,
        image=image,
    )


@pytest.fixture
def creds(pki, org, trusted) -> Creds:  # noqa: F811
    return Creds(
        director=put_on_file(
            pki,
            label="director",
            kind=CredentialKind.PERSONAL,
            agency=org.stp,
            user=org.director,
            image=pki_module.signature_png(),
        ),
        agency=put_on_file(
            pki,
            label="agency",
            kind=CredentialKind.AGENCY,
            agency=org.stp,
            image=pki_module.seal_png(),
        ),
    )
