"""Documents of direction: a clerk publishes an issued outgoing document; the public sees it on
its agency's site with number, date, signer, subject and the signed PDF; nobody else can."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from lienthong.accounts.models import Agency, User
from lienthong.core.models import AuditEvent
from lienthong.documents import services as document_services
from lienthong.documents.constants import Confidentiality
from lienthong.documents.models import Document, DocumentType
from lienthong.portal import services
from lienthong.portal.models import (
    AgencyHomePage,
    DirectionIndexPage,
    PortalHomePage,
    PublishedDocument,
)

from .test_site import path


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _issued(clerk: User, confidentiality: int = Confidentiality.NONE) -> Document:
    document = document_services.record_outgoing(
        actor=clerk,
        document_type=DocumentType.objects.get(name="Quyết định"),
        subject="Về việc ban hành Kế hoạch ứng dụng CNTT năm 2013",
        signer_name="Võ Quốc Việt",
        signer_position="Giám đốc",
        confidentiality=confidentiality,
        recipient_agencies=[Agency.objects.get(code="000.00.00.H12")],
    )
    document_services.add_attachment(
        actor=clerk, document=document, upload=io.BytesIO(_pdf()), name="qd-ke-hoach.pdf"
    )
    return document_services.issue_outgoing(actor=clerk, document=document)


@pytest.fixture
def clerk(portal: PortalHomePage) -> User:
    return User.objects.get(username="vanthu.stttt")


def test_clerk_publishes_and_the_public_reads_and_downloads(
    portal: PortalHomePage, clerk: User
) -> None:
    document = _issued(clerk)
    client = Client()
    client.force_login(clerk)
    detail = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert 'data-testid="portal-publish"' in detail
    response = client.post(f"/cong/vb/{document.pk}/dang/")
    assert response.status_code == 302
    assert PublishedDocument.objects.live().filter(document=document).exists()
    assert AuditEvent.objects.filter(action="portal.document_published").exists()
    public = Client()
    shown = public.get(f"/cong/vb/{document.pk}/").content.decode()
    for text in (
        document.number_and_symbol.split("/")[0],
        f"{document.issued_date:%d/%m/%Y}",
        "Võ Quốc Việt",
    ):
        assert text in shown
    assert "Về việc ban hành Kế hoạch ứng dụng CNTT năm 2013" in shown
    pdf = public.get(f"/cong/vb/{document.pk}/tep/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    site = AgencyHomePage.objects.get(agency=clerk.agency)
    index = DirectionIndexPage.objects.child_of(site).get()
    assert document.subject in public.get(path(index)).content.decode()
    assert document.subject in public.get(path(site)).content.decode()
    assert document.subject not in public.get("/").content.decode()  # not the province's
    assert document.subject in public.get("/cong/rss/van-ban/").content.decode()
    # Withdrawn: gone from the public.
    client.post(f"/cong/vb/{document.pk}/go/")
    assert public.get(f"/cong/vb/{document.pk}/").status_code == 404
    assert public.get(f"/cong/vb/{document.pk}/tep/").status_code == 404


def test_only_the_agency_clerk_publishes_issued_public_documents(
    portal: PortalHomePage, clerk: User
) -> None:
    document = _issued(clerk)
    for username in ("chuyenvien.stttt", "vanthu.tpcamau", "bientap.stttt"):
        with pytest.raises(PermissionDenied):
            services.publish_document(actor=User.objects.get(username=username), document=document)
    secret = _issued(clerk, confidentiality=Confidentiality.CONFIDENTIAL)
    with pytest.raises(PermissionDenied):
        services.publish_document(actor=clerk, document=secret)
    services.publish_document(actor=clerk, document=document)
    with pytest.raises(ValidationError):
        services.publish_document(actor=clerk, document=document)
    # Another agency's clerk: the page answers 404, as for a document they cannot see.
    other = Client()
    other.force_login(User.objects.get(username="vanthu.tpcamau"))
    assert other.post(f"/cong/vb/{secret.pk}/dang/").status_code == 404
    # Never published: not on the portal.
    assert Client().get(f"/cong/vb/{secret.pk}/").status_code == 404
