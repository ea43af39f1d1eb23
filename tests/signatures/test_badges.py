"""Badges that tell the truth: green only when every signature is intact, trusted and made by
the document's signer and issuing agency; amber for a CA not on the trust list (with its name);
red with the reason otherwise. Trust and revocation changes re-check in the background; "Kiểm
tra lại" re-checks one file; certificates are described in Vietnamese."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_tasks_db.models import DBTaskResult

from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from lienthong.documents import services as documents
from lienthong.documents.models import Attachment, Document
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft
from lienthong.signatures import services
from lienthong.signatures.badges import badge_for, expectation_for_document
from lienthong.signatures.constants import CredentialKind
from lienthong.signatures.models import PdfVerification, TrustedCertificate
from tests.documents.conftest import doc_type
from tests.drafting.conftest import upload

from . import pki as pki_module
from .conftest import PASS, Creds, put_on_file

ENGLISH_NAMES = ("Common Name", "Organization", "Country:", "Serial")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def untrusted_creds(pki, org) -> Creds:
    """The director's and Sở Tư pháp's certificates on file, their root NOT trusted."""
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


@pytest.fixture
def sysadmin(org, user_factory):
    return user_factory(None, [Role.SYSTEM_ADMIN])


def _issue_and_deliver(org, make_draft, run_tasks) -> Document:
    """The director signs, the clerk seals and issues to Sở Nội vụ; the platform delivers and
    checks what arrived. Returns Sở Nội vụ's incoming copy."""
    draft = make_draft(
        upload=upload(pki_module.decision_pdf(), "quyet-dinh.pdf"), file_name="quyet-dinh.pdf"
    )
    drafting.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    drafting.review(actor=org.unit_leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.unit_leader, draft=draft)
    draft = Draft.objects.get(pk=draft.pk)
    drafting.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret=PASS)
    drafting.issue_draft(actor=org.clerk, draft=Draft.objects.get(pk=draft.pk), signing_secret=PASS)
    run_tasks()
    return Document.objects.get(agency=org.snv, direction="incoming")


def _check_of(document: Document) -> PdfVerification:
    version = Attachment.objects.get(document=document).current
    return PdfVerification.objects.get(blob=version.blob)


def _state_on_page(user, document: Document) -> tuple[str, str]:
    html = client_for(user).get(f"/van-ban/{document.pk}/").content.decode()
    marker = 'data-testid="signature-status" data-state="'
    assert marker in html
    return html.split(marker, 1)[1].split('"', 1)[0], html


def _register_incoming(
    org, data: bytes, *, issuer_name: str, signer_name: str = "", number: str = "12"
) -> Document:
    result = documents.register_incoming(
        actor=org.snv_clerk,
        document_type=doc_type("Quyết định"),
        issuer_name=issuer_name,
        code_number=number,
        code_notation="QĐ-STP",
        issued_date=date(2026, 11, 20),
        subject="Quyết định ban hành Quy chế văn thư, lưu trữ",
        signer_name=signer_name,
    )
    documents.add_attachment(
        actor=org.snv_clerk, document=result.document, upload=io.BytesIO(data), name="qd.pdf"
    )
    return result.document


def _signed_and_sealed(org) -> bytes:
    personal = services.sign_personal(
        actor=org.director, data=pki_module.decision_pdf(), secret=PASS
    )
    return services.apply_agency_signature(
        agency=org.stp, actor=org.clerk, data=personal, secret=PASS, number_and_symbol="12/QĐ-STP"
    )


# --- Three states, and re-verification when trust changes ----------------------------------------


def test_an_unknown_ca_is_amber_with_its_name_and_turns_green_once_trusted_without_a_click(
    pki, org, untrusted_creds, make_draft, run_tasks, sysadmin
):
    incoming = _issue_and_deliver(org, make_draft, run_tasks)
    check = _check_of(incoming)
    assert check.status == "untrusted"
    state, html = _state_on_page(org.snv_clerk, incoming)
    assert state == "untrusted"
    assert "Chưa xác định được nguồn tin cậy" in html
    assert "Ban Cơ yếu Chính phủ (thử nghiệm)" in html  # the issuer of the certificates
    assert "Chữ ký không hợp lệ" not in html

    services.add_trusted_certificate(actor=sysadmin, data=pki.pem("root"))
    assert _check_of(incoming).status == "untrusted"  # not yet: the check runs in the background
    run_tasks()
    check = _check_of(incoming)
    assert check.status == "valid"
    assert check.recheck_requested_at is None
    state, html = _state_on_page(org.snv_clerk, incoming)
    assert state == "valid"
    assert "Chữ ký hợp lệ" in html and "nguồn tin cậy" not in html


