"""Who may see a payment: its payer (page and API), a superuser; nobody else (404 alike)."""

from __future__ import annotations

import pytest
from django.test import Client

from lienthong.accounts.constants import Role
from lienthong.payments.services import start_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(two_agencies, user_factory):
    payer = user_factory(two_agencies[0], [Role.SPECIALIST])
    other = user_factory(two_agencies[0], [Role.SPECIALIST])
    admin = user_factory(two_agencies[1], [Role.SPECIALIST])
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    return payer, other, admin


def _payment(payer):
    return start_payment(
        reference="R-77",
        amount_vnd=20_000,
        description="Lệ phí",
        payer=payer,
        return_url="/",
    )


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_payment_page_is_shown_to_its_payer_and_superuser_only(gateway, people) -> None:
    payer, other, admin = people
    payment = _payment(payer)
    url = payment.get_absolute_url()
    page = _client(payer).get(url)
    assert page.status_code == 200
    assert "Chờ thanh toán" in page.content.decode()
    assert payment.redirect_url.replace("&", "&amp;") in page.content.decode()
    assert _client(admin).get(url).status_code == 200
    assert _client(other).get(url).status_code == 404
    assert _client().get(url).status_code == 404
    assert _client(payer).get("/thanh-toan/NOPE/").status_code == 404


def test_api_lists_only_the_callers_payments(gateway, people) -> None:
    payer, other, admin = people
    payment = _payment(payer)
    mine = _client(payer).get("/api/v1/payments/")
    assert mine.status_code == 200
    assert [p["txn_ref"] for p in mine.json()["results"]] == [payment.txn_ref]
    assert mine.json()["results"][0]["amount_vnd"] == 20_000
    assert _client(other).get("/api/v1/payments/").json()["results"] == []
    assert _client(other).get(f"/api/v1/payments/{payment.txn_ref}/").status_code == 404
    assert _client(payer).get(f"/api/v1/payments/{payment.txn_ref}/").status_code == 200
    assert _client(admin).get(f"/api/v1/payments/{payment.txn_ref}/").status_code == 200
    assert _client().get("/api/v1/payments/").status_code in {401, 403}


def test_return_without_parameters_explains_and_records_nothing(db_snapshot) -> None:
    before = db_snapshot()
    page = Client().get("/thanh-toan/ket-qua/")
    assert page.status_code == 400
    assert "Không thể chấp nhận kết quả thanh toán" in page.content.decode()
    ipn = Client().post("/thanh-toan/ipn/")
    assert ipn.json() == {"RspCode": "97", "Message": "Invalid signature"}
    assert db_snapshot() == before
