"""Names an administrator or an applicant chose reach the report's XLSX as text, never as formulas
(issue 15, finding 3: a procedure renamed `=HYPERLINK(…)` was a live formula)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from lienthong.accounts.models import Agency, User
from lienthong.catalogue.models import Procedure
from tests.core.test_spreadsheets import PAYLOADS, assert_no_formula
from tests.reports.conftest import Timeline, walk

pytestmark = pytest.mark.django_db


def test_report_export_writes_formula_like_names_as_text(world, clock) -> None:
    walk(
        world,
        clock,
        Timeline(
            received=(2026, 12, 7, 10, 0),
            unit=(2026, 12, 7, 11, 0),
            other=(2026, 12, 7, 14, 0),
            approval=(2026, 12, 7, 15, 0),
            result=(2026, 12, 7, 16, 0),
            returned=(2026, 12, 7, 16, 30),
            rating=(4, 4),
        ),
    )
    Procedure.objects.filter(pk=world.procedure.pk).update(name=PAYLOADS[0])
    Agency.objects.filter(pk=world.dept.pk).update(name=PAYLOADS[1])
    User.objects.filter(pk=world.bc_handler.pk).update(full_name=PAYLOADS[2])
    officers = User.objects.filter(agency=world.dept).exclude(pk=world.bc_handler.pk)
    officers.update(full_name=PAYLOADS[3])
    client = Client()
    client.force_login(world.leader)
    response = client.get("/bao-cao/xlsx/?end=2026-12-31")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    written = assert_no_formula(book)
    # Every payload reached the file, as the text it is.
    assert set(PAYLOADS[:4]) <= written