def test_withdrawing_the_root_turns_green_badges_amber(
    pki, org, creds, make_draft, run_tasks, sysadmin
):
    incoming = _issue_and_deliver(org, make_draft, run_tasks)
    assert _check_of(incoming).status == "valid"
    assert _state_on_page(org.snv_clerk, incoming)[0] == "valid"
    root = TrustedCertificate.objects.get()
    services.withdraw_trust(actor=sysadmin, certificate=root)
    run_tasks()
    assert _check_of(incoming).status == "untrusted"
    assert _state_on_page(org.snv_clerk, incoming)[0] == "untrusted"


def test_revoking_signing_rights_turns_an_untimestamped_signature_red_and_not_a_timestamped_one(
    settings, pki, org, creds, run_tasks, user_factory
):
    timestamped = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau"
    )
    settings.LIENTHONG_TSA_URL = ""  # no timestamp: the signing time is only the signer's word
    bare = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau", number="13"
    )
    run_tasks()
    assert _check_of(timestamped).status == "valid"
    assert _check_of(bare).status == "valid"

    admin = user_factory(org.stp, [Role.AGENCY_ADMIN])
    services.revoke_signing_rights(actor=admin, user=org.director, reason="Nghỉ hưu")
    run_tasks()
    assert _check_of(timestamped).status == "valid"  # proven made before the revocation
    check = _check_of(bare)
    assert check.status == "invalid"
    personal = check.report["signatures"][0]
    assert personal["signer"] == "Nguyễn Văn Giám" and "revoked" in personal["problems"]
    state, html = _state_on_page(org.snv_clerk, bare)
    assert state == "invalid"
    assert "Chứng thư số đã bị thu hồi" in html  # the reason, in Vietnamese


def test_revoking_the_seal_turns_an_untimestamped_sealed_file_red(
    settings, pki, org, creds, run_tasks, user_factory
):
    settings.LIENTHONG_TSA_URL = ""
    document = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau"
    )
    run_tasks()
    assert _check_of(document).status == "valid"
    admin = user_factory(org.stp, [Role.AGENCY_ADMIN])
    outsider = user_factory(org.snv, [Role.AGENCY_ADMIN])
    with pytest.raises(PermissionDenied):
        services.revoke_credential(actor=outsider, credential=creds.agency, reason="Mất khóa")
    with pytest.raises(ValidationError):
        services.revoke_credential(actor=admin, credential=creds.agency, reason=" ")
    creds.agency.refresh_from_db()
    assert creds.agency.revoked_at is None
    services.revoke_credential(actor=admin, credential=creds.agency, reason="Mất khóa")
    run_tasks()
    check = _check_of(document)
    assert check.status == "invalid"
    seal = check.report["signatures"][1]
    assert seal["signer"] == "Sở Tư pháp tỉnh Cà Mau" and "revoked" in seal["problems"]
    assert "revoked" not in check.report["signatures"][0]["problems"]  # the director's is fine
    assert _state_on_page(org.snv_clerk, document)[0] == "invalid"


