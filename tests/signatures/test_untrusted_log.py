"""Operators' logs: checking a signature whose certificate's CA is not trusted (the amber badge)
is one line in the log, not a traceback."""

from __future__ import annotations

import logging

import pytest

from lienthong.signatures import services

from . import pki as pki_module
from .conftest import PASS
from .test_badges import untrusted_creds  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_an_untrusted_signature_logs_one_line(org, untrusted_creds, caplog) -> None:  # noqa: F811
    signed = services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        report = services.verify_pdf(signed)
    assert [s.problems for s in report.signatures] == [["untrusted"]]
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(records) == 1, [(r.name, r.getMessage()) for r in records]
    (record,) = records
    assert record.exc_info is None and record.levelno == logging.WARNING
    line = caplog.text.strip()
    assert "\n" not in line and "Traceback" not in line
    assert (
        "signature not trusted" in line
        and "Nguyễn Văn Giám" in line
        and "CA Chuyên dùng Thử Nghiệm" in line
    )
