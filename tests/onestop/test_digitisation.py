"""Digitisation at the counter (Decree 107/2021/NĐ-CP, Circular 01/2023/TT-VPCP): papers handed
in on paper are scanned at 200 dpi or more, kept as digitised copies with who and when, and
offered again in the same applicant's later dossiers; the issued result is kept digitised; the
dossier follows the one-stop rules in force on the day it was received; Mẫu 01 keeps to one
page however many papers it lists."""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from lienthong.catalogue.models import ProcedureComponent, ResultKind
from lienthong.core.models import AuditEvent
from lienthong.documents.models import DocumentType
from lienthong.onestop import printouts, services
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import DigitisedPaper, Dossier, DossierComponent
from lienthong.onestop.scans import image_dpi, pdf_dpi
from tests.documents.files import scan_image, scanned_pdf, text_pdf
from tests.onestop.conftest import CITIZEN, pdf_file

pytestmark = pytest.mark.django_db


def low_res_png() -> bytes:
    """A photo of a page at 72 dpi: 600 by 800 pixels."""
    out = io.BytesIO()
    Image.new("L", (600, 800), 255).save(out, "PNG", dpi=(72, 72))
    return out.getvalue()


def low_res_pdf() -> bytes:
    """A scanned A4 page at about 60 dpi: an image and no text."""
    out = io.BytesIO()
    Image.new("L", (496, 701), 255).save(out, "PDF", resolution=60.0)
    return out.getvalue()


def at_counter(world, papers, *, reused=None, key=None) -> Dossier:
    return services.file_dossier(
        actor=world.counter,
        procedure=world.procedure,
        idempotency_key=key,
        applicant=CITIZEN,
        papers=papers,
        reused=reused,
    )


def test_resolution_is_measured_from_header_pixels_and_pdf_pages() -> None:
    assert image_dpi(scan_image("Đơn")) == 300
    assert image_dpi(low_res_png()) == 72
    assert pdf_dpi(scanned_pdf("Đơn")) == 300
    assert pdf_dpi(low_res_pdf()) == 60
    assert pdf_dpi(text_pdf("Đơn đề nghị")) is None  # born digital: not a scan


def test_low_resolution_scans_are_refused_and_nothing_is_kept(world, clock) -> None:
    first = world.components[0]
    for content, name in [(low_res_png(), "don.png"), (low_res_pdf(), "don.pdf")]:
        with pytest.raises(ValidationError) as caught:
            at_counter(world, [services.Paper(io.BytesIO(content), name, first)])
        assert caught.value.code == "low_resolution"
        message = " ".join(caught.value.messages)
        assert name in message and "200 dpi" in message
    assert not Dossier.objects.exists() and not DigitisedPaper.objects.exists()
    # The message the counter reads is Vietnamese.
    counter = Client()
    counter.force_login(world.counter)
    page = counter.get(reverse("onestop:intake"), {"procedure": world.procedure.pk})
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page.content.decode()).group(1)
    answer = counter.post(
        reverse("onestop:intake"),
        {
            "procedure": world.procedure.pk,
            "token": token,
            "kind": "citizen",
            "name": CITIZEN.name,
            "id_number": CITIZEN.id_number,
            "phone": CITIZEN.phone,
            "copies": "1",
            f"component_{first.pk}": SimpleUploadedFile("don.png", low_res_png()),
        },
    )
    assert answer.status_code == 200
    assert "tối thiểu 200 dpi" in answer.content.decode()
    assert not Dossier.objects.exists()


