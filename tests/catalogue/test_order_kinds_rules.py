"""Procedure lists in Vietnamese order on the database in use (SQLite or PostgreSQL), fees as
“500.000 đ”, result kinds as catalogue data, and the one-stop rules by effective date."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from lienthong.accounts.models import Agency
from lienthong.catalogue import services
from lienthong.catalogue.models import OneStopRules, Procedure, ResultKind

pytestmark = pytest.mark.django_db

NAMES = [
    "Đăng ký tạm trú",
    "Chứng thực bản sao từ bản chính",
    "Duyệt nội dung bản tin",
    "Cho phép họp báo",
    "Cấp giấy phép in",
    "Ấn hành bản tin",
    "An toàn thông tin",
]
VIETNAMESE_ORDER = [
    "An toàn thông tin",
    "Ấn hành bản tin",
    "Cấp giấy phép in",
    "Cho phép họp báo",
    "Chứng thực bản sao từ bản chính",
    "Duyệt nội dung bản tin",
    "Đăng ký tạm trú",
]


def test_procedure_lists_sort_in_vietnamese_order_in_the_database(
    make_procedure: Callable[..., Procedure], justice: Agency, client: Client
) -> None:
    for name in NAMES:
        make_procedure(justice, name=name, fee_vnd=500_000)
    # The database orders the key itself (SQLite here, PostgreSQL under ./scripts/test).
    in_db = list(Procedure.objects.order_by("name_sort").values_list("name", flat=True))
    assert in_db == VIETNAMESE_ORDER, connection.vendor
    # Code points would put Ấ after every ASCII letter and Đ after Z.
    assert sorted(NAMES) != VIETNAMESE_ORDER
    assert list(Procedure.objects.values_list("name", flat=True)) == VIETNAMESE_ORDER  # Meta

    html = client.get(reverse("catalogue:home")).content.decode()
    positions = [html.index(name) for name in VIETNAMESE_ORDER]
    assert positions == sorted(positions)
    assert html.count("500.000 đ") == len(NAMES)
    # A search keeps the Vietnamese order among equally good matches.
    html = client.get(reverse("catalogue:home"), {"q": "ban"}).content.decode()
    found = [n for n in VIETNAMESE_ORDER if n in html]
    assert [html.index(n) for n in found] == sorted(html.index(n) for n in found)
    assert len(found) >= 3

    page = client.get(Procedure.objects.get(name="Cấp giấy phép in").get_absolute_url())
    assert "500.000 đ" in page.content.decode()
    # The rules a dossier filed today would follow (the test clock is after 1/7/2025).
    assert "Nghị định 118/2025/NĐ-CP, Thông tư 03/2025/TT-VPCP" in page.content.decode()


def test_a_procedure_gets_its_result_kind_from_data(
    make_procedure: Callable[..., Procedure], justice: Agency
) -> None:
    kinds = dict(ResultKind.objects.values_list("name", "abbreviation"))
    for name in ["Giấy phép", "Giấy chứng nhận", "Giấy xác nhận", "Văn bản chấp thuận"]:
        assert name in kinds
    licence = make_procedure(justice, result_name="Giấy phép hoạt động in")
    certificate = make_procedure(justice, result_name="Giấy chứng nhận đăng ký hoạt động in")
    record = make_procedure(justice, result_name="Phiếu lý lịch tư pháp")
    assert licence.result_kind is not None and licence.result_kind.name == "Giấy phép"
    assert certificate.result_kind is not None
    assert certificate.result_kind.name == "Giấy chứng nhận"
    assert record.result_kind is None  # no kind starts its name: none is invented
    approval = ResultKind.objects.get(name="Văn bản chấp thuận")
    chosen = make_procedure(justice, result_name="Chấp thuận đặt trạm", result_kind=approval)
    assert chosen.result_kind == approval  # an explicit kind wins over the name

    # A result is registered under its kind's own document type, with the kind's abbreviation.
    document_type = services.result_document_type(licence.result_kind)
    assert (document_type.name, document_type.abbreviation) == ("Giấy phép", "GP")
    assert services.result_document_type(licence.result_kind) == document_type  # once


def test_the_rules_in_force_are_chosen_by_date_and_older_sets_are_kept() -> None:
    rules = list(OneStopRules.objects.order_by("effective_from"))
    assert [(r.code, r.effective_from) for r in rules] == [
        ("2018", date(2018, 6, 21)),
        ("2025", date(2025, 7, 1)),
    ]
    old, new = rules
    assert "61/2018" in old.decree and "01/2018" in old.circular
    assert "118/2025" in new.decree and "03/2025" in new.circular
    in_force = OneStopRules.objects.in_force_on
    assert in_force(date(2012, 3, 15)) == old  # the 2012-era demo: the earliest set
    assert in_force(date(2018, 6, 21)) == old
    assert in_force(date(2025, 6, 30)) == old
    assert in_force(date(2025, 7, 1)) == new
    assert in_force(date(2030, 1, 1)) == new
    # The form sets differ: 2025 adds the notice of stopped processing and renumbers.
    assert (old.form_number("control"), new.form_number("control")) == ("05", "06")
    assert (old.form_number("book"), new.form_number("book")) == ("06", "07")
    assert "stop" in new.forms and "stop" not in old.forms
    assert re.search("XIN LỖI", old.form_title("apology"))
    assert "GIA HẠN" in new.form_title("apology") and "GIA HẠN" not in old.form_title("apology")


def test_result_kinds_are_edited_by_system_administrators_and_rules_are_read_only(
    sysadmin, justice_admin
) -> None:
    from lienthong.core.models import AuditEvent

    admin = Client()
    admin.force_login(sysadmin)
    answer = admin.post(
        "/quan-tri/catalogue/resultkind/add/",
        {
            "name": "Giấy chứng nhận đủ điều kiện",
            "abbreviation": "GCNĐĐK",
            "ordinal": 9,
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    kind = ResultKind.objects.get(name="Giấy chứng nhận đủ điều kiện")
    assert AuditEvent.objects.filter(action="catalogue.result_kind_saved").count() == 1
    agency_admin = Client()
    agency_admin.force_login(justice_admin)
    refused = agency_admin.post(
        f"/quan-tri/catalogue/resultkind/{kind.pk}/change/",
        {"name": "Khác", "abbreviation": "", "ordinal": 1, "is_active": "on"},
    )
    assert refused.status_code == 403
    kind.refresh_from_db()
    assert kind.name == "Giấy chứng nhận đủ điều kiện"
    rules = OneStopRules.objects.get(code="2018")
    before = rules.forms
    page = admin.post(
        f"/quan-tri/catalogue/onestoprules/{rules.pk}/change/",
        {"code": "2018", "decree": "x", "supplement_days": 9},
    )
    assert page.status_code == 403
    rules.refresh_from_db()
    assert (rules.decree, rules.supplement_days, rules.forms) == (
        "Nghị định 61/2018/NĐ-CP",
        3,
        before,
    )
