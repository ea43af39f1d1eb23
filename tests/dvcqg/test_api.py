"""The read API of the synchronisation, the admin's national codes, and the demo's codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lienthong.accounts.constants import Role
from lienthong.catalogue.models import Procedure
from lienthong.core.events import handlers_of
from lienthong.dvcqg.demo import demo_code
from lienthong.dvcqg.services import check_procedure_code, set_procedure_code
from lienthong.dvcqg.subscribers import push_status_change
from lienthong.onestop import services as onestop
from lienthong.onestop.events import DossierStatusChanged
from tests.onestop.conftest import World, filed_online, make_user

from .conftest import CODE, Portal


def test_the_api_lists_the_agencys_pushes_and_the_codes(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    dossier = onestop.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    run_tasks()
    client = Client()
    client.force_login(world.counter)
    answer = client.get(reverse("v1:dvcqg-push-list"), {"dossier": dossier.pk}).json()
    rows = answer["results"]
    assert [(r["dossier_code"], r["status_code"], r["state"]) for r in rows] == [
        (dossier.code, 1, "acknowledged")
    ]
    assert client.get(reverse("v1:dvcqg-push-list"), {"state": "failed"}).json()["results"] == []
    codes = client.get(reverse("v1:dvcqg-procedure-code-list")).json()["results"]
    assert [(c["procedure"], c["code"], c["verified"]) for c in codes] == [
        (world.procedure.pk, CODE, False)
    ]
    # A specialist may not read the sync state; another agency's counter sees none of it.
    specialist = Client()
    specialist.force_login(world.bc_handler)
    assert specialist.get(reverse("v1:dvcqg-push-list")).status_code == 404
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(reverse("v1:dvcqg-push-list")).json()["results"] == []
    assert outsider.post(reverse("dvcqg:retry", args=[dossier.pk])).status_code == 404


def test_a_national_code_is_checked_and_shown_on_the_procedure_page(world: World) -> None:
    with pytest.raises(ValidationError):
        set_procedure_code(actor=None, procedure=world.procedure, code="T-CMU-01")
    set_procedure_code(actor=None, procedure=world.procedure, code="1.001234", verified=True)
    page = Client().get(reverse("catalogue:procedure", args=[world.procedure.pk])).content
    assert b'data-testid="dvcqg-code">1.001234<' in page


def test_the_admin_edits_codes_of_the_administrators_agency(world: World, client: Client) -> None:
    admin_user = make_user(world.dept, [Role.AGENCY_ADMIN], None, "quantri.dept")
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:dvcqg_nationalprocedurecode_add")
    response = client.post(
        url, {"procedure": world.procedure.pk, "code": "2.001776", "verified": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert world.procedure.dvcqg_code.code == "2.001776"
    response = client.post(url, {"procedure": world.procedure.pk, "code": "2001776"})
    assert response.status_code == 200  # the form again, with the error


def test_demo_codes_are_made_from_the_demo_numbers() -> None:
    assert demo_code(Procedure(national_code="T-CMU-900201-TT")) == "2.900201"
    assert demo_code(Procedure(national_code="T-CMU-BC-01")) is None


def test_dvcqg_subscribes_to_the_dossier_status_changes_at_start_up() -> None:
    assert push_status_change in handlers_of(DossierStatusChanged)


def test_a_code_is_checked_against_the_national_database(
    world: World, portal: Portal, client: Client
) -> None:
    entry = world.procedure.dvcqg_code
    portal.simulator.procedure_names[CODE] = "Cấp giấy phép bưu chính (quốc gia)"
    checked = check_procedure_code(actor=None, entry=entry)
    assert checked.verified and checked.national_name == "Cấp giấy phép bưu chính (quốc gia)"
    assert checked.checked_at is not None
    # A code the national database does not know: refused, the entry keeps what it had.
    unknown = set_procedure_code(actor=None, procedure=world.procedure, code="2.000555")
    assert unknown.national_name == "" and not unknown.verified  # the old answer dropped
    with pytest.raises(ValidationError, match=r"2\.000555"):
        check_procedure_code(actor=None, entry=unknown)
    unknown.refresh_from_db()
    assert not unknown.verified and unknown.checked_at is None
    # The administrator's action in the admin does the same, and reports the refusal.
    admin_user = make_user(world.dept, [Role.AGENCY_ADMIN], None, "quantri.dept")
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:dvcqg_nationalprocedurecode_changelist"),
        {"action": "check_codes", "_selected_action": [unknown.pk]},
        follow=True,
    )
    assert "2.000555" in response.content.decode()
