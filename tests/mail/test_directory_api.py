"""The address-book API: officials only, searched like the page, an official's own number only
within their agency; described in the OpenAPI schema with its errors."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User


def _with(user, email: str, phone: str = ""):
    user.email, user.phone = email, phone
    user.save()
    return user


def test_the_directory_api_is_scoped_to_what_the_caller_may_see(
    agency, agency_factory, user_factory
) -> None:
    stp = agency_factory("Sở Tư pháp", "STP", email="vanthu@stp.camau.gov.vn")
    mine = _with(user_factory(agency, [Role.CLERK]), "vanthu@stttt.camau.gov.vn", "0290 111")
    theirs = _with(user_factory(stp, [Role.SPECIALIST]), "an.le@stp.camau.gov.vn", "0913 222")
    api = APIClient()
    assert api.get("/api/v1/directory/people/").status_code in {401, 403}  # signed out
    api.force_authenticate(mine)
    people = {p["email"]: p for p in api.get("/api/v1/directory/people/").json()["results"]}
    assert people["vanthu@stttt.camau.gov.vn"]["phone"] == "0290 111"
    assert people["an.le@stp.camau.gov.vn"]["phone"] == ""  # another agency's official
    assert people["an.le@stp.camau.gov.vn"]["agency_name"] == "Sở Tư pháp"
    # searching by a number the caller may not see finds nothing
    assert api.get("/api/v1/directory/people/", {"q": "0913"}).json()["results"] == []
    found = api.get("/api/v1/directory/people/", {"q": "an.le"}).json()["results"]
    assert [p["id"] for p in found] == [theirs.pk]
    assert (
        api.get("/api/v1/directory/people/", {"agency": stp.pk}).json()["results"][0]["id"]
        == theirs.pk
    )
    agencies = api.get("/api/v1/directory/agencies/", {"q": "tư pháp"}).json()["results"]
    assert [a["email"] for a in agencies] == ["vanthu@stp.camau.gov.vn"]
    assert api.get(f"/api/v1/directory/people/{theirs.pk}/").json()["phone"] == ""
    # bad input: 400 naming the field; an inactive official is not in the directory
    assert "q" in api.get("/api/v1/directory/people/", {"q": "x" * 101}).json()
    assert "agency" in api.get("/api/v1/directory/people/", {"agency": "abc"}).json()
    theirs.is_active = False
    theirs.save()
    assert api.get(f"/api/v1/directory/people/{theirs.pk}/").status_code == 404
    # an applicant (no agency) is refused
    applicant = User.objects.create(username="dan", email="dan@example.vn")
    api.force_authenticate(applicant)
    assert api.get("/api/v1/directory/agencies/").status_code == 403


def test_the_directory_api_is_in_the_schema_with_its_errors() -> None:
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    listing = schema["paths"]["/api/v1/directory/people/"]["get"]
    assert {"200", "400", "401", "403"} <= set(listing["responses"])
    assert {p["name"] for p in listing["parameters"]} >= {"q", "agency", "cursor"}
    detail = schema["paths"]["/api/v1/directory/agencies/{id}/"]["get"]
    assert "404" in detail["responses"]
    person = schema["components"]["schemas"]["DirectoryPerson"]["properties"]
    assert {"email", "phone", "position", "unit", "agency_name"} <= set(person)
