"""Signing a PDF as the director and as the agency, verified with pyHanko's own validation
API independently of our report."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from lienthong.accounts.constants import Role
from lienthong.signatures import services
from lienthong.signatures.constants import AGENCY_FIELD, NUMBER_FIELD, PERSONAL_FIELD

from . import pki as pki_module
from .conftest import PASS


def independent(data: bytes, pki) -> list:
    vc = ValidationContext(trust_roots=[pki.cert("root")], allow_fetching=True)
    reader = PdfFileReader(io.BytesIO(data))
    return [validate_pdf_signature(s, vc) for s in reader.embedded_signatures]


def test_director_then_agency_signatures_are_valid_timestamped_and_in_order(pki, org, creds):
    pdf = pki_module.decision_pdf()
    personal = services.sign_personal(
        actor=org.director,
        data=pdf,
        secret=PASS,
        signer_name="Nguyễn Văn Giám",
        position="Giám đốc",
    )
    issued = services.apply_agency_signature(
        agency=org.stp, actor=org.clerk, data=personal, secret=PASS, number_and_symbol="12/QĐ-STP"
    )
    statuses = independent(issued, pki)
    assert [s.bottom_line for s in statuses] == [True, True]
    assert all(s.intact and s.valid and s.trusted for s in statuses)
    assert all(s.timestamp_validity is not None and s.timestamp_validity.valid for s in statuses)
    names = [s.field_name for s in PdfFileReader(io.BytesIO(issued)).embedded_signatures]
    assert names == [PERSONAL_FIELD, AGENCY_FIELD]
    report = services.verify_pdf(issued)
    assert report.status == "valid", report
    assert [s.signer for s in report.signatures] == ["Nguyễn Văn Giám", "Sở Tư pháp tỉnh Cà Mau"]
    assert all(s.timestamp_time is not None for s in report.signatures)
    # The number was stamped before the agency signed: the stamp fields sit between.
    stamped = PdfFileReader(io.BytesIO(issued)).root["/AcroForm"]["/Fields"]
    assert any(str(f.get_object()["/T"]).startswith(NUMBER_FIELD) for f in stamped)


def test_without_tsa_the_signature_is_baseline_b(settings, pki, org, creds):
    settings.LIENTHONG_TSA_URL = ""
    signed = services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)
    (status,) = independent(signed, pki)
    assert status.bottom_line and status.timestamp_validity is None


def test_a_flipped_byte_after_signing_is_reported_as_modified(pki, org, creds):
    signed = bytearray(
        services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)
    )
    covered_until = int(re.search(rb"/ByteRange \[\s*0 (\d+)", bytes(signed)).group(1))
    position = covered_until // 2
    signed[position] = (signed[position] + 1) % 256
    report = services.verify_pdf(bytes(signed))
    assert report.status == "invalid"
    assert "modified" in report.signatures[0].problems
    assert not independent(bytes(signed), pki)[0].intact


def test_wrong_passphrase_signs_nothing(pki, org, creds):
    with pytest.raises(ValidationError) as caught:
        services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret="sai")
    assert caught.value.code == "wrong_passphrase"


def test_the_agency_cannot_sign_before_the_person(pki, org, creds):
    with pytest.raises(ValidationError) as caught:
        services.apply_agency_signature(
            agency=org.stp, actor=org.clerk, data=pki_module.decision_pdf(), secret=PASS
        )
    assert caught.value.code == "order"


def test_the_person_cannot_sign_after_the_agency(pki, org, creds):
    annex = services.apply_agency_signature(
        agency=org.stp,
        actor=org.clerk,
        data=pki_module.decision_pdf(),
        secret=PASS,
        number_and_symbol="12/QĐ-STP",
        appendix=True,
    )
    with pytest.raises(ValidationError) as caught:
        services.sign_personal(actor=org.director, data=annex, secret=PASS)
    assert caught.value.code == "order"


def test_an_encrypted_pdf_is_refused(pki, org, creds):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pki_module.decision_pdf())))
    writer.encrypt("mở")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError) as caught:
        services.sign_personal(actor=org.director, data=out.getvalue(), secret=PASS)
    assert caught.value.code == "encrypted_pdf"


def test_not_a_pdf_is_refused(pki, org, creds):
    with pytest.raises(ValidationError) as caught:
        services.sign_personal(actor=org.director, data=b"%PDF-1.7 rubbish", secret=PASS)
    assert caught.value.code == "bad_pdf"


def test_a_certificate_without_signing_key_usage_is_refused(pki, org, trusted):
    with pytest.raises(ValidationError) as caught:
        services.register_credential(
            actor=None,
            kind="personal",
            agency=org.stp,
            user=org.deputy,
            source="pkcs12",
            pkcs12=pki.pkcs12("nosign", PASS),
            passphrase=PASS,
        )
    assert "key usage" in str(caught.value)
    assert not services.has_personal_credential(org.deputy)


def test_only_the_clerk_applies_the_agency_signature(pki, org, creds):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.apply_agency_signature(agency=org.stp, actor=org.director, data=b"", secret=PASS)


def test_revoked_signing_rights_cannot_sign(pki, org, creds, user_factory):
    user_factory(org.stp, [Role.AGENCY_ADMIN])
    assert (
        services.revoke_signing_rights(actor=_admin(org), user=org.director, reason="Nghỉ hưu") == 1
    )
    with pytest.raises(ValidationError) as caught:
        services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)
    assert caught.value.code == "no_credential"


def _admin(org):
    from lienthong.accounts.constants import Role
    from lienthong.accounts.models import User

    return User.objects.filter(agency=org.stp).with_role(Role.AGENCY_ADMIN).first()


# --- The seal goes only over a personal signature that still holds ------------------------------


def _personal(org, **kw) -> bytes:
    return services.sign_personal(
        actor=org.director, data=pki_module.decision_pdf(), secret=PASS, position="Giám đốc", **kw
    )


def test_the_agency_refuses_to_seal_a_personal_signature_modified_after_signing(pki, org, creds):
    signed = bytearray(_personal(org))
    covered_until = int(re.search(rb"/ByteRange \[\s*0 (\d+)", bytes(signed)).group(1))
    signed[covered_until // 2] = (signed[covered_until // 2] + 1) % 256
    with pytest.raises(ValidationError) as caught:
        services.apply_agency_signature(
            agency=org.stp, actor=org.clerk, data=bytes(signed), secret=PASS, number_and_symbol="1"
        )
    assert caught.value.code == "order" and "broken" in caught.value.messages[0]


def test_the_agency_refuses_to_seal_over_a_certificate_its_ca_revoked(pki, org, creds):
    """The personal signature made with a certificate the CA's OCSP responder reports revoked:
    revocation is still fetched when the agency seals."""
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from lienthong.signatures import engine

    key = pki.arch.key_set.get_private_key(pki_module.KeyLabel("revoked"))
    signer = signers.SimpleSigner(
        signing_cert=pki.cert("revoked"),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([pki.cert("interm")]),
    )
    placement = engine.Placement(PERSONAL_FIELD, 0, (300, 100, 500, 160), engine.text_style("x"))
    signed = engine.sign(
        pki_module.decision_pdf(),
        signer=signer,
        placement=placement,
        reason="",
        location="",
        timestamper=None,
    )
    with pytest.raises(ValidationError) as caught:
        services.apply_agency_signature(
            agency=org.stp, actor=org.clerk, data=signed, secret=PASS, number_and_symbol="1"
        )
    assert caught.value.code == "revoked"


def test_the_agency_refuses_to_seal_after_the_signers_rights_were_revoked(
    settings, pki, org, creds, user_factory
):
    """Untimestamped: nothing proves the signature was made before the revocation here."""
    settings.LIENTHONG_TSA_URL = ""
    signed = _personal(org)
    user_factory(org.stp, [Role.AGENCY_ADMIN])
    services.revoke_signing_rights(actor=_admin(org), user=org.director, reason="Nghỉ hưu")
    with pytest.raises(ValidationError) as caught:
        services.apply_agency_signature(
            agency=org.stp, actor=org.clerk, data=signed, secret=PASS, number_and_symbol="1"
        )
    assert caught.value.code == "revoked"
