"""The drafting pages with and without permission; refusals change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lienthong.documents.models import AttachmentVersion
from lienthong.drafting import services
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft
from tests.documents import files
from tests.drafting.conftest import doc_type, docx, reload


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft_post(org, **overrides):
    data = {
        "document_type": doc_type().pk,
        "subject": "Quyết định ban hành Quy chế tiếp công dân",
        "urgency": "0",
        "confidentiality": "0",
        "recipient_agencies": [org.snv.pk],
        "external_recipients": "",
        "signer": org.deputy.pk,
        "signing_authority": "KT",
        "on_behalf_of": org.director.pk,
    }
    data.update(overrides)
    return data


def test_the_whole_chain_through_the_pages(org) -> None:
    specialist = client_for(org.specialist)
    assert specialist.get(reverse("drafting:create")).status_code == 200
    pdf = files.text_pdf("Dự thảo Quyết định ban hành Quy chế tiếp công dân")
    response = specialist.post(
        reverse("drafting:create"),
        draft_post(org, file=SimpleUploadedFile("du-thao.pdf", pdf, "application/pdf")),
    )
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    page = specialist.get(draft.get_absolute_url()).content.decode()
    assert "Quy chế tiếp công dân" in page and 'data-testid="form-submit"' in page
    version = draft.versions.get()
    download = specialist.get(reverse("drafting:file", args=[version.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert download["Content-Disposition"].startswith("attachment")

    assert specialist.post(reverse("drafting:submit", args=[draft.pk])).status_code == 302
    leader = client_for(org.unit_leader)
    page = leader.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="form-review"' in page and 'data-testid="form-submit"' not in page
    leader.post(reverse("drafting:review", args=[draft.pk]), {"decision": "approve"})
    leader.post(
        reverse("drafting:request-comments", args=[draft.pk]),
        {"units": [org.outreach.pk, org.support.pk], "mode": "parallel", "comment": "Góp ý"},
    )
    assert reload(draft).state == DraftState.AWAITING_COMMENTS
    for commenter in (org.outreach_leader, org.support_leader):
        client_for(commenter).post(
            reverse("drafting:comment", args=[draft.pk]), {"comment": "Nhất trí"}
        )
    leader.post(reverse("drafting:send-to-signer", args=[draft.pk]), {"comment": "Kính trình"})
    assert reload(draft).state == DraftState.AWAITING_SIGNATURE

    signer = client_for(org.deputy)
    page = signer.get(reverse("drafting:awaiting")).content.decode()
    assert "Quy chế tiếp công dân" in page
    edited = SimpleUploadedFile("ban-ky.docx", docx("Bản đã sửa khi ký"))
    signer.post(
        reverse("drafting:sign", args=[draft.pk]),
        {"decision": "approve", "comment": "Đồng ý ban hành", "file": edited},
    )
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED and draft.signed_version.number == 2

    clerk = client_for(org.clerk)
    page = clerk.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="form-issue"' in page
    response = clerk.post(reverse("drafting:issue", args=[draft.pk]), {"issued_date": ""})
    draft = reload(draft)
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[draft.document_id])
    assert clerk.get(response["Location"]).content.decode().count("01/QĐ-STP") >= 1
    attached = AttachmentVersion.objects.get(attachment__document=draft.document)
    assert attached.original_name == "ban-ky.docx"

    page = specialist.get(draft.get_absolute_url()).content.decode()
    assert "01/QĐ-STP" in page and 'data-testid="history"' in page
    assert "Đồng ý ban hành" in page and "Nhất trí" in page


def test_form_errors_are_shown_and_nothing_is_stored(org, db_snapshot) -> None:
    client = client_for(org.specialist)
    before = db_snapshot()
    response = client.post(
        reverse("drafting:create"), draft_post(org, signing_authority="TUQ", file="")
    )
    assert response.status_code == 200
    assert "TUQ." in response.content.decode()
    assert db_snapshot() == before


def test_another_agency_gets_404_everywhere(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    version = draft.versions.get()
    outsider = client_for(org.snv_leader)
    before = db_snapshot()
    assert outsider.get(draft.get_absolute_url()).status_code == 404
    assert outsider.get(reverse("drafting:edit", args=[draft.pk])).status_code == 404
    assert outsider.get(reverse("drafting:file", args=[version.pk])).status_code == 404
    for name, data in [
        ("review", {"decision": "approve"}),
        ("withdraw", {"comment": "Rút"}),
        ("sign", {"decision": "approve"}),
        ("issue", {}),
    ]:
        assert outsider.post(reverse(f"drafting:{name}", args=[draft.pk]), data).status_code == 404
    assert "Quy chế" not in outsider.get(reverse("drafting:all")).content.decode()
    assert db_snapshot() == before


def test_a_specialist_gets_403_for_approving_and_nothing_changes(
    org, make_draft, db_snapshot
) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    client = client_for(org.other_specialist)
    page = client.get(draft.get_absolute_url()).content.decode()  # same unit: may read it
    assert 'data-testid="form-review"' not in page
    before = db_snapshot()
    response = client.post(reverse("drafting:review", args=[draft.pk]), {"decision": "approve"})
    assert response.status_code == 403
    response = client.post(reverse("drafting:sign", args=[draft.pk]), {"decision": "approve"})
    assert response.status_code == 403
    assert client.get(reverse("drafting:edit", args=[draft.pk])).status_code == 403
    assert db_snapshot() == before


def test_a_refused_state_shows_a_message_and_changes_nothing(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    client = client_for(org.specialist)
    services.submit_for_review(actor=org.specialist, draft=draft)
    before = db_snapshot()
    response = client.post(reverse("drafting:submit", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert db_snapshot() == before


def test_anonymous_is_sent_to_sign_in(org, make_draft) -> None:
    draft = make_draft()
    for url in (reverse("drafting:mine"), draft.get_absolute_url(), reverse("drafting:create")):
        response = Client().get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_the_drafter_edits_the_particulars(org, make_draft) -> None:
    draft = make_draft()
    client = client_for(org.specialist)
    assert client.get(reverse("drafting:edit", args=[draft.pk])).status_code == 200
    response = client.post(
        reverse("drafting:edit", args=[draft.pk]),
        draft_post(org, subject="Trích yếu đã sửa", signing_authority="none", on_behalf_of=""),
    )
    assert response.status_code == 302
    draft = reload(draft)
    assert draft.subject == "Trích yếu đã sửa" and draft.signer == org.deputy


def test_upload_a_new_version_through_the_page(org, make_draft) -> None:
    draft = make_draft()
    client = client_for(org.specialist)
    client.post(
        reverse("drafting:upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("v2.docx", docx("Bản 2")), "note": "Sửa lỗi chính tả"},
    )
    assert list(draft.versions.values_list("number", "note")) == [
        (1, ""),
        (2, "Sửa lỗi chính tả"),
    ]


@pytest.mark.parametrize("box", ["mine", "awaiting", "all"])
def test_lists_take_a_bounded_number_of_queries(
    org, make_draft, box, django_assert_max_num_queries
) -> None:
    for _ in range(6):
        draft = make_draft()
        services.submit_for_review(actor=org.specialist, draft=draft)
    client = client_for(org.unit_leader if box == "awaiting" else org.specialist)
    with django_assert_max_num_queries(14):
        page = client.get(reverse(f"drafting:{box}")).content.decode()
    assert page.count("Quy chế văn thư") == 6


def test_the_draft_page_takes_a_bounded_number_of_queries(
    org, make_draft, django_assert_max_num_queries
) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.request_comments(actor=org.unit_leader, draft=draft, units=[org.outreach, org.support])
    client = client_for(org.unit_leader)
    with django_assert_max_num_queries(40):
        assert client.get(draft.get_absolute_url()).status_code == 200
