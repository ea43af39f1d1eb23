"""The drafting REST API with token authentication: the chain from draft to issued document,
agency scoping (404), refused actions (403/400) that change nothing, file versions."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.documents.models import AttachmentVersion, Document
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft
from tests.drafting.conftest import delegation, doc_type, docx, reload, upload


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def create_payload(org, **overrides):
    return {
        "document_type": doc_type().pk,
        "subject": "Quyết định ban hành Quy chế tiếp công dân",
        "recipient_agencies": [org.snv.pk],
        "signer": org.director.pk,
        "signing_authority": "none",
        **overrides,
    }


def tuq_payload(org):
    return create_payload(
        org,
        signer=org.chief_of_office.pk,
        signing_authority="TUQ",
        on_behalf_of=org.director.pk,
    )


def post(client, draft_id, action, data=None, **kwargs):
    return client.post(
        f"/api/v1/drafts/{draft_id}/{action}/", data or {}, format=kwargs.pop("format", "json")
    )


@pytest.mark.parametrize(
    "path", ["/api/v1/drafts/", "/api/v1/drafts/1/", "/api/v1/draft-versions/1/file/"]
)
def test_anonymous_gets_401(db, path) -> None:
    assert APIClient().get(path).status_code == 401


def test_the_chain_by_api(org, notices) -> None:
    delegation(org.director, org.chief_of_office, starts=timedelta(hours=-1), ends=timedelta(1))
    specialist = client_for(org.specialist)
    content = docx("Dự thảo Quy chế tiếp công dân")
    response = specialist.post(
        "/api/v1/drafts/",
        {**tuq_payload(org), "file": upload(content), "note": "Bản đầu"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    draft_id = body["id"]
    assert response["Location"].endswith(f"/api/v1/drafts/{draft_id}/")
    assert body["state"] == "drafting" and body["signing_authority"] == "TUQ"
    assert set(body["allowed_actions"]) == {"edit", "upload", "submit", "withdraw"}
    [version] = body["versions"]
    assert version["sha256"] == hashlib.sha256(content).hexdigest()
    downloaded = specialist.get(version["download_url"])
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) == content

    file2 = upload(docx("Dự thảo bản 2"))
    response = specialist.post(
        f"/api/v1/drafts/{draft_id}/versions/", {"file": file2}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["number"] == 2

    assert post(specialist, draft_id, "submit", {"comment": "Kính trình"}).status_code == 200
    leader = client_for(org.unit_leader)
    queue = leader.get("/api/v1/drafts/?box=awaiting").json()["results"]
    assert [d["id"] for d in queue] == [draft_id]
    assert post(leader, draft_id, "review", {"decision": "approve"}).status_code == 200
    response = post(
        leader,
        draft_id,
        "request-comments",
        {"units": [org.support.pk, org.outreach.pk], "mode": "sequential"},
    )
    assert response.status_code == 200 and response.json()["state"] == "awaiting_comments"
    steps = [s for s in response.json()["steps"] if s["kind"] == "comment"]
    assert [(s["unit"], s["status"]) for s in steps] == [
        (org.support.pk, "active"),
        (org.outreach.pk, "waiting"),
    ]
    assert (
        post(client_for(org.outreach_leader), draft_id, "comment", {"comment": "X"}).status_code
        == 403
    )
    for commenter in (org.support_leader, org.outreach_leader):
        response = post(client_for(commenter), draft_id, "comment", {"comment": "Nhất trí"})
        assert response.status_code == 200
    assert response.json()["state"] == "in_review"
    assert post(leader, draft_id, "send-to-signer").json()["state"] == "awaiting_signature"

    signer = client_for(org.chief_of_office)
    response = post(signer, draft_id, "sign-off", {"decision": "approve", "comment": "Ký"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "approved" and body["signed_authority"] == "TUQ"
    assert body["signed_on_behalf_of"] == org.director.pk

    clerk = client_for(org.clerk)
    response = post(clerk, draft_id, "issue")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "issued" and body["document_number"] == "01/QĐ-STP"
    document = Document.objects.get(pk=body["document"])
    attached = AttachmentVersion.objects.get(attachment__document=document)
    assert attached.blob.sha256 == hashlib.sha256(file2.getvalue()).hexdigest()
    kinds = [event["kind"] for event in body["history"]]
    assert kinds[0] == "created" and kinds[-1] == "issued" and kinds.count("commented") == 2
    assert clerk.get(f"/api/v1/documents/{document.pk}/").json()["number_and_symbol"] == (
        "01/QĐ-STP"
    )


def test_another_agency_gets_404_and_nothing_changes(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    version = draft.versions.get()
    outsider = client_for(org.snv_leader)
    before = db_snapshot()
    assert outsider.get(f"/api/v1/drafts/{draft.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/draft-versions/{version.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/draft-versions/{version.pk}/file/").status_code == 404
    assert outsider.patch(f"/api/v1/drafts/{draft.pk}/", {"subject": "x"}).status_code == 404
    for action in ("submit", "review", "sign-off", "withdraw", "issue"):
        response = post(outsider, draft.pk, action, {"decision": "approve", "reason": "x"})
        assert response.status_code == 404, action
    assert outsider.get("/api/v1/drafts/").json()["results"] == []
    assert db_snapshot() == before


def test_refusals_by_api_change_nothing(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    specialist = client_for(org.specialist)
    post(specialist, draft.pk, "submit")
    deputy, director, leader = (client_for(u) for u in (org.deputy, org.director, org.unit_leader))
    before = db_snapshot()
    response = post(specialist, draft.pk, "review", {"decision": "approve"})
    assert response.status_code == 403 and response.json()["detail"]
    response = post(deputy, draft.pk, "sign-off", {"decision": "approve"})
    assert response.status_code == 403
    # The designated signer, but the draft is not yet before them.
    response = post(director, draft.pk, "sign-off", {"decision": "approve"})
    assert response.status_code == 400
    response = post(leader, draft.pk, "send-to-signer")
    assert response.status_code == 400 and response.json()["non_field_errors"]
    response = post(leader, draft.pk, "review", {"decision": "return"})
    assert response.status_code == 400 and "comment" in response.json()
    response = specialist.post(
        f"/api/v1/drafts/{draft.pk}/versions/",
        {"file": upload(docx("Bản mới"))},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["non_field_errors"]
    assert db_snapshot() == before
    assert reload(draft).state == DraftState.IN_REVIEW


def test_invalid_input_by_api_is_a_400_naming_the_field(org, db_snapshot) -> None:
    client = client_for(org.specialist)
    before = db_snapshot()
    response = client.post(
        "/api/v1/drafts/", create_payload(org, signer=org.specialist.pk), format="json"
    )
    assert response.status_code == 400 and "signer" in response.json()
    response = client.post(
        "/api/v1/drafts/", create_payload(org, signer=org.snv_leader.pk), format="json"
    )
    assert response.status_code == 400 and "signer" in response.json()
    response = client.post(
        "/api/v1/drafts/",
        {**create_payload(org), "file": upload(b"MZ not a document", "x.pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()
    assert db_snapshot() == before


def test_patch_changes_only_what_is_sent(org, make_draft) -> None:
    draft = make_draft()
    response = client_for(org.specialist).patch(
        f"/api/v1/drafts/{draft.pk}/", {"subject": "Trích yếu mới"}, format="json"
    )
    assert response.status_code == 200, response.content
    draft = reload(draft)
    assert draft.subject == "Trích yếu mới"
    assert draft.signer == org.director


def test_signer_returns_with_an_edited_file_by_api(org, make_draft) -> None:
    draft = make_draft()
    post(client_for(org.specialist), draft.pk, "submit")
    leader = client_for(org.unit_leader)
    post(leader, draft.pk, "review", {"decision": "approve"})
    post(leader, draft.pk, "send-to-signer")
    response = client_for(org.director).post(
        f"/api/v1/drafts/{draft.pk}/sign-off/",
        {"decision": "return", "comment": "Xem bản sửa", "file": upload(docx("Ghi chú"))},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "returned" and len(body["versions"]) == 2
    assert body["versions"][1]["uploaded_by"] == org.director.pk


def test_lists_by_box_and_state(org, make_draft) -> None:
    mine = make_draft()
    other = make_draft(actor=org.other_specialist)
    client = client_for(org.specialist)
    assert [d["id"] for d in client.get("/api/v1/drafts/?box=mine").json()["results"]] == [mine.pk]
    everything = {d["id"] for d in client.get("/api/v1/drafts/").json()["results"]}
    assert everything == {mine.pk, other.pk}  # the same unit, not confidential
    assert client.get("/api/v1/drafts/?state=issued").json()["results"] == []
    assert client.get("/api/v1/drafts/?box=nonsense").status_code == 400
    assert Draft.objects.count() == 2


def test_the_drafting_api_is_in_the_openapi_description(db, tmp_path) -> None:
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--api-version", "v1", "--file", str(out)
    )
    text = out.read_text()
    assert "/api/v1/drafts/{id}/sign-off/" in text and "DraftStateEnum" in text
