"""The national public-service portal in a real browser: the counter pulls a dossier filed on
the portal (its simulator) into the queue, sees the portal's tracking code beside ours and the
procedure's national code, receives it, and after the job ran sees the status acknowledged on
the dossier page and on the sync page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from lienthong.catalogue.models import ProcedureComponent
from lienthong.onestop.models import Dossier
from tests.dvcqg.conftest import CODE, portal  # noqa: F401  (fixture)
from tests.dvcqg.test_pull import file_on_portal
from tests.e2e.test_onestop_flow import sign_in
from tests.onestop.conftest import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_counter_pulls_a_national_dossier_and_follows_its_sync(
    live_server: Any,
    world: Any,  # noqa: F811
    portal: Any,  # noqa: F811
    run_tasks: Any,
    browser: Browser,
) -> None:
    # The portal's papers are not fetched (docs/dvcqg.md): the counter receives without them.
    ProcedureComponent.objects.filter(procedure=world.procedure).update(required=False)
    tracking = file_on_portal(portal, world.dept.code)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, world.counter.username)
    page.goto(f"{base}/mot-cua/")
    page.get_by_test_id("dvcqg-pull").click()
    expect(page.locator("body")).to_contain_text("Đã lấy 1 hồ sơ từ Cổng DVCQG")
    dossier = Dossier.objects.get(dvcqg_link__tracking_code=tracking)
    queue = page.get_by_test_id("counter-queue")
    expect(queue).to_contain_text(dossier.code or "")
    queue.get_by_role("link", name=dossier.code or "").click()
    expect(page.get_by_test_id("dvcqg-tracking")).to_have_text(tracking)
    expect(page.get_by_test_id("dvcqg-procedure-code")).to_have_text(CODE)
    page.get_by_test_id("receive").click()
    run_tasks()  # the worker sends the pushes to the portal
    page.reload()
    expect(page.get_by_test_id("dvcqg-sync")).to_contain_text("trạng thái 2: Đã được xác nhận")
    assert portal.statuses(world.dept.code, tracking) == [1, 2]
    page.get_by_role("link", name="Đồng bộ Cổng DVCQG").click()
    rows = page.get_by_test_id("pushes")
    # Statuses 1 and 2, and the progress of the reception (received, handed over).
    expect(rows.get_by_test_id("push-acknowledged")).to_have_count(4)
    expect(rows).to_contain_text("Được tiếp nhận")
    expect(rows.get_by_test_id("push-kind").filter(has_text="Tiến độ")).to_have_count(2)
    assert errors == []
    context.close()