def test_counter_scans_are_digitised_and_reused_in_the_applicants_later_dossier(
    world, clock
) -> None:
    first, second = world.components[:2]
    dossier = at_counter(
        world,
        [
            services.Paper(io.BytesIO(scan_image("Đơn đề nghị")), "don.png", first),
            services.Paper(io.BytesIO(scanned_pdf("Giấy chứng nhận")), "gcn.pdf", second),
        ],
    )
    components = list(dossier.components.select_related("digitised").order_by("id"))
    assert all(c.digitised is not None for c in components)
    kept = components[1].digitised
    assert (kept.digitised_by, kept.digitised_at, kept.dpi) == (
        world.counter,
        clock.now,
        300,
    )
    assert kept.applicant_id_number == CITIZEN.id_number and kept.agency == world.dept
    assert not components[1].is_reused
    assert AuditEvent.objects.filter(action="dossier.paper_digitised").count() == 2
    # An on-line upload is the applicant's own electronic file, not a digitised paper.
    online = services.create_dossier(actor=world.citizen, procedure=world.procedure)
    uploaded = services.add_component(
        actor=world.citizen,
        dossier=online,
        upload=pdf_file("Đơn"),
        name="don.pdf",
        procedure_component=first,
    )
    assert uploaded.digitised is None

    # A later dossier of the same applicant: the counter page offers the earlier copy.
    clock.set(2026, 11, 30, 9, 0)
    counter = Client()
    counter.force_login(world.counter)
    page = counter.get(
        reverse("onestop:intake"),
        {"procedure": world.procedure.pk, "id_number": CITIZEN.id_number},
    ).content.decode()
    assert f'name="reuse_{second.pk}"' in page and "gcn.pdf" in page
    assert dossier.code in page
    stranger = counter.get(
        reverse("onestop:intake"), {"procedure": world.procedure.pk, "id_number": "079000000001"}
    ).content.decode()
    assert "gcn.pdf" not in stranger and f'name="reuse_{second.pk}"' not in stranger
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page).group(1)
    answer = counter.post(
        reverse("onestop:intake"),
        {
            "procedure": world.procedure.pk,
            "token": token,
            "kind": "citizen",
            "name": CITIZEN.name,
            "id_number": CITIZEN.id_number,
            "phone": CITIZEN.phone,
            "copies": "1",
            f"component_{first.pk}": SimpleUploadedFile("don2.png", scan_image("Đơn mới")),
            f"reuse_{second.pk}": str(kept.pk),
        },
    )
    assert answer.status_code == 302
    later = Dossier.objects.exclude(pk__in=[dossier.pk, online.pk]).get()
    reused = later.components.get(procedure_component=second)
    assert reused.digitised == kept and reused.blob == kept.blob and reused.is_reused
    assert services.missing_components(later) == []
    assert AuditEvent.objects.filter(action="dossier.paper_reused").count() == 1
    shown = counter.get(reverse("onestop:dossier", args=[later.pk])).content.decode()
    assert "Đã số hoá" in shown and f"tái sử dụng từ hồ sơ {dossier.code}" in shown

    # Only the same applicant's papers, of the same kind, by the agency that holds them.
    third = at_counter(world, [], key=None)
    other_applicant = services.file_dossier(
        actor=world.counter,
        procedure=world.procedure,
        idempotency_key=None,
        applicant=services.Applicant(
            kind="citizen", name="Lê Văn Bình", id_number="096188000999", phone="0913000999"
        ),
        papers=[],
    )
    with pytest.raises(ValidationError):
        services.reuse_digitised_paper(
            actor=world.counter, dossier=other_applicant, paper=kept, procedure_component=second
        )
    with pytest.raises(ValidationError):  # a certificate is not an application form
        services.reuse_digitised_paper(
            actor=world.counter, dossier=third, paper=kept, procedure_component=first
        )
    with pytest.raises(PermissionDenied):
        services.reuse_digitised_paper(
            actor=world.outsider, dossier=third, paper=kept, procedure_component=second
        )
    assert not DossierComponent.objects.filter(dossier__in=[third, other_applicant]).exists()


def _walk_to_result(world, clock, dossier: Dossier) -> None:
    services.receive_dossier(actor=world.counter, dossier=dossier)
    bc_step, other_step, approval = (dossier.steps.get(order=n) for n in (2, 3, 4))
    services.assign_handler(actor=world.bc_leader, step=bc_step, handler=world.bc_handler)
    services.propose(actor=world.bc_handler, step=bc_step, text="Đủ điều kiện.")
    services.approve_step(actor=world.bc_leader, step=bc_step)
    services.assign_handler(actor=world.other_leader, step=other_step, handler=world.other_handler)
    services.propose(actor=world.other_handler, step=other_step, text="Khớp.")
    services.approve_step(actor=world.other_leader, step=other_step)
    services.approve_step(actor=world.leader, step=approval, note="Đồng ý")


