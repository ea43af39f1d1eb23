import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.accounts.constants import Role
from lienthong.documents.models import Document
from tests.exchange.test_delivery import issue


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def delivered(clerk, other_clerk, unit, two_agencies, run_tasks):
    outgoing = issue(clerk, unit, [two_agencies[1]])
    run_tasks()
    return outgoing, Document.objects.get(agency=two_agencies[1])


def test_sender_sees_statuses_and_recipient_registers(clerk, other_clerk, delivered) -> None:
    outgoing, copy = delivered
    assert api(other_clerk).post(f"/api/v1/documents/{copy.pk}/accept-delivery/").status_code == 204
    rows = api(clerk).get(f"/api/v1/documents/{outgoing.pk}/deliveries/").json()
    assert rows[0]["status"] == "03" and [e["status"] for e in rows[0]["events"]] == ["01", "03"]
    assert api(other_clerk).get(f"/api/v1/documents/{outgoing.pk}/deliveries/").status_code == 404


def test_bad_requests(
    clerk, other_clerk, delivered, user_factory, two_agencies, db_snapshot
) -> None:
    outgoing, copy = delivered
    specialist = user_factory(two_agencies[1], [Role.SPECIALIST])
    clients = api(clerk), api(specialist), api(other_clerk)
    before = db_snapshot()
    assert clients[0].post(f"/api/v1/documents/{copy.pk}/accept-delivery/").status_code == 404
    assert clients[1].post(f"/api/v1/documents/{copy.pk}/accept-delivery/").status_code == 403
    response = clients[2].post(
        f"/api/v1/documents/{copy.pk}/reject-delivery/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    assert (
        clients[0].post(f"/api/v1/documents/{outgoing.pk}/recall/", {}, format="json").status_code
        == 400
    )
    assert db_snapshot() == before
    assert APIClient().get(f"/api/v1/documents/{outgoing.pk}/deliveries/").status_code == 401


def test_recall_and_answer(clerk, other_clerk, delivered) -> None:
    outgoing, copy = delivered
    api(other_clerk).post(f"/api/v1/documents/{copy.pk}/accept-delivery/")
    assert (
        api(clerk)
        .post(f"/api/v1/documents/{outgoing.pk}/recall/", {"reason": "Sai sót"}, format="json")
        .status_code
        == 204
    )
    response = api(other_clerk).post(
        f"/api/v1/documents/{copy.pk}/answer-recall/",
        {"agree": False, "reason": "Đã thực hiện"},
        format="json",
    )
    assert response.status_code == 204
    assert (
        api(clerk).get(f"/api/v1/documents/{outgoing.pk}/deliveries/").json()[0]["recall_status"]
        == "16"
    )
