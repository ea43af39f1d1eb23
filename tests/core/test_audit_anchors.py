"""The audit chain is anchored outside the database (an append-only file, an RFC 3161 timestamp
from the TSA): deleting the newest entries and rewinding the head row, which leaves an intact
chain in the database, is detected; so is a rewritten tail. Normal operation passes and says
how much is not anchored yet."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from lienthong.core import anchoring
from lienthong.core.audit import record_event, verify_chain
from lienthong.core.models import AuditChainHead, AuditEvent
from tests.conftest import free_port
from tests.signatures import pki as pki_module

from .test_audit import _drop_guards


@pytest.fixture(scope="module")
def tsa_url(tmp_path_factory) -> Iterator[str]:
    built = pki_module.start(tmp_path_factory.mktemp("pki"), free_port())
    yield built.tsa_url
    built.stop()


@pytest.fixture
def anchor_dir(settings, tmp_path):
    settings.LIENTHONG_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    settings.LIENTHONG_TSA_URL = ""
    return settings.LIENTHONG_AUDIT_ANCHOR_DIR


def _write(n: int, text: str = "Đắk Lắk") -> list[AuditEvent]:
    return [record_event(action="test.event", data={"n": i, "text": text}) for i in range(n)]


def _shorten_to(sequence: int) -> None:
    """What someone with write access to the database does: delete the newest entries (the
    guards dropped first) and rewind the head row to the entry left last."""
    _drop_guards()
    AuditEvent.objects.filter(sequence__gt=sequence).delete()
    kept = AuditEvent.objects.get(sequence=sequence)
    AuditChainHead.objects.filter(singleton=1).update(
        last_sequence=kept.sequence, last_hash=kept.entry_hash
    )


def _verify() -> str:
    """The operator's command; its output, or the error it fails with."""
    try:
        call_command("verify_audit_chain", stdout=(out := __import__("io").StringIO()))
    except CommandError as exc:
        return f"FAILED {exc}"
    return out.getvalue()


def test_deleting_the_newest_entries_and_rewinding_the_head_is_detected(db, anchor_dir) -> None:
    _write(5)
    anchor = anchoring.anchor_audit_chain(force=True)
    assert anchor is not None and anchor.sequence == 5
    _write(2)

    _shorten_to(3)
    # Inside the database alone the chain is intact: this passed before anchoring.
    assert verify_chain().ok
    output = _verify()
    assert output.startswith("FAILED")
    assert "ends at entry #3, BEHIND the anchored #5" in output
    # And the scheduler refuses to anchor the shortened chain over the anchor.
    with pytest.raises(anchoring.AnchorConflict, match="before the anchored #5"):
        anchoring.anchor_audit_chain(force=True)
    assert len(anchoring.read_anchors()) == 1


def test_a_rewritten_tail_with_a_fresh_chain_is_detected(db, anchor_dir) -> None:
    _write(5)
    anchoring.anchor_audit_chain(force=True)
    _shorten_to(2)
    _write(3, text="forged")  # a chain as long as before, intact, with other content
    assert verify_chain().ok
    output = _verify()
    assert output.startswith("FAILED") and "entry #5 differs from its anchor" in output


def test_normal_operation_passes_and_reports_the_unanchored_tail(
    db, anchor_dir, settings, tsa_url
) -> None:
    settings.LIENTHONG_TSA_URL = tsa_url
    _write(4)
    anchor = anchoring.anchor_audit_chain(force=True)
    assert anchor is not None and anchor.token is not None
    _write(2)
    output = _verify()
    assert "Audit chain intact: 6 entries." in output
    assert "Newest anchor: entry #4" in output
    assert "Timestamped by" in output and "TSA Thử Nghiệm" in output
    assert "Unanchored: 2 entries after #4" in output

    # One JSON line per anchor, the token covering the sequence number and the hash.
    line = json.loads((anchor_dir / anchoring.ANCHOR_FILE).read_text().splitlines()[0])
    assert line["sequence"] == 4 and line["entry_hash"] == anchor.entry_hash
    info = anchoring.read_token(anchoring.read_anchors()[0])
    assert info is not None and info.imprint_ok


def test_without_a_tsa_anchors_are_written_and_verification_says_so(db, anchor_dir) -> None:
    _write(3)
    anchor = anchoring.anchor_audit_chain(force=True)
    assert anchor is not None and anchor.token is None
    output = _verify()
    assert "Audit chain intact: 3 entries." in output
    assert "no TSA is configured" in output and "Unanchored: none" in output


def test_the_scheduler_anchors_when_the_head_moved_and_the_interval_passed(
    db, anchor_dir, settings
) -> None:
    _write(2)
    call_command("scheduler", "--once")
    assert [a.sequence for a in anchoring.read_anchors()] == [2]
    _write(1)
    call_command("scheduler", "--once")  # within the interval: not yet
    call_command("scheduler", "--once")
    assert [a.sequence for a in anchoring.read_anchors()] == [2]
    settings.LIENTHONG_AUDIT_ANCHOR_MINUTES = 0
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")  # the head did not move: no new anchor
    assert [a.sequence for a in anchoring.read_anchors()] == [2, 3]


def test_a_forged_lower_anchor_appended_later_does_not_hide_the_newest(db, anchor_dir) -> None:
    _write(5)
    anchoring.anchor_audit_chain(force=True)
    _shorten_to(3)
    kept = AuditEvent.objects.get(sequence=3)
    # The application's role can append to the file: it appends an anchor of the shorter chain.
    anchoring._append(
        {"sequence": 3, "entry_hash": kept.entry_hash, "anchored_at": "2099-01-01T00:00:00+00:00"}
    )
    assert "BEHIND the anchored #5" in _verify()


def test_without_anchoring_verification_says_so(db, settings) -> None:
    settings.LIENTHONG_AUDIT_ANCHOR_DIR = None
    _write(2)
    output = _verify()
    assert "Audit chain intact: 2 entries." in output and "Anchoring is off" in output
