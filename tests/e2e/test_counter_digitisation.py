"""Digitisation at the counter in a real browser: the officer scans the papers of a paper
dossier (a scan under 200 dpi is refused), they are marked “Đã số hoá”; the applicant's next
dossier attaches the earlier copy without scanning; the public catalogue lists procedures in
Vietnamese order with fees as “500.000 đ”."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, expect

from lienthong.catalogue.models import Procedure
from lienthong.onestop.models import DigitisedPaper, Dossier
from tests.documents.files import scan_image
from tests.e2e.test_onestop_flow import sign_in
from tests.onestop.conftest import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def png(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": data}


def test_counter_digitises_reuses_and_the_catalogue_reads_vietnamese(
    live_server,
    world,  # noqa: F811
    browser: Browser,
) -> None:
    procedure = world.procedure
    procedure.fee_vnd = 500_000
    procedure.refresh_search_text()
    procedure.save()
    for code, name in [
        ("T-CMU-BC-02", "Đăng ký hoạt động bưu chính"),
        ("T-CMU-BC-03", "Cho phép họp báo"),
        ("T-CMU-BC-04", "Chứng thực chữ ký"),
    ]:
        other = Procedure(
            national_code=code,
            name=name,
            sector=procedure.sector,
            agency=procedure.agency,
            level_2011=2,
            legal_basis="Luật",
            processing_days=Decimal("5"),
            result_name="Giấy xác nhận",
            is_published=True,
        )
        other.refresh_search_text()
        other.save()
    first, second = world.components[:2]
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    sign_in(page, base, world.counter.username)

    intake_path = reverse("onestop:intake")
    form = page.get_by_test_id("intake-form")

    def open_intake(id_number: str = "") -> None:
        page.goto(f"{base}{intake_path}")
        page.locator("#procedure").select_option(str(procedure.pk))
        page.locator("#lookup-id").fill(id_number)
        page.locator("form.inline-form button[type=submit]").click()
        form.locator("[name=kind]").select_option("citizen")
        form.locator("[name=name]").fill("Trần Thị Mai")
        form.locator("[name=id_number]").fill("096188000123")
        form.locator("[name=phone]").fill("0913123456")

    # A photo at 72 dpi is refused with a clear message; nothing is created.
    open_intake()
    low = io.BytesIO()
    Image.new("L", (600, 800), 255).save(low, "PNG", dpi=(72, 72))
    form.locator(f"[name=component_{first.pk}]").set_input_files(png("anh.png", low.getvalue()))
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("tối thiểu 200 dpi")
    assert not Dossier.objects.exists()

    # Scanned at 300 dpi: the dossier is created, both papers marked “Đã số hoá”.
    open_intake()
    form.locator(f"[name=component_{first.pk}]").set_input_files(png("don.png", scan_image("Đơn")))
    form.locator(f"[name=component_{second.pk}]").set_input_files(png("gcn.png", scan_image("GCN")))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("components")).to_contain_text("gcn.png")
    expect(page.get_by_test_id("digitised")).to_have_count(2)
    expect(page.get_by_test_id("digitised").first).to_have_text("Đã số hoá")
    earlier = Dossier.objects.get()
    kept = DigitisedPaper.objects.get(dossier=earlier, name=second.name)

    # The next dossier of the same applicant: the earlier copy is offered and attached.
    open_intake("096188000123")
    offer = form.locator(f"input[name=reuse_{second.pk}][value='{kept.pk}']")
    expect(offer).to_have_count(1)
    expect(form).to_contain_text(earlier.code)
    offer.check()
    form.locator(f"[name=component_{first.pk}]").set_input_files(
        png("don2.png", scan_image("Đơn 2"))
    )
    form.locator("button[type=submit]").click()
    papers = page.get_by_test_id("components")
    expect(papers).to_contain_text(f"tái sử dụng từ hồ sơ {earlier.code}")
    later = Dossier.objects.exclude(pk=earlier.pk).get()
    assert later.components.get(procedure_component=second).blob_id == kept.blob_id

    # The public catalogue: Vietnamese order (Cấp, Cho, Chứng, Đăng) and “500.000 đ”.
    page.goto(f"{base}{reverse('catalogue:home')}")
    listing = page.locator("main").inner_text()
    names = [procedure.name, "Cho phép họp báo", "Chứng thực chữ ký", "Đăng ký hoạt động bưu chính"]
    positions = [listing.index(n) for n in names]
    assert positions == sorted(positions), listing
    assert re.search(r"500\.000 đ", listing)
    context.close()
