"""Dossier codes: `<agency code>-YYMMDD-NNNN`, sequential per receiving agency and day, unique
and gap-free when counters take dossiers at the same moment (SQLite file database and
PostgreSQL, real threads and connections)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection, transaction

from lienthong.accounts.constants import Role
from lienthong.onestop import codes, services
from lienthong.onestop.models import DailyCounter, Dossier
from lienthong.onestop.services import Applicant
from tests.onestop.conftest import make_user


def test_format_and_shape() -> None:
    assert codes.format_code("000.00.05.H12", date(2012, 3, 15), 1) == "000.00.05.H12-120315-0001"
    assert codes.is_well_formed("000.00.05.H12-120315-0001")
    for bad in ["000.00.05.H12-120315-001", "HS-1", "000.00.05.H12-1203150001", " "]:
        assert not codes.is_well_formed(bad)


@pytest.mark.django_db
def test_numbering_restarts_each_day_and_differs_per_agency(world, clock) -> None:
    def counter_dossier(officer):
        return services.create_dossier(
            actor=officer,
            procedure=world.procedure,
            applicant=Applicant(
                kind="citizen", name="Lê Văn Tám", id_number="096000111222", phone="0912000111"
            ),
        )

    clock.set(2026, 12, 7, 16, 30)
    assert counter_dossier(world.counter).code == f"{world.dept.code}-261207-0001"
    assert counter_dossier(world.counter).code == f"{world.dept.code}-261207-0002"
    clock.set(2026, 12, 8, 7, 45)
    assert counter_dossier(world.counter).code == f"{world.dept.code}-261208-0001"


@pytest.mark.django_db(transaction=True)
def test_codes_are_unique_and_gap_free_under_concurrent_reception(world) -> None:
    officers = [world.counter] + [
        make_user(world.dept, [Role.ONESTOP_OFFICER], None, f"motcua{i}") for i in range(3)
    ]
    per_thread = 6
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(officers))

    def work(officer) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                services.create_dossier(
                    actor=officer,
                    procedure=world.procedure,
                    applicant=Applicant(
                        kind="citizen",
                        name=f"Người nộp {officer.pk}-{i}",
                        id_number="096000111222",
                        phone="0912000111",
                    ),
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = len(officers) * per_thread
    found = sorted(Dossier.objects.values_list("code", flat=True))
    assert len(found) == total == len(set(found))
    prefixes = {code.rsplit("-", 1)[0] for code in found}
    assert len(prefixes) == 1
    assert [int(code.rsplit("-", 1)[1]) for code in found] == list(range(1, total + 1))
    assert DailyCounter.objects.get().last_number == total


@pytest.mark.django_db
def test_a_rolled_back_reception_gives_its_number_back(world, clock) -> None:
    clock.set(2026, 12, 7, 9, 0)
    with pytest.raises(RuntimeError), transaction.atomic():
        codes.next_code(agency=world.dept, day=date(2026, 12, 7))
        raise RuntimeError("the reception failed afterwards")
    assert services.create_dossier(
        actor=world.counter,
        procedure=world.procedure,
        applicant=Applicant(
            kind="citizen", name="Lê Văn Tám", id_number="096000111222", phone="0912000111"
        ),
    ).code.endswith("-0001")
