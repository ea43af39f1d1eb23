"""The certificate page and the signature badge on a document, as officials see them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client

from lienthong.accounts.constants import Role
from lienthong.documents import services as documents
from lienthong.notifications.services import notify as real_notify
from lienthong.signatures import services
from lienthong.signatures.models import PdfVerification, SigningCredential, TrustedCertificate
from tests.documents.conftest import doc_type
from tests.drafting.conftest import upload

from . import pki as pki_module
from .conftest import PASS


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_official_sees_their_certificate_and_a_warning_before_it_expires(settings, org, creds):
    page = client_for(org.director).get("/chu-ky-so/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nguyễn Văn Giám" in html
    assert 'data-testid="expires-soon"' not in html
    settings.LIENTHONG_CERTIFICATE_WARNING_DAYS = 365 * 80  # the test certificates end in 2100
    html = client_for(org.director).get("/chu-ky-so/").content.decode()
    assert 'data-testid="expires-soon"' in html
    assert 'data-testid="agency-certificates"' not in html  # not an administrator


def test_an_administrator_puts_a_pkcs12_on_file_and_a_wrong_passphrase_stores_nothing(
    pki, org, trusted, user_factory, db_snapshot
):
    admin = user_factory(org.stp, [Role.AGENCY_ADMIN])
    client = client_for(admin)
    before = db_snapshot()
    bad = client.post(
        "/chu-ky-so/chung-thu/",
        {
            "kind": "personal",
            "user": org.deputy.pk,
            "pkcs12": upload(pki.pkcs12("director", PASS), "a.p12"),
            "passphrase": "sai",
        },
        follow=True,
    )
    assert "Sai mật khẩu" in bad.content.decode()
    assert db_snapshot() == before
    good = client.post(
        "/chu-ky-so/chung-thu/",
        {
            "kind": "personal",
            "user": org.deputy.pk,
            "pkcs12": upload(pki.pkcs12("director", PASS), "a.p12"),
            "passphrase": PASS,
            "image": upload(pki_module.signature_png(), "ky.png"),
        },
        follow=True,
    )
    assert good.status_code == 200
    credential = SigningCredential.objects.get(user=org.deputy)
    assert PASS.encode() not in bytes(credential.sealed_pkcs12)
    assert bytes(credential.sealed_pkcs12) != pki.pkcs12("director", PASS)  # sealed at rest
    revoke = client.post(
        "/chu-ky-so/thu-hoi/", {"user": org.deputy.pk, "reason": "Chuyển công tác"}
    )
    assert revoke.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None and not credential.is_active


def test_officials_and_other_agencies_cannot_administer(pki, org, creds, user_factory, db_snapshot):
    clerk = client_for(org.clerk)
    other = client_for(user_factory(org.snv, [Role.AGENCY_ADMIN]))
    before = db_snapshot()
    revoke = {"user": org.director.pk, "reason": "x"}
    assert clerk.post("/chu-ky-so/thu-hoi/", revoke).status_code == 403
    root = {"certificate": upload(pki.pem("other-root"), "r.pem"), "role": "root"}
    assert clerk.post("/chu-ky-so/tin-cay/", root).status_code == 403
    assert other.post("/chu-ky-so/tin-cay/", root).status_code == 403
    # Sở Nội vụ's administrator cannot even choose Sở Tư pháp's director.
    assert other.post("/chu-ky-so/thu-hoi/", revoke).status_code == 302
    assert db_snapshot() == before
    assert services.has_personal_credential(org.director)


def test_a_system_administrator_trusts_a_root(pki, org, user_factory):
    admin = user_factory(None, [Role.SYSTEM_ADMIN])
    response = client_for(admin).post(
        "/chu-ky-so/tin-cay/",
        {"certificate": upload(pki.pem("other-root"), "r.pem"), "role": "root", "name": "CA Lạ"},
    )
    assert response.status_code == 302
    assert TrustedCertificate.objects.filter(name="CA Lạ", is_active=True).exists()
    page = client_for(admin).get("/chu-ky-so/").content.decode()
    assert "CA Lạ" in page


def test_an_incoming_signed_pdf_shows_its_badge_after_the_background_check(
    pki, org, creds, run_tasks
):
    signed = services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)
    result = documents.register_incoming(
        actor=org.snv_clerk,
        document_type=doc_type("Quyết định"),
        issuer_name="Sở Tư pháp tỉnh Cà Mau",
        code_number="12",
        code_notation="QĐ-STP",
        issued_date=date(2026, 11, 20),
        subject="Quyết định ban hành Quy chế văn thư, lưu trữ",
    )
    version = documents.add_attachment(
        actor=org.snv_clerk, document=result.document, upload=io.BytesIO(signed), name="qd.pdf"
    )
    assert PdfVerification.objects.get(blob=version.blob).status == "pending"
    html = client_for(org.snv_clerk).get(f"/van-ban/{result.document.pk}/").content.decode()
    assert "Đang kiểm tra" in html
    run_tasks()
    html = client_for(org.snv_clerk).get(f"/van-ban/{result.document.pk}/").content.decode()
    assert 'data-state="valid"' in html  # green, not the amber "chưa xác định được nguồn tin cậy"
    assert "Chữ ký hợp lệ" in html
    assert "Nguyễn Văn Giám" in html


@pytest.fixture
def real_notifications(monkeypatch) -> None:
    """The drafting fixtures record notices in a list; these tests want the real rows."""
    monkeypatch.setattr("lienthong.notifications.services.notify", real_notify)


def test_holders_are_told_once_when_a_certificate_nears_its_end(
    settings, org, creds, real_notifications
):
    from lienthong.notifications.models import Notification
    from lienthong.signatures.services import warn_expiring_certificates

    settings.LIENTHONG_CERTIFICATE_WARNING_DAYS = 30  # the test certificates end in 2100
    assert warn_expiring_certificates() == 0
    assert not Notification.objects.filter(kind="certificate_expiring").exists()

    settings.LIENTHONG_CERTIFICATE_WARNING_DAYS = 365 * 80
    assert warn_expiring_certificates() == 2  # the director's and the agency's
    told = Notification.objects.filter(kind="certificate_expiring")
    assert set(told.values_list("recipient", flat=True)) == {org.director.pk, org.clerk.pk}
    assert all(n.url == "/chu-ky-so/" for n in told)
    assert warn_expiring_certificates() == 0  # once per certificate
    assert told.count() == 2


def test_a_revoked_certificate_is_not_warned_about(
    settings, org, creds, user_factory, real_notifications
):
    from lienthong.notifications.models import Notification
    from lienthong.signatures.services import warn_expiring_certificates

    admin = user_factory(org.stp, roles=[Role.AGENCY_ADMIN])
    services.revoke_signing_rights(actor=admin, user=org.director, reason="Nghỉ hưu")
    settings.LIENTHONG_CERTIFICATE_WARNING_DAYS = 365 * 80
    assert warn_expiring_certificates() == 1
    assert not Notification.objects.filter(recipient=org.director).exists()
