"""State-changing use cases of the processing of incoming documents (Decree 30/2020, Điều
20 to 24): presenting to the leader, assigning (chủ trì, phối hợp, để biết), handing on inside a
unit, progress, completion and return. Each checks who acts and in whose right, validates,
changes the state along `ALLOWED_TRANSITIONS`, appends to the history, writes the audit event,
notifies, and tells the sending agency (edXML status 04, 05, 06) — all in one transaction.

The use cases live in modules named for them: `presenting`, `assignment` (assign, hand on
inside a unit), `processing` (progress), `completion` (complete, return) and `reminders`;
`_common` holds the helpers and codes they share. Import them from here:
`from lienthong.workflows.services import assign`."""

from ._common import MAX_TEXT, STATUS_ASSIGNED, STATUS_COMPLETED, STATUS_PROCESSING
from .assignment import TO_PLACES_MAX, Assignee, assign, reassign, resolve_deadline
from .completion import complete, return_document
from .presenting import present_to_leader
from .processing import handlers_of, record_progress
from .reminders import REMINDER_BATCH, deadline_reminders, send_deadline_reminders

__all__ = [
    "MAX_TEXT",
    "REMINDER_BATCH",
    "STATUS_ASSIGNED",
    "STATUS_COMPLETED",
    "STATUS_PROCESSING",
    "TO_PLACES_MAX",
    "Assignee",
    "assign",
    "complete",
    "deadline_reminders",
    "handlers_of",
    "present_to_leader",
    "reassign",
    "record_progress",
    "resolve_deadline",
    "return_document",
    "send_deadline_reminders",
]