def test_a_revocation_re_checks_only_the_files_signed_with_the_revoked_certificate(
    settings, pki, org, creds, run_tasks
):
    settings.LIENTHONG_TSA_URL = ""
    _register_incoming(org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau")
    run_tasks()
    assert services.enqueue_rechecks(fingerprints=["0" * 64]) == 0
    assert services.enqueue_rechecks(fingerprints=[creds.agency.fingerprint]) == 1
    # Asked again while the first is queued: not queued twice.
    assert services.enqueue_rechecks(fingerprints=[creds.agency.fingerprint]) == 0
    run_tasks()
    assert services.enqueue_rechecks() == 1  # a trust change: every signed file


# --- Who signed: the document's signer and its issuing agency ------------------------------------


def test_the_recipient_sees_green_when_signer_and_seal_match_by_certificate(
    pki, org, creds, make_draft, run_tasks
):
    incoming = _issue_and_deliver(org, make_draft, run_tasks)
    assert incoming.issuer_agency_id == org.stp.pk
    wanted = expectation_for_document(incoming)
    # The director's name on the platform differs from his certificate's: matched by certificate.
    assert wanted.signer_fingerprints == {creds.director.fingerprint}
    assert wanted.agency_fingerprints == {creds.agency.fingerprint}
    assert badge_for(_check_of(incoming), wanted).state == "valid"
    assert _state_on_page(org.snv_clerk, incoming)[0] == "valid"


def test_a_signature_by_someone_other_than_the_documents_signer_is_red(pki, org, creds, run_tasks):
    put_on_file(
        pki, label="stranger", kind=CredentialKind.PERSONAL, agency=org.stp, user=org.deputy
    )
    document = _register_incoming(
        org,
        _signed_and_sealed(org),
        issuer_name="Sở Tư pháp tỉnh Cà Mau",
        signer_name=org.deputy.full_name,
    )
    Document.objects.filter(pk=document.pk).update(issuer_agency=org.stp)
    run_tasks()
    assert _check_of(document).status == "valid"  # the file itself is fine...
    state, html = _state_on_page(org.snv_clerk, document)
    assert state == "invalid"  # ...but not signed by the person the document names
    assert "không phải người ký của văn bản" in html
    assert org.deputy.full_name in html


def test_a_seal_that_is_not_the_issuing_agencys_is_red(pki, org, creds, run_tasks):
    document = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tài chính tỉnh Cà Mau"
    )
    run_tasks()
    state, html = _state_on_page(org.snv_clerk, document)
    assert state == "invalid"
    assert "không phải của cơ quan ban hành" in html
    assert "Sở Tài chính tỉnh Cà Mau" in html


def test_without_certificates_on_file_the_signer_and_agency_are_compared_by_name(db):
    from lienthong.documents.models import Blob
    from lienthong.signatures.badges import Expectation
    from lienthong.signatures.constants import AGENCY_FIELD, PERSONAL_FIELD

    blob = Blob.objects.create(
        sha256="b" * 64, size=1, content_type="application/pdf", storage_name="y.pdf"
    )
    check = PdfVerification.objects.create(
        blob=blob,
        status="valid",
        signature_count=2,
        report={
            "signatures": [
                {"field_name": PERSONAL_FIELD, "signer": "Nguyễn Văn Giám", "problems": []},
                {
                    "field_name": AGENCY_FIELD,
                    "signer": "Sở Tư pháp tỉnh Cà Mau",
                    "organisation": "Sở Tư pháp tỉnh Cà Mau",
                    "problems": [],
                },
            ]
        },
    )
    right = Expectation(signer_name="NGUYỄN VĂN GIÁM", agency_name="Sở Tư pháp")
    assert badge_for(check, right).state == "valid"
    for wrong in (
        Expectation(signer_name="Trần Văn Khác", agency_name="Sở Tư pháp"),
        Expectation(signer_name="Nguyễn Văn Giám", agency_name="Sở Nội vụ"),
    ):
        badge = badge_for(check, wrong)
        assert badge is not None and badge.state == "invalid" and len(badge.reasons) == 1


def test_names_are_compared_as_people_write_them():
    from lienthong.signatures.badges import same_name

    assert same_name("Sở Tư pháp tỉnh Cà Mau", "SỞ TƯ PHÁP")
    assert same_name("Nguyễn Văn  Giám", "nguyen van giam")
    assert same_name("Đỗ Thị Đào", "Do Thi Dao")
    assert not same_name("Sở Tư pháp tỉnh Cà Mau", "Sở Tài chính tỉnh Cà Mau")
    assert not same_name("Nguyễn Văn Giám", "Nguyễn Văn Gi")  # whole words only
    assert not same_name("", "Sở Tư pháp")


def test_a_check_recorded_before_this_change_as_invalid_for_trust_alone_shows_amber(db, org):
    from lienthong.documents.models import Blob

    blob = Blob.objects.create(
        sha256="a" * 64, size=1, content_type="application/pdf", storage_name="x.pdf"
    )
    old = PdfVerification.objects.create(
        blob=blob,
        status="invalid",
        signature_count=1,
        report={
            "signatures": [
                {"signer": "Người Lạ", "issuer": "Root CA Lạ, CA Lạ", "problems": ["untrusted"]}
            ]
        },
    )
    badge = badge_for(old)
    assert (
        badge is not None and badge.state == "untrusted" and badge.issuers == ["Root CA Lạ, CA Lạ"]
    )
    old.report["signatures"][0]["problems"] = ["untrusted", "modified"]
    badge = badge_for(old)
    assert badge is not None and badge.state == "invalid"


# --- Kiểm tra lại ---------------------------------------------------------------------------------


def _queued() -> int:
    return DBTaskResult.objects.filter(status="READY").count()


