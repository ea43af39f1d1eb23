"""Sending an accepted report to the national reporting system (through the simulator, which
checks what the real one would), the payload kept as evidence; the submit / accept / return /
send API; the simulator's own checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lienthong.core.models import AuditEvent
from lienthong.reports import national, services
from lienthong.reports.constants import ReportStatus
from lienthong.reports.models import NationalSubmission
from lienthong.reports.simulator import NationalReportingSimulator, RunningSimulator, check_report

from .periodic import Reporting

pytestmark = pytest.mark.django_db
TOKEN = "secret-token-of-the-province"


@pytest.fixture
def national_side(settings: Any) -> Iterator[RunningSimulator]:
    with RunningSimulator(NationalReportingSimulator(token=TOKEN)) as running:
        settings.LIENTHONG_NATIONAL_REPORTING_URL = running.url
        settings.LIENTHONG_NATIONAL_REPORTING_TOKEN = TOKEN
        yield running


def _accepted(r: Reporting, index: int = 0) -> Any:
    report = r.report(index)
    values = {"DOSSIERS": "12", "ON_TIME": "9", "LATE": "3", "SHARE": "9,62", "ISO": "Có"}
    services.save_values(report=report, actor=r.officers[index], values=values)
    services.submit_report(report=report, actor=r.leaders[index])
    return services.accept_report(report=report, actor=r.receiver)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_accepted_report_reaches_the_national_system_and_the_payload_is_kept(
    reporting: Reporting, national_side: RunningSimulator, run_tasks: Any
) -> None:
    report = _accepted(reporting)
    submission = national.send_to_national(report=report, actor=reporting.receiver)
    assert submission.state == NationalSubmission.State.PENDING
    run_tasks()
    submission.refresh_from_db()
    assert submission.state == NationalSubmission.State.ACCEPTED
    assert submission.receipt == "BCQG-000001"
    received = national_side.simulator.received["BCQG-000001"]
    assert received == submission.payload
    values = {i["code"]: i["value"] for i in received["indicators"]}
    assert values["DOSSIERS"] == "12" and values["SHARE"] == "9.62" and values["RATE"] == "75"
    assert received["sender"]["code"] == reporting.districts[0].code
    assert received["period"] == {
        "label": reporting.period.label,
        "year": 2012,
        "number": 2,
        "from": "2012-03-15",
        "to": "2012-06-14",
    }
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"reports.national_send", "reports.national_accepted"} <= actions
    # Sent once: a second request is refused, and nothing new is queued.
    with pytest.raises(ValidationError):
        national.send_to_national(report=report, actor=reporting.receiver)
    assert NationalSubmission.objects.count() == 1


def test_only_an_accepted_report_and_only_the_aggregating_agency(
    reporting: Reporting, national_side: RunningSimulator
) -> None:
    report = reporting.report(0)
    services.save_values(
        report=report, actor=reporting.officers[0], values={"DOSSIERS": 1, "ON_TIME": 1, "LATE": 0}
    )
    services.submit_report(report=report, actor=reporting.leaders[0])
    with pytest.raises(PermissionDenied):
        national.send_to_national(report=report, actor=reporting.officers[0])
    # Not yet accepted: not for the receiver either (the platform itself is told why).
    with pytest.raises(PermissionDenied):
        national.send_to_national(report=report, actor=reporting.receiver)
    with pytest.raises(ValidationError):
        national.send_to_national(report=report, actor=None)
    assert not NationalSubmission.objects.exists()


def test_a_refusal_is_recorded_with_the_reason_and_the_report_may_be_sent_again(
    reporting: Reporting, national_side: RunningSimulator, settings: Any
) -> None:
    report = _accepted(reporting)
    settings.LIENTHONG_NATIONAL_REPORTING_TOKEN = "wrong"
    submission = national.send_to_national(report=report, actor=reporting.receiver)
    assert national.deliver(submission.pk) == "refused"
    submission.refresh_from_db()
    assert submission.state == "refused" and "invalid_token" in submission.error
    assert national_side.simulator.received == {}
    settings.LIENTHONG_NATIONAL_REPORTING_TOKEN = TOKEN
    again = national.send_to_national(report=report, actor=reporting.receiver)
    assert national.deliver(again.pk) == "accepted"
    assert national.deliver(again.pk) == "already answered"


def test_an_unreachable_system_raises_so_that_the_job_retries(
    reporting: Reporting, settings: Any
) -> None:
    report = _accepted(reporting)
    settings.LIENTHONG_NATIONAL_REPORTING_URL = "http://127.0.0.1:9"
    settings.LIENTHONG_NATIONAL_REPORTING_TOKEN = TOKEN
    submission = national.send_to_national(report=report, actor=reporting.receiver)
    with pytest.raises(national.NationalReportingError):
        national.deliver(submission.pk)
    submission.refresh_from_db()
    assert submission.state == NationalSubmission.State.PENDING


def test_the_simulator_checks_what_the_real_system_would(reporting: Reporting) -> None:
    good = national.payload_of(_accepted(reporting))
    assert check_report(good) == {}
    bad = json.loads(json.dumps(good))
    bad["sender"]["code"] = "UBND-UM"
    bad["period"]["from"], bad["period"]["to"] = "2012-06-14", "2012-03-15"
    bad["indicators"][1]["code"] = bad["indicators"][0]["code"]
    share = next(i for i in bad["indicators"] if i["code"] == "SHARE")
    share["value"] = "120"
    bad["extra"] = 1
    errors = check_report(bad)
    assert {"sender.code", "period", "indicators[1].code", "body"} <= set(errors)
    assert any("percentage" in message for message in errors.values())
    simulator = NationalReportingSimulator(token=TOKEN)
    with RunningSimulator(simulator) as running:
        client = national.HttpNationalReportingClient(base_url=running.url, token=TOKEN)
        assert client.submit(good)["receipt"] == "BCQG-000001"
        with pytest.raises(national.NationalReportingError) as duplicate:
            client.submit(good)
        assert duplicate.value.refused and "already_received" in str(duplicate.value)


def test_the_api_submits_accepts_returns_and_sends(
    reporting: Reporting, national_side: RunningSimulator
) -> None:
    first, second = reporting.report(0), reporting.report(1)
    for index, report in enumerate((first, second)):
        services.save_values(
            report=report,
            actor=reporting.officers[index],
            values={"DOSSIERS": 5, "ON_TIME": 4, "LATE": 1},
        )
    base = "/api/v1/reports/agency-reports"
    officer = _client(reporting.officers[0])
    assert officer.post(f"{base}/{first.pk}/submit/").status_code == 404  # not a leader
    assert _client(reporting.leaders[1]).post(f"{base}/{first.pk}/submit/").status_code == 404
    first.refresh_from_db()
    assert first.status == ReportStatus.DRAFT
    leader = _client(reporting.leaders[0])
    submitted = leader.post(f"{base}/{first.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert leader.post(f"{base}/{first.pk}/submit/").status_code == 404  # no longer theirs
    _client(reporting.leaders[1]).post(f"{base}/{second.pk}/submit/")
    receiver = _client(reporting.receiver)
    no_reason = receiver.post(f"{base}/{second.pk}/return/", {}, content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    returned = receiver.post(
        f"{base}/{second.pk}/return/", {"reason": "Thiếu số liệu"}, content_type="application/json"
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "Thiếu số liệu"
    accepted = receiver.post(f"{base}/{first.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    sent = receiver.post(f"{base}/{first.pk}/national/")
    assert sent.status_code == 200
    assert sent.json()["national_submissions"] == [{"state": "pending", "receipt": "", "error": ""}]
    assert receiver.post(f"{base}/{first.pk}/national/").status_code == 400
    assert receiver.post(f"{base}/{second.pk}/national/").status_code == 404
