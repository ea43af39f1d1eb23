"""A local simulator of the national reporting information system (Hệ thống thông tin báo cáo
Chính phủ), the side `national.HttpNationalReportingClient` talks to (docs/reporting.md). It
checks what the real one would check before taking a report in: the province's bearer token, a
JSON body of the known schema, a sender with an agency identifier code (QCVN 102: 000.00.00.H12),
a known periodicity, a period whose dates are real and in order within its year, indicators
with unique well-formed codes whose numeric values are decimal strings, and no second copy of a
report already received for the same form, period and sender. It answers 202 with a receipt
number, or 4xx with the reasons by field. A plain WSGI application (no Django), run beside the
platform (`lienthong national_reporting_simulator --port 8793`) or inside a test.

The checks are written here independently of `national.py`, so that a mistake on one side shows
up as a refusal on the other."""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lienthong.core.simulators import ServedSimulator, json_response

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
SCHEMA = "lienthong.national-report/1"
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
INDICATOR_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
RECEIPT_PATH = re.compile(r"^/api/v1/reports/(?P<receipt>BCQG-\d{6})$")
PERIODICITIES = ("monthly", "quarterly", "six_monthly", "yearly", "ad_hoc")
NUMERIC = ("integer", "decimal", "percentage")
MAX_BODY = 512 * 1024


def _text(value: Any, limit: int) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= limit


def _check_period(period: Any, errors: dict[str, str]) -> None:
    if not isinstance(period, dict):
        errors["period"] = "must be an object"
        return
    try:
        start = date.fromisoformat(str(period.get("from")))
        end = date.fromisoformat(str(period.get("to")))
    except ValueError:
        errors["period"] = "from and to must be dates (YYYY-MM-DD)"
        return
    year = period.get("year")
    if start > end:
        errors["period"] = "ends before it starts"
    elif not isinstance(year, int) or end.year != year:
        errors["period.year"] = "must be the year the period ends in"
    if not _text(period.get("label"), 100):
        errors["period.label"] = "must be a non-empty text"


def _check_indicators(indicators: Any, errors: dict[str, str]) -> None:
    if not isinstance(indicators, list) or not indicators:
        errors["indicators"] = "must be a non-empty list"
        return
    seen: set[str] = set()
    for index, item in enumerate(indicators):
        where = f"indicators[{index}]"
        if not isinstance(item, dict):
            errors[where] = "must be an object"
            continue
        code = item.get("code")
        if not isinstance(code, str) or not INDICATOR_CODE.match(code):
            errors[f"{where}.code"] = "must be a letter followed by letters, digits or _"
        elif code in seen:
            errors[f"{where}.code"] = f"{code} appears twice"
        else:
            seen.add(code)
        if not _text(item.get("name"), 300):
            errors[f"{where}.name"] = "must be a non-empty text"
        value_error = _value_error(item.get("value"), item.get("type"))
        if value_error:
            errors[f"{where}.value"] = value_error


def _value_error(value: Any, kind: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return "must be a string or null"
    if kind not in NUMERIC:
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "must be a decimal number written with a dot"
    if not number.is_finite():
        return "must be a finite number"
    if kind == "percentage" and not 0 <= number <= 100:
        return "a percentage is from 0 to 100"
    return ""


def check_report(body: Any) -> dict[str, str]:
    """The national system's checks of a report: the errors by field (empty: valid)."""
    if not isinstance(body, dict):
        return {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    known = {"schema", "report", "period", "sender", "accepted_by", "submitted_at", "indicators"}
    unknown = set(body) - known
    if unknown:
        errors["body"] = "unknown fields: " + ", ".join(sorted(unknown))
    if body.get("schema") != SCHEMA:
        errors["schema"] = f"must be {SCHEMA}"
    report = body.get("report")
    if not isinstance(report, dict) or not _text(report.get("form_code"), 40):
        errors["report.form_code"] = "must be a non-empty text"
    elif report.get("periodicity") not in PERIODICITIES:
        errors["report.periodicity"] = "must be one of " + ", ".join(PERIODICITIES)
    sender = body.get("sender")
    if not isinstance(sender, dict) or not AGENCY_CODE.match(str(sender.get("code", ""))):
        errors["sender.code"] = "must be an agency identifier code (000.00.00.H12)"
    try:
        submitted = datetime.fromisoformat(str(body.get("submitted_at", "")))
        if submitted.tzinfo is None:
            errors["submitted_at"] = "must carry its time zone"
    except ValueError:
        errors["submitted_at"] = "must be an ISO 8601 date and time"
    _check_period(body.get("period"), errors)
    _check_indicators(body.get("indicators"), errors)
    return errors


@dataclass
class NationalReportingSimulator:
    token: str
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    _keys: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/health":
            return json_response(start_response, "200 OK", {"status": "ok"})
        if not self._authorised(environ):
            return json_response(start_response, "401 Unauthorized", {"error": "invalid_token"})
        if path == "/api/v1/reports" and method == "POST":
            return self._receive(environ, start_response)
        found = RECEIPT_PATH.match(path)
        if found and method == "GET":
            with self._lock:
                report = self.received.get(found["receipt"])
            if report is None:
                return json_response(start_response, "404 Not Found", {"error": "unknown_receipt"})
            return json_response(start_response, "200 OK", report)
        return json_response(start_response, "404 Not Found", {"error": "not_found"})

    def _authorised(self, environ: dict[str, Any]) -> bool:
        scheme, _sep, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        return (
            scheme == "Bearer"
            and bool(self.token)
            and hmac.compare_digest(token.encode(), self.token.encode())
        )

    def _receive(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return json_response(
                start_response, "415 Unsupported Media Type", {"error": "json_only"}
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return json_response(start_response, "413 Payload Too Large", {"error": "too_large"})
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"null")
        except ValueError:
            return json_response(
                start_response, "400 Bad Request", {"errors": {"body": "not JSON"}}
            )
        errors = check_report(body)
        if errors:
            return json_response(start_response, "400 Bad Request", {"errors": errors})
        key = (
            body["report"]["form_code"],
            body["period"]["from"],
            body["period"]["to"],
            body["sender"]["code"],
        )
        with self._lock:
            if key in self._keys:
                return json_response(
                    start_response,
                    "409 Conflict",
                    {"error": "already_received", "receipt": self._keys[key]},
                )
            receipt = f"BCQG-{len(self.received) + 1:06d}"
            self._keys[key] = receipt
            self.received[receipt] = body
        return json_response(start_response, "202 Accepted", {"receipt": receipt, "accepted": True})


RunningSimulator = ServedSimulator
