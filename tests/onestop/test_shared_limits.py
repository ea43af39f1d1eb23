"""Public tracking limits count in the shared cache, the same for every web process, and a
stranger's wrong guesses cannot shut the applicant out (issue 15, finding 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from lienthong.onestop import services
from tests.onestop.conftest import CITIZEN, filed_online

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    """The test database, as DATABASE_URL for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _look_ups_in_two_processes(code: str, times: int) -> list[list[int]]:
    """Two Python processes, started together, each posting `times` look-ups."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
        "LIENTHONG_TRACKING_LIMIT": "10",
    }
    command = [sys.executable, "-m", "tests.onestop.track_process", code, str(times)]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    return [json.loads(output.strip().splitlines()[-1]) for output in outputs]


@pytest.mark.django_db(transaction=True)
def test_twenty_look_ups_over_two_processes_are_refused_from_the_eleventh() -> None:
    try:
        first, second = _look_ups_in_two_processes("000.00.05.H12-261123-0001", 10)
    finally:
        cache.clear()
    # Each process alone is within the limit of 10; together exactly 10 get an answer.
    assert sorted(first + second) == [200] * 10 + [429] * 10
    # Once refused, a process stays refused.
    for statuses in (first, second):
        assert statuses == sorted(statuses)


def _track(client: Client, code: str, factor: str, second: str = "") -> str:
    response = client.post(
        reverse("citizen:track"), {"code": code, "factor": factor, "second_factor": second}
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_strangers_guessing_a_code_cannot_shut_the_applicant_out(world, settings) -> None:
    settings.LIENTHONG_TRACKING_CODE_FAILURES = 5
    cache.clear()
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    # Five strangers, each within the per-address limit, guess the telephone.
    for n in range(5):
        page = _track(Client(REMOTE_ADDR=f"198.51.100.{n}"), dossier.code, f"090000000{n}")
        assert 'data-testid="not-found"' in page
    applicant = Client(REMOTE_ADDR="203.0.113.50")
    # The code now answers only to both factors: one alone, right or wrong, gets the same page.
    right_alone = _track(applicant, dossier.code, CITIZEN.phone)
    wrong_alone = _track(Client(REMOTE_ADDR="198.51.100.9"), dossier.code, "0900000009")
    for page in (right_alone, wrong_alone):
        assert 'data-testid="needs-both"' in page and "Cấp giấy phép bưu chính" not in page
    # A stranger with a guessed telephone and a wrong ID number learns nothing either.
    guess = _track(Client(REMOTE_ADDR="198.51.100.10"), dossier.code, CITIZEN.phone, "0123")
    assert "Cấp giấy phép bưu chính" not in guess
    # The applicant, who knows both, still follows the dossier.
    both = _track(applicant, dossier.code, CITIZEN.phone, CITIZEN.id_number)
    assert 'data-testid="tracked"' in both and "Cấp giấy phép bưu chính" in both
    # The API says the same.
    api = Client(REMOTE_ADDR="203.0.113.51")
    alone = api.post(
        "/api/v1/tracking/",
        {"code": dossier.code, "factor": CITIZEN.phone},
        content_type="application/json",
    )
    assert alone.status_code == 403 and alone.json()["code"] == "second_factor_required"
    together = api.post(
        "/api/v1/tracking/",
        {"code": dossier.code, "factor": CITIZEN.id_number, "second_factor": CITIZEN.phone},
        content_type="application/json",
    )
    assert together.status_code == 200 and together.json()["code"] == dossier.code
    cache.clear()
