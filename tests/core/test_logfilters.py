"""Operators' logs: a 403 is one line (with its reason), not a traceback; an unexpected error
(a 500) keeps its traceback."""

from __future__ import annotations

import logging
import sys

import pytest
from django.test import Client

from lienthong.accounts.constants import Role
from lienthong.core.logfilters import OneLineExpectedRefusals

pytestmark = pytest.mark.django_db


def test_a_forbidden_request_logs_one_line_without_traceback(
    agency_factory, user_factory, caplog
) -> None:
    leader = user_factory(agency_factory(), [Role.AGENCY_LEADER])
    client = Client()
    client.force_login(leader)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.get("/ho-so/mo/")  # opening work files is the specialists' and clerks'
    assert response.status_code == 403
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(records) == 1, [(r.name, r.getMessage()) for r in records]
    (record,) = records
    assert record.name == "django.request" and record.exc_info is None
    line = record.getMessage()
    assert "\n" not in line
    assert line.startswith("Forbidden (Permission denied): /ho-so/mo/")
    assert "mở hồ sơ công việc" in line  # the reason, on the same line
    assert "Traceback" not in caplog.text


def test_an_unexpected_error_keeps_its_traceback() -> None:
    try:
        raise RuntimeError("disk full")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", None, exc_info
    )
    assert OneLineExpectedRefusals().filter(record) is True
    assert record.exc_info is exc_info
