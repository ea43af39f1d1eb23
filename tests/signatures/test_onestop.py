"""Digital signatures in the one-stop shop: the result of a dossier is signed by the competent
agency when the clerk issues it (checked independently with pyHanko), a wrong passphrase issues
nothing, and a signed paper a citizen files is verified in the background."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from lienthong.documents.models import Attachment, Document, DocumentType
from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier
from lienthong.signatures.constants import APPENDIX_FIELD, CredentialKind
from lienthong.signatures.models import PdfVerification
from tests.onestop.conftest import clock, filed_online, pdf_file, world  # noqa: F401

from . import pki as pki_module
from .conftest import PASS, put_on_file


def _processed(w: Any) -> Dossier:
    """A dossier received, examined at the unit and the other agency, approved by the leader:
    ready for the clerk to issue the result."""
    dossier = filed_online(w)
    services.submit_dossier(actor=w.citizen, dossier=dossier)
    services.receive_dossier(actor=w.counter, dossier=dossier)
    for order, leader, handler in [
        (2, w.bc_leader, w.bc_handler),
        (3, w.other_leader, w.other_handler),
    ]:
        step = dossier.steps.get(order=order)
        services.assign_handler(actor=leader, step=step, handler=handler)
        services.propose(actor=handler, step=step, text="Đủ điều kiện.")
        services.approve_step(actor=leader, step=step)
    services.approve_step(actor=w.leader, step=dossier.steps.get(order=4), note="Đồng ý")
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def sealed_agency(pki: Any, trusted: None, world: Any) -> Any:  # noqa: F811
    return put_on_file(
        pki, label="agency", kind=CredentialKind.AGENCY, agency=world.dept, image=b""
    )


def _issue(w: Any, dossier: Dossier, secret: str | None) -> Dossier:
    return services.issue_result(
        actor=w.clerk,
        dossier=dossier,
        document_type=DocumentType.objects.get(name="Quyết định"),
        upload=io.BytesIO(pki_module.decision_pdf()),
        file_name="giay-phep.pdf",
        signing_secret=secret,
    )


def test_the_result_is_signed_by_the_agency_when_issued(
    pki: Any,
    world: Any,  # noqa: F811
    sealed_agency: Any,
) -> None:
    dossier = _issue(world, _processed(world), PASS)
    assert dossier.status == DossierStatus.DONE
    attachment = Attachment.objects.get(document=dossier.result_document)
    assert attachment.current.version == 2  # the signed file is a new version of the upload
    with default_storage.open(attachment.current.blob.storage_name, "rb") as f:
        reader = PdfFileReader(io.BytesIO(f.read()))
    assert [s.field_name for s in reader.embedded_signatures] == [APPENDIX_FIELD]
    status = validate_pdf_signature(
        reader.embedded_signatures[0],
        ValidationContext(trust_roots=[pki.cert("root")], allow_fetching=True),
    )
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None  # B-T: the local TSA stamped it
    assert "Sở Tư pháp" in status.signing_cert.subject.human_friendly


def test_a_wrong_passphrase_issues_nothing(
    world: Any,  # noqa: F811
    sealed_agency: Any,
    db_snapshot: Any,
) -> None:
    dossier = _processed(world)
    before = db_snapshot()
    with pytest.raises(ValidationError):
        _issue(world, dossier, "sai-mật-khẩu")
    assert db_snapshot() == before
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING and dossier.result_document is None
    assert not Document.objects.filter(agency=world.dept, direction="outgoing").exists()


def test_a_signed_paper_filed_by_a_citizen_is_checked_in_the_background(
    pki: Any,
    world: Any,  # noqa: F811
    trusted: None,
    run_tasks: Any,
) -> None:
    from lienthong.signatures import services as signatures

    put_on_file(
        pki,
        label="director",
        kind=CredentialKind.PERSONAL,
        agency=world.dept,
        user=world.leader,
        image=pki_module.signature_png(),
    )
    signed = signatures.sign_personal(
        actor=world.leader, data=pki_module.decision_pdf(), secret=PASS
    )
    dossier = services.create_dossier(actor=world.citizen, procedure=world.procedure)
    component = services.add_component(
        actor=world.citizen,
        dossier=dossier,
        upload=io.BytesIO(signed),
        name="ban-sao-chung-thuc.pdf",
        procedure_component=world.components[1],
    )
    services.add_component(
        actor=world.citizen,
        dossier=dossier,
        upload=pdf_file("Đơn"),
        name="don.pdf",
        procedure_component=world.components[0],
    )
    run_tasks()
    check = PdfVerification.objects.get(blob=component.blob)
    assert check.status == "valid" and check.signature_count == 1
    unsigned = PdfVerification.objects.exclude(blob=component.blob).get()
    assert unsigned.status == "unsigned"
