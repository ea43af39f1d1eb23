"""Editing procedures in the Django admin: scoped to the editor's agency, written through the
services (validated, audited), forms uploaded through the platform's upload checks."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lienthong.accounts.models import Agency, User
from lienthong.catalogue.blank_forms import form_docx
from lienthong.catalogue.models import Procedure, Sector
from lienthong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ADD = "/quan-tri/catalogue/procedure/add/"


def _post_data(
    agency: Agency, sector: Sector, *, days: str, step_days: list[str]
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "national_code": "T-CMU-555001-TT",
        "name": "Cấp giấy phép hoạt động in",
        "sector": sector.pk,
        "agency": agency.pk,
        "government_level": "province",
        "level_2011": 3,
        "level_2022": "",
        "legal_basis": "Nghị định số 105/2007/NĐ-CP",
        "fee_vnd": 0,
        "processing_days": days,
        "result_name": "Giấy phép",
        "is_published": "on",
        "forms-TOTAL_FORMS": 1,
        "forms-INITIAL_FORMS": 0,
        "forms-0-ordinal": 0,
        "forms-0-code": "Mẫu 01",
        "forms-0-name": "Đơn đề nghị",
        "components-TOTAL_FORMS": 1,
        "components-INITIAL_FORMS": 0,
        "components-0-order": 1,
        "components-0-name": "Đơn đề nghị",
        "components-0-copy_kind": "original",
        "components-0-quantity": 1,
        "components-0-required": "on",
        "steps-TOTAL_FORMS": len(step_days),
        "steps-INITIAL_FORMS": 0,
    }
    for index, value in enumerate(step_days):
        data |= {
            f"steps-{index}-order": index + 1,
            f"steps-{index}-name": f"Bước {index + 1}",
            f"steps-{index}-agency": agency.pk,
            f"steps-{index}-role": "processing",
            f"steps-{index}-days": value,
        }
    return data


def _upload() -> io.BytesIO:
    content = io.BytesIO(
        form_docx(code="Mẫu 01", title="Đơn đề nghị", addressee="Sở", lines=["Tên"])
    )
    content.name = "don-de-nghi.docx"
    return content


def test_agency_admin_adds_a_procedure_with_form_components_and_steps(
    client: Client, justice: Agency, sector: Sector, justice_admin: User
) -> None:
    client.force_login(justice_admin)
    assert client.get(ADD).status_code == 200
    data = _post_data(justice, sector, days="10", step_days=["1", "8", "1"])
    data["forms-0-upload"] = _upload()
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[-3000:]

    procedure = Procedure.objects.get(national_code="T-CMU-555001-TT")
    assert procedure.is_published
    assert procedure.steps.count() == 3 and procedure.components.count() == 1
    assert procedure.forms.get().file_name == "don-de-nghi.docx"
    actions = set(AuditEvent.objects.for_object(procedure).values_list("action", flat=True))
    assert {"catalogue.procedure_created", "catalogue.form_added"} <= actions


def test_admin_shows_steps_not_adding_up_and_writes_nothing(
    client: Client,
    justice: Agency,
    sector: Sector,
    justice_admin: User,
    db_snapshot: Callable[[], dict[str, int]],
) -> None:
    client.force_login(justice_admin)
    before = db_snapshot()
    data = _post_data(justice, sector, days="10", step_days=["1", "5", "1"])
    data["forms-0-upload"] = _upload()
    response = client.post(ADD, data)
    assert response.status_code == 200
    errors = " ".join(str(error) for error in response.context["errors"])
    assert " 7 " in errors and " 10 " in errors  # the steps' total and the processing time
    assert db_snapshot() == before


def test_admin_refuses_a_fake_form_file(
    client: Client,
    justice: Agency,
    sector: Sector,
    justice_admin: User,
    db_snapshot: Callable[[], dict[str, int]],
) -> None:
    client.force_login(justice_admin)
    before = db_snapshot()
    fake = io.BytesIO(b"MZ\x90\x00 this is a program")
    fake.name = "mau.docx"
    data = _post_data(justice, sector, days="10", step_days=["1", "8", "1"])
    data["forms-0-upload"] = fake
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "mau.docx" in " ".join(str(error) for error in response.context["errors"])
    assert db_snapshot() == before


def test_admin_is_scoped_to_the_editors_agency(
    client: Client,
    make_procedure: Callable[..., Procedure],
    justice: Agency,
    home_affairs: Agency,
    other_admin: User,
    justice_officer: User,
) -> None:
    mine = make_procedure(home_affairs)
    theirs = make_procedure(justice)
    client.force_login(other_admin)
    listing = client.get("/quan-tri/catalogue/procedure/")
    assert listing.status_code == 200
    assert mine.national_code in listing.content.decode()
    assert theirs.national_code not in listing.content.decode()
    page = client.get(f"/quan-tri/catalogue/procedure/{theirs.pk}/change/")
    assert page.status_code in {302, 404}
    client.force_login(justice_officer)  # not staff, not an administrator
    assert client.get("/quan-tri/catalogue/procedure/").status_code == 302
