"""The REST API of the axis pages: a document's axis deliveries, the packages (evidence) of the
caller's agency with their original XML, and the clerk's queue of recalls and changes — each
scoped to the caller's agency, with the errors of the OpenAPI schema."""

from lienthong.exchange import axis_services, edxml
from lienthong.exchange.models import AxisAgency, AxisPackage
from tests.exchange.test_axis_flow import axis, ministry, package_to  # noqa: F401
from tests.exchange.test_delivery import issue


def test_the_axis_api_is_scoped_to_the_agency(
    axis,  # noqa: F811
    ministry,  # noqa: F811
    clerk,
    other_clerk,
    unit,
    two_agencies,
    run_tasks,
    client,
):
    ours = two_agencies[0]
    outgoing = issue(clerk, unit, [two_agencies[1]])
    office = AxisAgency.objects.get(code="000.00.01.G01")
    axis_services.send_over_axis(actor=clerk, document=outgoing, agencies=[office])
    axis_services.handle_package(raw=package_to(ours))
    key = axis_services.pending_requests(ours.pk).model.objects.get().document_key
    revoke = edxml.Business(edxml.BusinessType.REVOKE, document_id=key, reason="Sai sót")
    axis_services.handle_package(raw=package_to(ours, business=revoke))
    run_tasks()

    client.force_login(clerk)
    [delivery] = client.get(f"/api/v1/documents/{outgoing.pk}/axis-deliveries/").json()
    assert delivery["recipient_code"] == office.code and delivery["transport"] == "sent"
    sent = client.get("/api/v1/axis/packages/?direction=sent").json()
    assert {p["kind"] for p in sent} == {"message", "status"}  # our document, our 01
    received = client.get("/api/v1/axis/packages/?direction=received").json()
    assert len(received) == 2 and all(p["to_code"] == ours.code for p in received)
    package = AxisPackage.objects.get(pk=received[-1]["id"])
    original = client.get(f"/api/v1/axis/packages/{package.pk}/")
    assert original["Content-Type"] == "application/xml"
    assert original.content == bytes(package.raw)
    assert client.get("/api/v1/axis/packages/?direction=sideways").status_code == 400
    [request] = client.get("/api/v1/axis/requests/").json()
    assert request["business_type"] == 1 and request["proposed"]["reason"] == "Sai sót"
    answer = f"/api/v1/axis/requests/{request['id']}/answer/"
    assert client.post(answer, {"agree": False}, content_type="application/json").status_code == 400

    # Another agency's clerk sees none of it and cannot answer.
    client.force_login(other_clerk)
    assert client.get("/api/v1/axis/packages/").json() == []
    assert client.get(f"/api/v1/axis/packages/{package.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{outgoing.pk}/axis-deliveries/").status_code == 404
    assert client.get("/api/v1/axis/requests/").json() == []
    assert client.post(answer, {"agree": True}, content_type="application/json").status_code == 404

    client.force_login(clerk)
    assert client.post(answer, {"agree": True}, content_type="application/json").status_code == 204
    assert client.get("/api/v1/axis/requests/").json() == []
