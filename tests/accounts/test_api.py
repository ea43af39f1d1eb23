import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.accounts import services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency
from tests.conftest import PASSWORD


@pytest.fixture
def people(two_agencies, user_factory):
    stp, snv = two_agencies
    officer = user_factory(stp, [Role.SPECIALIST])
    other = user_factory(snv, [Role.SPECIALIST])
    admin = services.create_user(
        actor=None,
        username="root",
        full_name="Quản trị hệ thống",
        password=PASSWORD,
        agency=None,
        roles=[Role.SYSTEM_ADMIN],
    )
    return stp, snv, officer, other, admin


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_anonymous_gets_401(db) -> None:
    assert APIClient().get("/api/v1/agencies/").status_code == 401


def test_token_authentication_and_scoping(people) -> None:
    stp, snv, officer, other, admin = people
    client = client_for(officer)
    body = client.get("/api/v1/agencies/").json()
    assert [a["code"] for a in body["results"]] == [stp.code]
    assert client.get(f"/api/v1/agencies/{snv.pk}/").status_code == 404
    assert client.get("/api/v1/agencies/999999/").status_code == 404
    assert client.get(f"/api/v1/users/{other.pk}/").status_code == 404
    me = client.get("/api/v1/users/me/").json()
    assert me["username"] == officer.username and me["roles"] == ["specialist"]
    assert len(client_for(admin).get("/api/v1/agencies/").json()["results"]) == 3


def test_session_authentication_needs_csrf_for_writes(people) -> None:
    stp, snv, officer, other, admin = people
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.get("/api/v1/agencies/").status_code == 200
    response = client.post("/api/v1/agencies/", {"code": "000.00.09.H12"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_create_agency_by_api(people) -> None:
    stp, snv, officer, other, admin = people
    payload = {
        "code": "000.00.09.H12",
        "name": "Sở Xây dựng",
        "abbreviation": "SXD",
        "kind": "department",
        "place_name": "Cà Mau",
        "parent": stp.parent_id,
    }
    response = client_for(admin).post("/api/v1/agencies/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Agency.objects.get(code="000.00.09.H12").name == "Sở Xây dựng"


def test_malformed_code_by_api_gets_a_clear_400_and_stores_nothing(people, db_snapshot) -> None:
    stp, snv, officer, other, admin = people
    client = client_for(admin)
    before = db_snapshot()
    payload = {
        "code": "H12-09",
        "name": "Sở Xây dựng",
        "abbreviation": "SXD",
        "kind": "department",
        "place_name": "Cà Mau",
        "parent": stp.parent_id,
    }
    response = client.post("/api/v1/agencies/", payload, format="json")
    assert response.status_code == 400
    assert "000.00.00.H12" in response.json()["code"][0]
    assert db_snapshot() == before


def test_officer_cannot_create_agencies(people, db_snapshot) -> None:
    stp, snv, officer, other, admin = people
    client = client_for(officer)
    before = db_snapshot()
    payload = {
        "code": "000.00.09.H12",
        "name": "Sở Xây dựng",
        "abbreviation": "SXD",
        "kind": "department",
        "place_name": "Cà Mau",
        "parent": stp.parent_id,
    }
    assert client.post("/api/v1/agencies/", payload, format="json").status_code == 403
    assert db_snapshot() == before


def test_openapi_schema_and_docs_page_are_local(db, client) -> None:
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/agencies/" in paths and "/api/v1/users/me/" in paths
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_openapi_description_validates_without_warnings(db, tmp_path) -> None:
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--api-version", "v1", "--file", str(out)
    )
    text = out.read_text()
    assert "/api/v1/documents/" in text and "/api/v1/agencies/" in text
