"""The demo: applicants' accounts, and a demo procedure filed on-line, received by the demo
agency's one-stop officer and handed to its first processing step."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.catalogue.models import Procedure
from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus, StepState
from lienthong.onestop.demo import load_demo_applicants
from lienthong.onestop.querysets import is_applicant
from tests.documents.files import text_pdf

pytestmark = pytest.mark.django_db


def test_demo_applicant_files_a_demo_procedure() -> None:
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    assert load_demo_applicants() == []  # again: nothing doubles
    citizen = User.objects.get(username="congdan.demo")
    assert is_applicant(citizen)
    assert User.objects.filter(username="doanhnghiep.demo").count() == 1
    procedure = (
        Procedure.objects.published()
        .filter(level_2011__gte=3, steps__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    assert procedure is not None
    papers = [
        services.Paper(upload=io.BytesIO(text_pdf(c.name)), name=f"{c.order}.pdf", component=c)
        for c in procedure.components.filter(required=True)
    ]
    dossier = services.file_dossier(
        actor=citizen, procedure=procedure, idempotency_key=None, papers=papers, submit=True
    )
    assert dossier.status == DossierStatus.SUBMITTED
    officer = User.objects.filter(
        agency=procedure.agency, role_grants__role=Role.ONESTOP_OFFICER
    ).first()
    assert officer is not None
    services.receive_dossier(actor=officer, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.due_at is not None
    assert dossier.steps.filter(state=StepState.QUEUED).count() == 1
