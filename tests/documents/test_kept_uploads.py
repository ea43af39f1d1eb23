"""A file uploaded to the registration form that is shown again is kept for the next submission
by a single-use token bound to its uploader; no client-supplied content hash names a stored file
(issue 15, finding 1: a clerk of one agency obtained another agency's confidential attachment
by posting its SHA-256)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.constants import Role
from lienthong.core import periodic
from lienthong.documents import services
from lienthong.documents.constants import Confidentiality
from lienthong.documents.models import AttachmentVersion, Blob, Document, KeptUpload
from tests.documents import files
from tests.documents.conftest import doc_type

URL = "documents:register-incoming"
SECRET_TEXT = "TAI LIEU MAT cua So Noi vu: danh sach can bo du kien bo nhiem"


def _fields(**overrides: Any) -> dict[str, Any]:
    fields = {
        "document_type": doc_type("Công văn").pk,
        "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
        "code_number": "77",
        "code_notation": "UBND-VX",
        "issued_date": "2026-11-02",
        "subject": "Về việc triển khai phần mềm hồ sơ công việc",
        "urgency": "0",
        "confidentiality": "0",
    }
    fields.update(overrides)
    return fields


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _prefill(client: Client, content: bytes, name: str = "cong-van.pdf") -> str:
    """“Fill in from the file”: the page carries the kept file's token, nothing else."""
    page = client.post(reverse(URL), {"prefill": "1", "file": SimpleUploadedFile(name, content)})
    assert page.status_code == 200
    token = page.context["form"].initial["kept_file"]
    assert token and len(token) >= 40
    blob = KeptUpload.objects.get(token=token).blob
    assert blob.sha256 not in page.content.decode()  # the page never names the file by hash
    return str(token)


@pytest.fixture
def confidential_blob(other_clerk) -> Blob:
    """A confidential incoming document of Sở Nội vụ (agency B) with its attachment."""
    result = services.register_incoming(
        actor=other_clerk,
        document_type=doc_type("Công văn"),
        issuer_name="Ban Tổ chức Tỉnh ủy",
        code_number="9",
        code_notation="BTC-M",
        issued_date=timezone.localdate(),
        subject="Danh sách cán bộ dự kiến bổ nhiệm",
        confidentiality=Confidentiality.SECRET,
    )
    assert result.document is not None
    version = services.add_attachment(
        actor=other_clerk,
        document=result.document,
        upload=SimpleUploadedFile("mat.pdf", files.text_pdf(SECRET_TEXT)),
        name="mat.pdf",
    )
    return version.blob


def _own_blobs(agency: Any) -> set[int]:
    return set(
        AttachmentVersion.objects.filter(attachment__document__agency=agency).values_list(
            "blob_id", flat=True
        )
    )


def test_a_clerk_cannot_attach_another_agencys_file_by_its_hash(
    clerk, two_agencies, confidential_blob
) -> None:
    """The attack: the clerk of Sở Tư pháp (A) posts the SHA-256 of Sở Nội vụ's (B) confidential
    attachment, as the old hidden `stored_file` field and as the kept-file token."""
    client = _client(clerk)
    documents_before = Document.objects.filter(agency=two_agencies[0]).count()
    attack = _fields(stored_file=confidential_blob.sha256, stored_name="lay-duoc.pdf")
    attack["kept_file"] = confidential_blob.sha256
    response = client.post(reverse(URL), attack)

    assert response.status_code == 200  # refused: the form again, with the message at the file
    assert response.context["form"].has_error("file")
    assert Document.objects.filter(agency=two_agencies[0]).count() == documents_before
    assert confidential_blob.pk not in _own_blobs(two_agencies[0])
    assert SECRET_TEXT.encode() not in response.content
    assert not KeptUpload.objects.filter(user=clerk).exists()

    # The old field alone is no longer read: the document is registered without any file.
    response = client.post(reverse(URL), _fields(stored_file=confidential_blob.sha256))
    assert response.status_code == 302
    document = Document.objects.get(agency=two_agencies[0], code_number="77")
    assert not AttachmentVersion.objects.filter(attachment__document=document).exists()
    assert confidential_blob.pk not in _own_blobs(two_agencies[0])


