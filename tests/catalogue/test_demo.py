"""The demo catalogue loads into the demo province, completely and consistently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage

from lienthong.catalogue.demo import load_demo_catalogue
from lienthong.catalogue.models import Procedure
from lienthong.catalogue.services import check_publishable

pytestmark = pytest.mark.django_db

DIC = "000.00.11.H12"


def test_demo_catalogue_has_the_18_procedures_of_the_department_of_information(demo: Any) -> None:
    added = load_demo_catalogue()

    dic = Procedure.objects.filter(agency__code=DIC)
    assert dic.count() == 18
    assert added == Procedure.objects.count() > 18
    assert Procedure.objects.published().count() == added
    for procedure in Procedure.objects.all():
        check_publishable(procedure)  # steps in order, at active agencies, adding up
        steps = list(procedure.steps.all())
        assert sum((s.days for s in steps), Decimal(0)) == procedure.processing_days
        forms = list(procedure.forms.select_related("blob"))
        assert forms, procedure.national_code
        for form in forms:
            assert form.blob.content_type.endswith("wordprocessingml.document")
            assert default_storage.exists(form.blob.storage_name)
        assert procedure.components.filter(form__isnull=False).exists()
    kinds = set(Procedure.objects.values_list("components__copy_kind", flat=True))
    assert {"original", "copy", "certified_copy"} <= kinds


def test_demo_catalogue_has_interagency_and_paid_level_4_procedures(demo: Any) -> None:
    load_demo_catalogue()

    interagency = [
        p
        for p in Procedure.objects.prefetch_related("steps")
        if any(step.agency_id != p.agency_id for step in p.steps.all())
    ]
    assert interagency
    assert any(p.agency.kind == "district_committee" for p in interagency)
    paid_online = [p for p in Procedure.objects.all() if p.needs_payment_online]
    assert paid_online


def test_demo_catalogue_loads_again_without_duplicates(demo: Any) -> None:
    first = load_demo_catalogue()
    assert load_demo_catalogue() == 0
    assert Procedure.objects.count() == first
