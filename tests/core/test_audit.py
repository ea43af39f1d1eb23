import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lienthong.core.audit import GENESIS_HASH, record_event, verify_chain
from lienthong.core.models import AuditEvent


@pytest.fixture
def events(db):
    return [
        record_event(action="test.event", actor_username="tester", data={"n": n, "text": "Đắk Lắk"})
        for n in range(5)
    ]


def test_entries_chain_by_hash(events) -> None:
    assert events[0].previous_hash == GENESIS_HASH
    for earlier, later in itertools.pairwise(events):
        assert later.previous_hash == earlier.entry_hash
        assert later.sequence == earlier.sequence + 1
    report = verify_chain()
    assert report.ok and report.checked == 5


def test_verify_command(events, capsys) -> None:
    call_command("verify_audit_chain")
    assert "5 entries" in capsys.readouterr().out


def test_database_refuses_update_and_delete(events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[1].pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert verify_chain().ok


def _drop_guards() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only ON core_auditevent")


def test_tampering_is_detected(events) -> None:
    # Someone with database access removes the guard and rewrites an entry.
    _drop_guards()
    AuditEvent.objects.filter(pk=events[2].pk).update(data={"n": 99})
    report = verify_chain()
    assert not report.ok and "#3 was altered" in report.problem
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")


def test_removed_entry_is_detected(events) -> None:
    _drop_guards()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert "#2 is missing" in verify_chain().problem


def test_removed_newest_entry_is_detected(events) -> None:
    _drop_guards()
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    assert "newest entries were removed" in verify_chain().problem


def test_audit_entry_rolls_back_with_the_change(db) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(action="test.rolled_back")
        raise RuntimeError
    assert not AuditEvent.objects.exists()
    record_event(action="test.after")
    assert verify_chain().ok