def test_the_result_is_registered_under_its_kind_and_kept_digitised(world, clock) -> None:
    world.procedure.result_kind = ResultKind.objects.get(name="Giấy phép")
    world.procedure.save()
    first, second = world.components[:2]
    dossier = at_counter(
        world,
        [
            services.Paper(pdf_file("Đơn"), "don.pdf", first),
            services.Paper(pdf_file("GCN"), "gcn.pdf", second),
        ],
    )
    _walk_to_result(world, clock, dossier)
    services.issue_result(
        actor=world.clerk,
        dossier=dossier,
        upload=pdf_file("Giấy phép bưu chính"),
        file_name="giay-phep.pdf",
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DONE
    result = dossier.result_document
    assert result.document_type.name == "Giấy phép"
    assert result.number_and_symbol.endswith("/GP-STTTT")
    kept = DigitisedPaper.objects.get(dossier=dossier, is_result=True)
    assert kept.blob == result.attachments.get().versions.order_by("-id").first().blob
    assert (kept.digitised_by, kept.applicant_id_number) == (world.clerk, CITIZEN.id_number)
    assert AuditEvent.objects.filter(action="dossier.result_digitised").count() == 1
    assert not DocumentType.objects.filter(name="Quyết định", abbreviation="GP").exists()


def test_a_dossier_follows_the_rules_in_force_on_the_day_it_is_received(world, clock) -> None:
    first, second = world.components[:2]
    clock.set(2025, 6, 30, 9, 0)  # under Decree 61/2018 when created
    online = services.create_dossier(actor=world.citizen, procedure=world.procedure)
    for component in (first, second):
        services.add_component(
            actor=world.citizen,
            dossier=online,
            upload=pdf_file(component.name),
            name="x.pdf",
            procedure_component=component,
        )
    services.submit_dossier(actor=world.citizen, dossier=online)
    older = at_counter(
        world,
        [
            services.Paper(pdf_file("Đơn"), "don.pdf", first),
            services.Paper(pdf_file("GCN"), "gcn.pdf", second),
        ],
    )
    clock.set(2025, 6, 30, 10, 0)
    services.receive_dossier(actor=world.counter, dossier=older)
    older = Dossier.objects.get(pk=older.pk)
    assert older.rules_version == "2018"
    text = PdfReader(io.BytesIO(printouts.render(older, "05"))).pages[0].extract_text()
    assert "Mẫu số 05" in text and "01/2018/TT-VPCP" in text

    online.refresh_from_db()
    assert online.rules_version == "2018"
    clock.set(2025, 7, 1, 9, 0)  # received the day Decree 118/2025 takes effect
    services.receive_dossier(actor=world.counter, dossier=online)
    online = Dossier.objects.get(pk=online.pk)
    assert online.rules_version == "2025"
    text = PdfReader(io.BytesIO(printouts.render(online, "05"))).pages[0].extract_text()
    assert "Mẫu số 06" in text and "03/2025/TT-VPCP" in text  # the 2025 control sheet
    older = Dossier.objects.get(pk=older.pk)
    assert older.rules_version == "2018"  # kept: a new set does not rewrite older dossiers

    # The supplement window is the set's: shortened in the data, it binds this dossier.
    rules = older.rules
    rules.supplement_days = 1
    rules.save()
    clock.set(2025, 7, 3, 10, 0)  # more than one working day after reception
    older = Dossier.objects.get(pk=older.pk)
    step = older.steps.get(order=2)
    services.assign_handler(actor=world.bc_leader, step=step, handler=world.bc_handler)
    with pytest.raises(ValidationError, match="1 ngày làm việc"):
        services.request_supplement(actor=world.bc_handler, dossier=older, items="Bản đồ")


def test_form_01_fits_one_page_with_many_papers(world, clock, tmp_path: Path) -> None:
    procedure = world.procedure
    procedure.fee_vnd = 500_000
    procedure.save()
    for order in range(4, 26):
        ProcedureComponent.objects.create(
            procedure=procedure,
            order=order,
            name=f"Giấy tờ kèm theo số {order}: bản sao giấy chứng nhận, văn bản xác nhận",
            required=False,
        )
    content = text_pdf("Giấy tờ")  # one file for every paper: the form lists names, not files
    papers = [
        services.Paper(io.BytesIO(content), f"{c.order}.pdf", c)
        for c in procedure.components.order_by("order")
    ]
    dossier = at_counter(world, papers)
    services.receive_dossier(actor=world.counter, dossier=dossier)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.components.count() == 25
    pdf = printouts.render(dossier, "01")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "số 25" in text and dossier.received_by.full_name in text
    assert "phí, lệ phí: 500.000 đ" in text
    # The page as printed (pdftoppm), kept for a look when the test runs by hand.
    (tmp_path / "mau-01.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "mau-01.pdf"), str(tmp_path / "mau-01")],
        check=True,
    )
    assert len(list(tmp_path.glob("mau-01*.png"))) == 1
    assert Decimal(str(reader.pages[0].mediabox.width)).quantize(Decimal(1)) == 420  # A5
