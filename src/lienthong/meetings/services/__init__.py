"""State-changing use cases of schedules and meetings, in modules named for them:
`schedules` (weekly work schedules), `meetings` (rooms, booking, participants, replies, agenda,
attendance, video presence), `drafts` (the meeting's documents through drafting) and
`calendars` (private feed tokens, reminders). Import them from here."""

from .calendars import remind_upcoming, rotate_calendar_token
from .drafts import docx_to_pdf, draft_meeting_document, pdf_from_latest_docx, recipient_agencies
from .linking import book_from_entry, put_in_schedule
from .meetings import (
    add_agenda_item,
    book_meeting,
    cancel_meeting,
    create_room,
    invite,
    record_attendance,
    reply,
    video_presence,
)
from .schedules import (
    add_entry,
    approve_schedule,
    cancel_entry,
    create_schedule,
    return_schedule,
    submit_schedule,
    update_entry,
    week_start_of,
)
from .video import (
    bbb_client,
    bbb_events,
    bbb_hook_url,
    end_video,
    join_video,
    meeting_recordings,
    register_bbb_hook,
)

__all__ = [
    "add_agenda_item",
    "add_entry",
    "approve_schedule",
    "bbb_client",
    "bbb_events",
    "bbb_hook_url",
    "book_from_entry",
    "book_meeting",
    "cancel_entry",
    "cancel_meeting",
    "create_room",
    "create_schedule",
    "docx_to_pdf",
    "draft_meeting_document",
    "end_video",
    "invite",
    "join_video",
    "meeting_recordings",
    "pdf_from_latest_docx",
    "put_in_schedule",
    "recipient_agencies",
    "record_attendance",
    "register_bbb_hook",
    "remind_upcoming",
    "reply",
    "return_schedule",
    "rotate_calendar_token",
    "submit_schedule",
    "update_entry",
    "video_presence",
    "week_start_of",
]