def test_the_clerks_own_kept_file_is_attached_once(clerk, two_agencies) -> None:
    client = _client(clerk)
    token = _prefill(client, files.text_pdf("Công văn số 77/UBND-VX"))
    response = client.post(reverse(URL), _fields(kept_file=token))
    assert response.status_code == 302
    document = Document.objects.get(code_number="77")
    version = AttachmentVersion.objects.get(attachment__document=document)
    assert version.original_name == "cong-van.pdf" and version.uploaded_by == clerk
    assert not KeptUpload.objects.filter(token=token).exists()

    # The same token again (a replayed form): refused, nothing registered or attached.
    response = client.post(reverse(URL), _fields(kept_file=token, code_number="78"))
    assert response.status_code == 200 and response.context["form"].has_error("file")
    assert not Document.objects.filter(code_number="78").exists()
    assert AttachmentVersion.objects.count() == 1


def test_another_users_token_is_refused(clerk, two_agencies, user_factory) -> None:
    """Even a colleague clerk of the same agency cannot use the token of someone else's upload."""
    colleague = user_factory(two_agencies[0], [Role.CLERK], username="vanthu2.stp")
    token = _prefill(_client(clerk), files.text_pdf("Của văn thư thứ nhất"))

    response = _client(colleague).post(reverse(URL), _fields(kept_file=token))
    assert response.status_code == 200 and response.context["form"].has_error("file")
    assert not Document.objects.exists() and not AttachmentVersion.objects.exists()
    assert KeptUpload.objects.filter(token=token, user=clerk).exists()  # still the owner's
    with pytest.raises(ValidationError):
        services.attach_kept_upload(
            actor=colleague,
            document=services.register_incoming(
                actor=colleague, **_service_fields(code_number="79")
            ).document,  # type: ignore[arg-type]
            token=token,
        )


def test_an_expired_token_is_refused_and_forgotten(clerk, two_agencies) -> None:
    client = _client(clerk)
    token = _prefill(client, files.text_pdf("Hết hạn"))
    KeptUpload.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(reverse(URL), _fields(kept_file=token))
    assert response.status_code == 200 and response.context["form"].has_error("file")
    assert not Document.objects.exists()
    forget = periodic.registered()["documents.forget_expired_uploads"]  # run by the scheduler
    assert forget is services.forget_expired_uploads and forget() == 1
    assert not KeptUpload.objects.exists()


def test_a_file_chosen_with_an_invalid_form_is_kept_for_the_next_submission(
    clerk, two_agencies
) -> None:
    """The form shown again after an error keeps the file: the clerk need not choose it again."""
    client = _client(clerk)
    content = files.text_pdf("Công văn giữ lại sau lỗi")
    response = client.post(
        reverse(URL),
        {**_fields(subject=""), "file": SimpleUploadedFile("sau-loi.pdf", content)},
    )
    assert response.status_code == 200 and response.context["form"].has_error("subject")
    token = response.context["form"]["kept_file"].value()
    assert response.context["kept_name"] == "sau-loi.pdf"
    assert f'value="{token}"' in response.content.decode()

    response = client.post(reverse(URL), _fields(kept_file=token))
    assert response.status_code == 302
    version = AttachmentVersion.objects.get()
    with default_storage.open(version.blob.storage_name, "rb") as stored:
        assert stored.read() == content


def test_a_possible_duplicate_keeps_the_file_until_it_is_confirmed(
    clerk, two_agencies, register_incoming
) -> None:
    register_incoming(document_type=doc_type("Công văn"), code_number="77", code_notation="UBND-VX")
    client = _client(clerk)
    response = client.post(
        reverse(URL),
        {**_fields(), "file": SimpleUploadedFile("ban-sao.pdf", files.text_pdf("Trùng số"))},
    )
    assert response.status_code == 200 and response.context["duplicates"]
    token = response.context["form"]["kept_file"].value()

    response = client.post(reverse(URL), _fields(kept_file=token, accept_duplicate="on"))
    assert response.status_code == 302
    assert AttachmentVersion.objects.get().original_name == "ban-sao.pdf"


def _service_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "document_type": doc_type("Công văn"),
        "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
        "code_number": "80",
        "code_notation": "UBND-VX",
        "issued_date": timezone.localdate(),
        "subject": "Văn bản của văn thư thứ hai",
    }
    fields.update(overrides)
    return fields
