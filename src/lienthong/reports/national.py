"""The national reporting information system (Hệ thống thông tin báo cáo Chính phủ, Decree
09/2019/NĐ-CP Art. 16; Circular 01/2020/TT-VPCP): an accepted report is sent there as JSON, the
payload kept as evidence (`NationalSubmission`) with the receipt number or the refusal.

The client is an interface (`NationalReportingClient`); `HttpNationalReportingClient` speaks
JSON over HTTP(S) with a bearer token (docs/reporting.md, "National reporting system");
`simulator.py` plays the national side and checks what it would check. Sending is a job
(`jobs.send_national_report`): a refusal (4xx) is final and recorded, an unreachable system is
retried with back-off."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event

from .constants import ReportStatus
from .models import AgencyReport, NationalSubmission
from .permissions import can_send_national, require

SCHEMA = "lienthong.national-report/1"
SUBMIT_PATH = "/api/v1/reports"


class NationalReportingError(Exception):
    """The national system could not be reached, or refused the report (`refused`)."""

    def __init__(self, message: str, *, refused: bool = False, answer: Any = None) -> None:
        super().__init__(message)
        self.refused = refused
        self.answer = answer


class NationalReportingClient(Protocol):
    def submit(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one report; the national system's answer (with its `receipt`)."""
        ...


class HttpNationalReportingClient:
    """`POST {base_url}/api/v1/reports`, `Authorization: Bearer <token>`, JSON both ways."""

    def __init__(self, *, base_url: str, token: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def submit(self, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the configured http(s) endpoint
            self.base_url + SUBMIT_PATH,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                "Content-Type": "application/json; charset=utf-8",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:900]
            try:
                answer = json.loads(detail)
            except ValueError:
                answer = {"detail": detail}
            raise NationalReportingError(
                f"{exc.code}: {detail}", refused=400 <= exc.code < 500, answer=answer
            ) from exc
        except OSError as exc:
            raise NationalReportingError(str(exc)) from exc
        try:
            answer = json.loads(text) if text else {}
        except ValueError as exc:
            raise NationalReportingError("the answer is not JSON") from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("receipt"), str):
            raise NationalReportingError("the answer has no receipt")
        return answer


def configured_client() -> HttpNationalReportingClient | None:
    url = settings.LIENTHONG_NATIONAL_REPORTING_URL
    if not url:
        return None
    return HttpNationalReportingClient(
        base_url=url, token=settings.LIENTHONG_NATIONAL_REPORTING_TOKEN
    )


def _value(number: Decimal | None, text: str) -> str | None:
    if text:
        return text
    if number is None:
        return None
    return format(number.normalize(), "f") if number != 0 else "0"


def payload_of(report: AgencyReport) -> dict[str, Any]:
    """What is sent: the form, the period, the reporting agency, who accepted it and when, and
    every indicator with its value (numbers as decimal strings, never floats)."""
    period = report.period
    form = period.form
    stored = {v.indicator_id: v for v in report.values.all()}
    return {
        "schema": SCHEMA,
        "report": {
            "form_code": form.code,
            "form_name": form.name,
            "form_version": period.version.number,
            "legal_basis": form.legal_basis,
            "periodicity": form.periodicity,
        },
        "period": {
            "label": period.label,
            "year": period.year,
            "number": period.number,
            "from": period.starts_on.isoformat(),
            "to": period.ends_on.isoformat(),
        },
        "sender": {"code": report.agency.code, "name": report.agency.name},
        "accepted_by": {
            "code": form.aggregator.code,
            "name": form.aggregator.name,
            "at": report.decided_at.isoformat() if report.decided_at else None,
        },
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        "indicators": [
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "type": indicator.type,
                "value": _value(stored[indicator.pk].number, stored[indicator.pk].text)
                if indicator.pk in stored
                else None,
                "note": stored[indicator.pk].note if indicator.pk in stored else "",
            }
            for indicator in period.version.indicators.all()
        ],
    }


@transaction.atomic
def send_to_national(*, report: AgencyReport, actor: User | None) -> NationalSubmission:
    """Queue an accepted report for the national system (once: a report already sent or on its
    way is not sent again; after a refusal it may be sent again)."""
    report = (
        AgencyReport.objects.select_for_update(of=("self",))
        .select_related("period__form__aggregator", "period__version", "agency")
        .get(pk=report.pk)
    )
    if actor is not None:
        require(
            can_send_national(actor, report),
            _("Only the aggregating agency sends an accepted report to the national system."),
        )
    if report.status != ReportStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted report is sent to the national system."))
    if report.national_submissions.exclude(state=NationalSubmission.State.REFUSED).exists():
        raise ValidationError(_("This report was already sent to the national system."))
    submission = NationalSubmission.objects.create(
        report=report, payload=payload_of(report), requested_by=actor
    )
    record_event(
        action="reports.national_send",
        actor=actor,
        obj=report,
        data={"submission": submission.pk, "agency": report.agency.code},
    )
    from .jobs import send_national_report  # noqa: PLC0415 - the job module imports this one

    send_national_report.enqueue(submission.pk)
    return submission


def deliver(submission_id: int, *, client: NationalReportingClient | None = None) -> str:
    """Send one pending submission (idempotent: an answered one is not sent again). A refusal is
    recorded with the national system's reasons; an unreachable system raises (the job retries)."""
    with transaction.atomic():
        submission = (
            NationalSubmission.objects.select_for_update()
            .select_related("report")
            .get(pk=submission_id)
        )
        if submission.state != NationalSubmission.State.PENDING:
            return "already answered"
        client = client or configured_client()
        if client is None:
            raise NationalReportingError("LIENTHONG_NATIONAL_REPORTING_URL is not set")
        try:
            answer = client.submit(submission.payload)
        except NationalReportingError as exc:
            if not exc.refused:
                raise
            submission.state = NationalSubmission.State.REFUSED
            submission.answer = exc.answer if isinstance(exc.answer, dict) else {}
            submission.error = str(exc)[:1000]
        else:
            submission.state = NationalSubmission.State.ACCEPTED
            submission.answer = answer
            submission.receipt = str(answer["receipt"])[:64]
        submission.sent_at = timezone.now()
        submission.save(update_fields=["state", "answer", "receipt", "error", "sent_at"])
        data = {"submission": submission.pk, "receipt": submission.receipt}
        if submission.state == NationalSubmission.State.ACCEPTED:
            record_event(
                action="reports.national_accepted",
                obj=submission.report,
                actor_username="national-reporting",
                data=data,
            )
        else:
            record_event(
                action="reports.national_refused",
                obj=submission.report,
                actor_username="national-reporting",
                data={**data, "error": submission.error[:300]},
            )
    return str(submission.state)
