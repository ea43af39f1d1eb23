"""The signatures API: verify any uploaded PDF, sign as yourself or as the agency, list the
certificates one may see. Every refusal changes nothing."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.reader import PdfFileReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from tests.drafting.conftest import upload

from . import pki as pki_module
from .conftest import PASS

VERIFY = "/api/v1/signatures/verify/"
SIGN = "/api/v1/signatures/sign/"


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_verify_reports_each_signature(pki, org, creds):
    from lienthong.signatures import services

    signed = services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)
    response = client_for(org.snv_clerk).post(
        VERIFY, {"file": upload(signed, "den.pdf")}, format="multipart"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "valid"
    assert body["signatures"][0]["signer"] == "Nguyễn Văn Giám"
    assert body["signatures"][0]["problems"] == []
    assert body["signatures"][0]["timestamp_time"]


def test_verify_refuses_anonymous_and_non_pdf(pki, org, trusted):
    anonymous = APIClient().post(VERIFY, {"file": upload(pki_module.decision_pdf(), "a.pdf")})
    assert anonymous.status_code in {401, 403}
    from tests.documents import files

    response = client_for(org.clerk).post(
        VERIFY, {"file": upload(files.docx("Không phải PDF"), "a.docx")}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_sign_personal_returns_the_signed_pdf(pki, org, creds):
    response = client_for(org.director).post(
        SIGN,
        {
            "file": upload(pki_module.decision_pdf(), "qd.pdf"),
            "kind": "personal",
            "secret": PASS,
            "position": "Giám đốc",
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    (sig,) = PdfFileReader(io.BytesIO(response.content)).embedded_signatures
    assert sig.field_name == "LienThong-CaNhan"


def test_sign_with_a_wrong_passphrase_is_400_and_signs_nothing(pki, org, creds, db_snapshot):
    client = client_for(org.director)
    before = db_snapshot()
    response = client.post(
        SIGN,
        {"file": upload(pki_module.decision_pdf(), "qd.pdf"), "kind": "personal", "secret": "sai"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert db_snapshot() == before


def test_only_clerks_sign_as_the_agency(pki, org, creds):
    audit_before = AuditEvent.objects.count()
    response = client_for(org.director).post(
        SIGN,
        {
            "file": upload(pki_module.decision_pdf(), "qd.pdf"),
            "kind": "agency",
            "secret": PASS,
            "appendix": True,
        },
        format="multipart",
    )
    assert response.status_code == 403
    assert AuditEvent.objects.count() == audit_before
    ok = client_for(org.clerk).post(
        SIGN,
        {
            "file": upload(pki_module.decision_pdf(), "pl.pdf"),
            "kind": "agency",
            "secret": PASS,
            "appendix": True,
            "number_and_symbol": "12/QĐ-STP",
        },
        format="multipart",
    )
    assert ok.status_code == 200, ok.content


def test_an_official_without_a_certificate_gets_a_clear_400(pki, org, creds):
    response = client_for(org.deputy).post(
        SIGN,
        {"file": upload(pki_module.decision_pdf(), "qd.pdf"), "kind": "personal", "secret": PASS},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Bạn chưa có chứng thư ký số còn hiệu lực."]}


def test_certificates_are_listed_only_to_whom_they_concern(pki, org, creds, user_factory):
    own = client_for(org.director).get("/api/v1/signatures/").json()
    assert [c["id"] for c in _results(own)] == [creds.director.pk]
    admin = user_factory(org.stp, [Role.AGENCY_ADMIN])
    listed = {c["id"] for c in _results(client_for(admin).get("/api/v1/signatures/").json())}
    assert listed == {creds.director.pk, creds.agency.pk}
    other_admin = user_factory(org.snv, [Role.AGENCY_ADMIN])
    assert _results(client_for(other_admin).get("/api/v1/signatures/").json()) == []
    assert _results(client_for(org.snv_clerk).get("/api/v1/signatures/").json()) == []


def _results(body):
    return body["results"] if isinstance(body, dict) else body
