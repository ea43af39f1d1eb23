"""The one-stop pages over HTTP: sign-up, the applicant area (and nothing else for applicants),
on-line filing (dynamic form, idempotent, bad files), the counter, access for officers of other
agencies, public tracking (second factor, malformed code, rate limit)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from lienthong.accounts.models import User
from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import ApplicantProfile, Dossier, DossierComponent
from tests.conftest import PASSWORD
from tests.documents.files import text_pdf
from tests.onestop.conftest import CITIZEN, filed_online, make_citizen
from tests.test_url_sweep import PUBLIC, URLS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_sign_up_creates_an_applicant_without_agency_or_roles() -> None:
    client = Client()
    response = client.post(
        reverse("citizen:sign-up"),
        {
            "password": PASSWORD,
            "password2": PASSWORD,
            "kind": "citizen",
            "name": "Nguyễn Thị Lan",
            "id_number": "096199001234",
            "phone": "0945111222",
            "email": "lan@example.vn",
            "address": "Năm Căn",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("citizen:my-dossiers")
    user = User.objects.get(username="096199001234")  # the ID number is the user name
    assert user.agency_id is None and not user.role_set() and not user.is_staff
    assert ApplicantProfile.objects.get(user=user).id_number == "096199001234"
    # Signed in: the officers' start page leads to "my dossiers".
    assert client.get(reverse("dashboard"))["Location"] == reverse("citizen:my-dossiers")


def test_sign_up_refuses_bad_identity_data(db_snapshot) -> None:
    before = db_snapshot()
    response = Client().post(
        reverse("citizen:sign-up"),
        {
            "password": PASSWORD,
            "password2": PASSWORD,
            "kind": "citizen",
            "name": "X",
            "id_number": "12",
            "phone": "12345",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "12 chữ số" in body or "12 digits" in body
    assert db_snapshot() == before


def test_an_applicant_opens_no_officer_page_or_api(world, db_snapshot) -> None:
    client = signed_in(world.citizen)
    before = db_snapshot()
    # The applicant area, the public catalogue, payments and the applicant's notifications.
    allowed_prefixes = (
        "/cong-dan/",
        "/static/",
        "/thong-bao/",
        "/i18n/",
        "/thu-tuc/",
        "/api/v1/catalogue/",
        "/api/v1/notification",
        "/api/v1/dossiers/",  # their own dossiers (tests/onestop/test_api.py)
        "/api/v1/tracking/",
        "/api/v1/payments/",  # their own payments (visible_to)
        "/thanh-toan/",
    )
    for url, name in URLS:
        if name in PUBLIC or url.startswith(allowed_prefixes):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if url in (reverse("home"), reverse("dashboard")):  # the front door, the desk
                assert response.status_code == 302, url
                assert response["Location"] == reverse("citizen:my-dossiers")
                continue
            assert response.status_code in {404, 405, 403}, (
                f"{method.upper()} {url} answered {response.status_code} to a citizen"
            )
    after = db_snapshot()
    after.pop("core_auditevent", None), before.pop("core_auditevent", None)
    assert after == before


def test_online_filing_is_idempotent_and_gives_a_code(world) -> None:
    client = signed_in(world.citizen)
    url = reverse("citizen:file", args=[world.procedure.pk])
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page.content.decode()).group(1)
    c1, c2 = world.components[:2]
    data = {
        "token": token,
        "subject": "Xin cấp phép",
        "copies": "1",
        f"component_{c1.pk}": upload("don.pdf", text_pdf("Đơn")),
        f"component_{c2.pk}": upload("gcn.pdf", text_pdf("GCN")),
        "submit": "1",
    }
    first = client.post(url, data)
    assert first.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.SUBMITTED and dossier.code
    data[f"component_{c1.pk}"] = upload("don.pdf", text_pdf("Đơn"))
    data[f"component_{c2.pk}"] = upload("gcn.pdf", text_pdf("GCN"))
    second = client.post(url, data)  # the same form sent again
    assert second["Location"] == first["Location"]
    assert Dossier.objects.count() == 1 and DossierComponent.objects.count() == 2
    shown = client.get(first["Location"]).content.decode()
    assert dossier.code in shown and "Mới đăng ký" in shown


@pytest.mark.parametrize(
    "name,content,message",
    [
        (
            "don.pdf",
            b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
            "text/plain",
        ),
        ("don.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "whatever its name says"),
        ("don.pdf", b"%PDF-1.4 broken", "PDF"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    world, db_snapshot, name, content, message
) -> None:
    client = signed_in(world.citizen)
    url = reverse("citizen:file", args=[world.procedure.pk])
    before = db_snapshot()
    response = client.post(
        url,
        {
            "token": "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",
            "copies": "1",
            f"component_{world.components[0].pk}": upload(name, content),
            "submit": "1",
        },
    )
    assert response.status_code == 200
    assert "error" in response.content.decode()
    assert db_snapshot() == before


def test_oversized_file_is_refused(world, settings, db_snapshot) -> None:
    settings.LIENTHONG_MAX_UPLOAD_BYTES = 1000
    client = signed_in(world.citizen)
    before = db_snapshot()
    response = client.post(
        reverse("citizen:file", args=[world.procedure.pk]),
        {
            "token": "2b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",
            "copies": "1",
            f"component_{world.components[0].pk}": upload("big.pdf", text_pdf("x" * 500)),
        },
    )
    assert response.status_code == 200 and "1000" in response.content.decode()
    assert db_snapshot() == before


def test_a_citizen_sees_only_their_own_dossiers(world) -> None:
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    other = make_citizen(
        "binh", CITIZEN.__class__(**{**CITIZEN.__dict__, "id_number": "096188000999"})
    )
    client = signed_in(other)
    assert client.get(reverse("citizen:my-dossier", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("citizen:form-pdf", args=[dossier.pk, "01"])).status_code == 404
    assert dossier.code not in client.get(reverse("citizen:my-dossiers")).content.decode()
    response = client.post(reverse("citizen:action", args=[dossier.pk, "withdraw"]))
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_counter_receives_and_outsiders_get_404(world, db_snapshot) -> None:
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    outsider = signed_in(world.outsider)
    before = db_snapshot()
    assert outsider.get(reverse("onestop:dossier", args=[dossier.pk])).status_code == 404
    assert outsider.post(reverse("onestop:action", args=[dossier.pk, "receive"])).status_code == 404
    # An officer of the same agency without the one-stop role is refused, nothing changes.
    specialist = signed_in(world.bc_handler)
    assert specialist.get(reverse("onestop:dossier", args=[dossier.pk])).status_code == 404
    after = db_snapshot()
    after.pop("core_auditevent", None), before.pop("core_auditevent", None)
    assert after == before
    counter = signed_in(world.counter)
    page = counter.get(reverse("onestop:queue")).content.decode()
    assert dossier.code in page
    response = counter.post(reverse("onestop:action", args=[dossier.pk, "receive"]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    pdf = counter.get(reverse("onestop:form-pdf", args=[dossier.pk, "01"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert counter.get(reverse("onestop:form-pdf", args=[dossier.pk, "03"])).status_code == 404
    # The unit leader now has it in the queue and assigns through the page.
    leader = signed_in(world.bc_leader)
    assert dossier.code in leader.get(reverse("onestop:queue")).content.decode()
    leader.post(
        reverse("onestop:action", args=[dossier.pk, "assign"]), {"handler": world.bc_handler.pk}
    )
    assert dossier.steps.get(order=2).handler == world.bc_handler


def _tracked(client: Client, code: str, factor: str):
    return client.post(reverse("citizen:track"), {"code": code, "factor": factor})


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_tracking_needs_the_second_factor_and_reveals_nothing_otherwise(world) -> None:
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    client = Client()
    found = _tracked(client, dossier.code, "0913 123 456")
    assert found.status_code == 200 and "Cấp giấy phép bưu chính" in found.content.decode()
    assert _tracked(client, dossier.code.lower(), CITIZEN.id_number).status_code == 200
    wrong = _tracked(client, dossier.code, "0900000000")
    unknown_code = dossier.code[:-4] + "0999"
    unknown = _tracked(client, unknown_code, "0900000000")
    assert wrong.status_code == unknown.status_code == 200
    wrong_html = _without_tokens(wrong.content.decode()).replace(dossier.code, "CODE")
    unknown_html = _without_tokens(unknown.content.decode()).replace(unknown_code, "CODE")
    assert wrong_html == unknown_html
    assert "Cấp giấy phép bưu chính" not in wrong_html


def test_tracking_refuses_a_malformed_code_clearly(world) -> None:
    response = _tracked(Client(), "HS-12345", "0913123456")
    assert response.status_code == 400
    assert "000.00.05.H12-261123-0001" in response.content.decode()


def test_tracking_is_rate_limited(world, settings) -> None:
    settings.LIENTHONG_TRACKING_LIMIT = 3
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    client = Client()
    for _ in range(3):
        assert _tracked(client, dossier.code, "0900000000").status_code == 200
    limited = _tracked(client, dossier.code, CITIZEN.phone)  # even the right factor now
    assert limited.status_code == 429
    assert "Cấp giấy phép bưu chính" not in limited.content.decode()


def test_counter_intake_refusal_and_tracking_book(world, db_snapshot) -> None:
    counter = signed_in(world.counter)
    page = counter.get(reverse("onestop:intake"), {"procedure": world.procedure.pk})
    assert page.status_code == 200
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page.content.decode()).group(1)
    data = {
        "procedure": world.procedure.pk,
        "token": token,
        "kind": "business",
        "name": "Công ty TNHH Mũi Cà Mau",
        "id_number": "2001234567",
        "phone": "02903812345",
        "copies": "1",
        f"component_{world.components[0].pk}": upload("scan.pdf", text_pdf("Đơn")),
    }
    created = counter.post(reverse("onestop:intake"), data)
    assert created.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == "counter" and dossier.code.endswith("-0001")
    # Incomplete: receiving is refused with a clear message, the refusal goes through.
    counter.post(reverse("onestop:action", args=[dossier.pk, "receive"]))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    shown = counter.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert "Thiếu giấy tờ bắt buộc" in shown
    counter.post(
        reverse("onestop:action", args=[dossier.pk, "refuse"]), {"reason": "Không đủ điều kiện"}
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
    pdf = counter.get(reverse("onestop:form-pdf", args=[dossier.pk, "03"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    book = counter.get(reverse("onestop:book"), {"nam": "2026", "thang": "13"})
    assert book.status_code == 200 and book["Content-Type"] == "application/pdf"
    # Other officers have no counter pages.
    assert signed_in(world.bc_leader).get(reverse("onestop:intake")).status_code == 404
    assert signed_in(world.outsider).get(reverse("onestop:book")).status_code == 200  # own agency's


def test_citizen_supplies_papers_rates_and_withdraws_through_the_pages(world) -> None:
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    services.request_supplement(actor=world.counter, dossier=dossier, items="Bản đồ mạng lưới")
    client = signed_in(world.citizen)
    page = client.get(reverse("citizen:my-dossier", args=[dossier.pk])).content.decode()
    assert "Bản đồ mạng lưới" in page
    client.post(
        reverse("citizen:action", args=[dossier.pk, "upload"]),
        {"component": world.components[2].pk, "file": upload("ban-do.pdf", text_pdf("Bản đồ"))},
    )
    client.post(reverse("citizen:action", args=[dossier.pk, "resubmit"]))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.components.filter(supplement__isnull=False).count() == 1
    # Rating is only for closed dossiers; withdrawal closes it.
    client.post(
        reverse("citizen:action", args=[dossier.pk, "rate"]),
        {"satisfaction": 4, "staff_attitude": 4},
    )
    assert not hasattr(Dossier.objects.get(pk=dossier.pk), "rating")
    client.post(reverse("citizen:action", args=[dossier.pk, "withdraw"]), {"reason": "Đổi ý"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN and dossier.portal_status == 7
    page = client.get(reverse("citizen:my-dossier", args=[dossier.pk])).content.decode()
    assert "Công dân yêu cầu rút hồ sơ" in page
