"""What the database itself guarantees, whatever the code above it does."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lienthong.workflows import services
from lienthong.workflows.constants import ALLOWED_TRANSITIONS, AssignmentState
from lienthong.workflows.models import Assignment, ProcessingEntry
from lienthong.workflows.services import Assignee


def row(lead: Assignment, **fields) -> Assignment:
    values = {
        "document": lead.document,
        "role": "lead",
        "assignee_unit": lead.assignee_unit,
        "assigned_by": lead.assigned_by,
        "assigned_at": timezone.now(),
        **fields,
    }
    return Assignment(**values)


def test_constraints(clock, people, incoming) -> None:
    (lead,) = services.assign(
        actor=people.leader,
        document=incoming(),
        assignees=[Assignee(role="lead", unit=people.legal)],
    )
    bad = [
        row(lead),  # a second standing lead of the document
        row(lead, role="support", assignee_user=people.specialist),  # unit and person
        row(lead, role="support", assignee_unit=None),  # nobody
        row(lead, role="information", deadline=timezone.localdate()),  # information, dated
        row(lead, role="support", state="lost"),
    ]
    for assignment in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            assignment.save()
    lead.state = AssignmentState.RETURNED
    lead.save()
    row(lead).save()  # once the first is returned, another may lead


def test_history_is_append_only(clock, people, incoming) -> None:
    doc = incoming()
    entry = services.present_to_leader(actor=people.clerk, document=doc, leader=people.leader)
    entry.text = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert ProcessingEntry.objects.get().text == ""


def test_final_states_have_no_exit(db) -> None:
    assert ALLOWED_TRANSITIONS[AssignmentState.COMPLETED] == frozenset()
    assert ALLOWED_TRANSITIONS[AssignmentState.RETURNED] == frozenset()
    assert set(ALLOWED_TRANSITIONS) == set(AssignmentState.values)