def test_check_again_re_runs_one_verification_for_someone_who_sees_the_document(
    pki, org, creds, run_tasks
):
    document = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau"
    )
    run_tasks()
    check = _check_of(document)
    first = check.checked_at
    assert _queued() == 0
    html = client_for(org.snv_clerk).get(f"/van-ban/{document.pk}/").content.decode()
    assert f'action="/chu-ky-so/kiem-tra-lai/{check.pk}/"' in html and "Kiểm tra lại" in html

    response = client_for(org.snv_clerk).post(
        f"/chu-ky-so/kiem-tra-lai/{check.pk}/", {"next": f"/van-ban/{document.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/van-ban/{document.pk}/"
    check.refresh_from_db()
    assert check.recheck_requested_at is not None
    assert _queued() == 1
    assert AuditEvent.objects.filter(action="signature.recheck_requested").count() == 1
    html = client_for(org.snv_clerk).get(f"/van-ban/{document.pk}/").content.decode()
    assert 'data-testid="signature-rechecking"' in html
    run_tasks()
    check.refresh_from_db()
    assert check.checked_at > first and check.recheck_requested_at is None


def test_check_again_is_refused_to_others_and_to_get_changing_nothing(
    pki, org, creds, run_tasks, user_factory
):
    document = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau"
    )
    run_tasks()
    check = _check_of(document)
    url = f"/chu-ky-so/kiem-tra-lai/{check.pk}/"
    assert Client().post(url).status_code == 302  # to the sign-in page
    assert client_for(org.clerk).post(url).status_code == 404  # Sở Tư pháp cannot see it
    stp_officer = user_factory(org.stp, [Role.SPECIALIST])  # another agency's officer
    assert client_for(stp_officer).post(url).status_code == 404
    assert client_for(org.snv_clerk).get(url).status_code == 405
    assert client_for(org.snv_clerk).post("/chu-ky-so/kiem-tra-lai/999999/").status_code == 404
    check.refresh_from_db()
    assert check.recheck_requested_at is None
    assert _queued() == 0
    assert not AuditEvent.objects.filter(action="signature.recheck_requested").exists()


def test_check_again_is_rate_limited(monkeypatch, pki, org, creds, run_tasks):
    from lienthong.signatures import views

    monkeypatch.setattr(views, "RECHECK_LIMIT", 1)
    document = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau"
    )
    run_tasks()
    check = _check_of(document)
    client = client_for(org.snv_clerk)
    client.post(f"/chu-ky-so/kiem-tra-lai/{check.pk}/")
    run_tasks()
    response = client.post(f"/chu-ky-so/kiem-tra-lai/{check.pk}/", follow=True)
    assert "Quá nhiều lần kiểm tra" in response.content.decode()
    check.refresh_from_db()
    assert check.recheck_requested_at is None and _queued() == 0


# --- Certificate details in Vietnamese ------------------------------------------------------------


def test_certificates_are_described_in_vietnamese_on_the_certificate_page(
    pki, org, creds, sysadmin
):
    html = client_for(org.director).get("/chu-ky-so/").content.decode()
    for label in ("Tên", "Tổ chức", "Số sê-ri", "Hiệu lực từ", "Hiệu lực đến", "Tổ chức cấp"):
        assert f"<dt>{label}</dt>" in html
    assert "Mục đích sử dụng" in html and "Ký số; Chống chối bỏ" in html
    assert "Quốc gia</dt><dd>VN" in html
    assert format(pki.cert("director").serial_number, "X") in html
    assert not any(name in html for name in ENGLISH_NAMES)

    html = client_for(sysadmin).get("/chu-ky-so/").content.decode()
    assert 'data-testid="trusted"' in html
    assert "Ký chứng thư số" in html and "Ký danh sách thu hồi" in html  # the root's usages
    assert not any(name in html for name in ENGLISH_NAMES)


def test_signature_details_on_a_document_are_in_vietnamese(pki, org, creds, run_tasks):
    document = _register_incoming(
        org, _signed_and_sealed(org), issuer_name="Sở Tư pháp tỉnh Cà Mau"
    )
    run_tasks()
    state, html = _state_on_page(org.snv_clerk, document)
    assert state == "valid"
    details = html.split('data-testid="signature-details"', 1)[1]
    assert "<dt>Tổ chức</dt><dd>Sở Tư pháp tỉnh Cà Mau</dd>" in details
    assert "CA Chuyên dùng Thử Nghiệm — Ban Cơ yếu Chính phủ (thử nghiệm)" in details
    assert not any(name in html for name in ENGLISH_NAMES)
