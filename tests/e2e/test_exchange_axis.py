"""The sending side of the national document axis in real headless Chromium: Sở Tư pháp's clerk
opens an issued document's axis page, sends it to a ministry picked from the axis directory, and
follows the ministry's statuses per recipient (received, registered, completed, and a late
"assigned" that changes nothing), then downloads the package kept as evidence."""

import re

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.constants import DEMO_PASSWORD, Role
from lienthong.documents.models import DocumentType
from lienthong.exchange import axis_services, edxml
from lienthong.exchange.models import AxisPackage
from tests.conftest import run_queued_jobs
from tests.documents.conftest import unit as unit
from tests.e2e.test_sign_in_flow import sign_in
from tests.exchange.axis_fixtures import MINISTRY_SECRET, PROVINCE_SECRET, client, running_axis
from tests.exchange.pki import make_pki, pkcs12_file
from tests.exchange.test_axis_flow import status_from_ministry
from tests.exchange.test_delivery import issue

pytestmark = pytest.mark.django_db(transaction=True)
OFFICE = edxml.Organ("000.00.01.G01", "Văn phòng Bộ Thử nghiệm")


def test_clerk_sends_over_the_axis_and_follows_statuses_per_recipient(
    live_server, page: Page, tmp_path, settings, two_agencies, unit, user_factory
) -> None:
    for name in ("Công văn",):
        DocumentType.objects.get_or_create(name=name, defaults={"abbreviation": "CV"})
    clerk = user_factory(
        two_agencies[0], [Role.CLERK], unit=unit, username="vanthu.stp", password=DEMO_PASSWORD
    )
    outgoing = issue(clerk, unit, [two_agencies[1]], subject="V/v phối hợp triển khai liên thông")
    codes = [(a.code, a.name) for a in two_agencies]
    with running_axis(tmp_path / "axis.sqlite3", codes) as axis:
        settings.LIENTHONG_AXIS_ENDPOINT = axis.url
        settings.LIENTHONG_AXIS_SYSTEM_ID = "camau"
        settings.LIENTHONG_AXIS_SECRET = PROVINCE_SECRET
        settings.LIENTHONG_AXIS_SIGNING_PKCS12 = pkcs12_file(tmp_path / "axis.p12", make_pki())
        settings.LIENTHONG_AXIS_SIGNING_PASSPHRASE = "test-only"
        base = live_server.url
        sign_in(page, base, "vanthu.stp")
        expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))
        # The directory, refreshed from the axis through the menu.
        page.get_by_role("link", name="Trục liên thông").click()
        page.get_by_role("button", name="Đồng bộ với trục").click()
        expect(page.get_by_test_id("axis-directory")).to_contain_text("Văn phòng Bộ Thử nghiệm")
        expect(page.get_by_test_id("axis-directory")).not_to_contain_text("Sở Tư pháp")
        # From the document to its axis page; send to the ministry's office.
        page.goto(f"{base}/van-ban/{outgoing.pk}/")
        page.get_by_test_id("axis-link").click()
        page.locator("#id_agencies").select_option(label="Văn phòng Bộ Thử nghiệm (000.00.01.G01)")
        page.get_by_role("button", name="Gửi qua trục").click()
        expect(page.locator(".messages, [role=status]").first).to_contain_text("1 gói tin")
        row = page.get_by_test_id("axis-delivery")
        expect(row.get_by_test_id("axis-transport")).to_have_text("Đang chờ gửi")

        # The sending job (the other apps' text extraction is not this test's).
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exclude(task_path__startswith="lienthong.exchange.").delete()
        run_queued_jobs()
        ministry = client(axis.url, "botn", MINISTRY_SECRET)
        [waiting] = ministry.waiting("edoc")
        ministry.fetch(waiting)
        ministry.acknowledge(waiting)
        for code in ("01", "03", "06", "04"):
            ministry.send(
                status_from_ministry(outgoing, code, f"Trạng thái {code}", sender=OFFICE),
                sender_code=OFFICE.organ_id,
                message_type="status",
            )
        assert axis_services.poll()["status"] == 4

        page.reload()
        expect(row.get_by_test_id("axis-transport")).to_have_text("Trục đã nhận")
        expect(row.get_by_test_id("axis-status")).to_have_text(re.compile("Hoàn thành"))
        expect(row.locator("ol li")).to_have_count(4)
        expect(row.locator("ol li").nth(3)).to_contain_text("04 — Trạng thái 04")
        packages = page.get_by_test_id("axis-packages")
        expect(packages.locator("tbody tr")).to_have_count(5)  # 1 sent + 4 statuses received
        sent = AxisPackage.objects.get(direction="sent", kind="message")
        answer = page.request.get(
            f"{base}/lien-thong/truc/van-ban/{outgoing.pk}/goi-tin/?id={sent.pk}"
        )
        assert answer.status == 200 and answer.body() == bytes(sent.raw)
        assert page.console_errors == []  # type: ignore[attr-defined]
