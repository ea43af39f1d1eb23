"""The documents pages with and without permission; refusals change nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from lienthong.documents.models import Document
from tests.documents import files
from tests.documents.conftest import doc_type


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def incoming_post(**overrides):
    data = {
        "document_type": doc_type("Quyết định").pk,
        "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
        "code_number": "15",
        "code_notation": "QĐ-UBND",
        "issued_date": "2026-11-02",
        "subject": "Quyết định về việc đăng ký hoạt động",
        "urgency": "0",
        "confidentiality": "0",
    }
    data.update(overrides)
    return data


def test_clerk_registers_through_the_form_with_a_file(clerk, run_tasks) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(clerk)
    assert client.get(reverse("documents:register-incoming")).status_code == 200
    upload = SimpleUploadedFile("qd.pdf", files.text_pdf("Nội dung quyết định"), "application/pdf")
    response = client.post(reverse("documents:register-incoming"), incoming_post(file=upload))
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:detail", args=[doc.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "15/QĐ-UBND" in page and 'data-testid="arrival-number">1<' in page
    version = doc.attachments.get().versions.get()
    preview = client.get(reverse("documents:file", args=[version.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview["Content-Disposition"].startswith("inline")


def test_a_bad_file_stores_no_document(clerk, db_snapshot) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(clerk)
    before = db_snapshot()
    upload = SimpleUploadedFile("qd.pdf", files.elf_executable(), "application/pdf")
    response = client.post(reverse("documents:register-incoming"), incoming_post(file=upload))
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert db_snapshot() == before


def test_form_errors_are_shown_and_nothing_is_stored(clerk, db_snapshot) -> None:
    client = client_for(clerk)
    before = db_snapshot()
    response = client.post(reverse("documents:register-incoming"), incoming_post(subject=""))
    assert response.status_code == 200 and 'class="error" role="alert"' in response.content.decode()
    response = client.post(
        reverse("documents:register-incoming"), incoming_post(code_notation="TB-UBND")
    )
    assert "QĐ-" in response.content.decode()  # the symbol error names the expected abbreviation
    assert db_snapshot() == before


def test_duplicate_is_shown_before_registering_again(clerk) -> None:
    client = client_for(clerk)
    client.post(reverse("documents:register-incoming"), incoming_post())
    response = client.post(reverse("documents:register-incoming"), incoming_post())
    assert 'data-testid="duplicate-warning"' in response.content.decode()
    assert Document.objects.count() == 1
    client.post(reverse("documents:register-incoming"), incoming_post(accept_duplicate="on"))
    assert Document.objects.count() == 2


@pytest.mark.parametrize("name", ["documents:register-incoming", "documents:record-outgoing"])
def test_non_clerks_cannot_register(specialist, name, db_snapshot) -> None:
    client = client_for(specialist)
    before = db_snapshot()
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name), incoming_post()).status_code == 404
    assert db_snapshot() == before


def test_another_agency_gets_404_everywhere(
    clerk, other_clerk, register_incoming, db_snapshot
) -> None:
    import io

    from lienthong.documents import services

    doc = register_incoming()
    version = services.add_attachment(
        actor=clerk, document=doc, upload=io.BytesIO(files.text_pdf("x")), name="x.pdf"
    )
    client = client_for(other_clerk)
    before = db_snapshot()
    assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:file", args=[version.pk])).status_code == 404
    assert client.get(reverse("documents:register", args=[doc.register_id])).status_code == 404
    assert client.post(reverse("documents:issue", args=[doc.pk])).status_code == 404
    assert client.post(reverse("documents:add-attachment", args=[doc.pk])).status_code == 404
    assert (
        client.post(reverse("documents:reserve", args=[doc.register_id]), {"note": "x"}).status_code
        == 404
    )
    assert db_snapshot() == before
    page = client.get(reverse("documents:incoming")).content.decode()
    assert doc.subject not in page


def test_lists_search_and_registers_render(
    clerk, register_incoming, run_tasks, django_assert_max_num_queries
) -> None:
    for i in range(30):
        register_incoming(subject=f"Công văn về việc kiểm tra số {i}")
    run_tasks()
    client = client_for(clerk)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("documents:incoming"))
    assert page.status_code == 200 and "after=" in page.content.decode()
    found = client.get(
        reverse("documents:search"), {"q": "cong van kiem tra so 7"}
    ).content.decode()
    assert "kiểm tra số 7" in found
    register = Document.objects.first().register
    assert client.get(reverse("documents:registers")).status_code == 200
    assert (
        "kiểm tra số 3"
        in client.get(reverse("documents:register", args=[register.pk])).content.decode()
    )


def test_anonymous_is_sent_to_sign_in(db) -> None:
    response = Client().get(reverse("documents:incoming"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_dashboard_counts_the_clerks_queues(clerk, register_incoming, unit, two_agencies) -> None:
    from lienthong.documents import services

    register_incoming()
    register_incoming()
    services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Thông báo"),
        subject="Thông báo",
        drafting_unit=unit,
        recipient_agencies=[two_agencies[1]],
    )
    page = client_for(clerk).get(reverse("dashboard")).content.decode()
    cards = dict(
        (label, int(count))
        for count, label in __import__("re").findall(
            r'class="queue-count">(\d+)</span><span class="queue-label">([^<]+)<', page
        )
    )
    # Registered, not yet assigned: awaiting the leader's instructions; the outgoing one is
    # still to issue; nothing is received and unregistered (cards with 0 of those are left out).
    assert cards == {
        "Chờ ý kiến chỉ đạo": 2,
        "Dự thảo chờ tôi xử lý": 0,
        "Văn bản đi chờ phát hành": 1,
        "Cần xử lý": 0,
        "Quá hạn": 0,
        "Sắp đến hạn": 0,
        "Văn bản đến đã vào sổ hôm nay": 2,
    }


def test_leaders_dashboard_shows_documents_awaiting_instruction(
    register_incoming, two_agencies, user_factory
) -> None:
    from lienthong.accounts.constants import Role

    leader = user_factory(two_agencies[0], [Role.AGENCY_LEADER])
    register_incoming()
    page = client_for(leader).get(reverse("dashboard")).content.decode()
    counts = [int(x) for x in __import__("re").findall(r'class="queue-count">(\d+)<', page)]
    assert counts[0] == 1 and "?tab=awaiting" in page


def test_script_and_html_in_text_fields_are_shown_escaped(clerk, register_incoming) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    doc = register_incoming(subject=f"Về việc {hostile}", issuer_name=f"Sở {hostile}")
    page = client_for(clerk).get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert hostile not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
