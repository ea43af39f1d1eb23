"""The demo: the province's weekly schedule, the on-line meeting with the eight districts, a
held meeting with its minutes and conclusion issued; loading twice changes nothing."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader

from lienthong.accounts.models import Agency
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Attachment
from lienthong.meetings.constants import MeetingDraftKind, MeetingState, ScheduleState
from lienthong.meetings.demo import HELD_TITLE, ONLINE_TITLE, load_demo_meetings
from lienthong.meetings.models import Meeting, Schedule
from lienthong.meetings.selectors import published_schedule
from lienthong.meetings.services import week_start_of
from lienthong.signatures.constants import AGENCY_FIELD, PERSONAL_FIELD


def test_the_demo_loads_once(demo, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    # As `./scripts/run` loads it: with the demo PKI (no timestamp authority here: PAdES B-B).
    settings.LIENTHONG_DEMO = True
    settings.LIENTHONG_DEMO_PKI_DIR = tmp_path / "demo-pki"
    settings.LIENTHONG_TSA_URL = ""
    assert load_demo_meetings() is True
    assert load_demo_meetings() is False
    province = Agency.objects.get(code="000.00.00.H12")
    from django.utils import timezone

    monday = week_start_of(timezone.localdate())
    assert Schedule.objects.get(agency=province, week_start=monday).state == ScheduleState.PUBLISHED
    entries = published_schedule(province, monday)
    assert entries.count() == 5 and entries.filter(changed_after_publication=True).count() == 1
    online = Meeting.objects.get(title=ONLINE_TITLE)
    assert online.participants.filter(agency__isnull=False).count() == 8
    assert online.agenda.filter(blob__isnull=False).count() == 3
    held = Meeting.objects.get(title=HELD_TITLE)
    assert held.state == MeetingState.HELD
    issued = {
        link.kind: link.draft.document for link in held.drafts.select_related("draft__document")
    }
    assert set(issued) == {MeetingDraftKind.MINUTES, MeetingDraftKind.CONCLUSION}
    assert all(d is not None and d.status == DocumentStatus.ISSUED for d in issued.values())
    # Issued from the PDF made from the prefilled DOCX, signed by the chairman and sealed.
    for link in held.drafts.select_related("draft__document"):
        assert not link.draft.issued_on_paper
        current = Attachment.objects.get(document=link.draft.document).current
        with default_storage.open(current.blob.storage_name, "rb") as stored:
            reader = PdfFileReader(io.BytesIO(stored.read()))
        assert [s.field_name for s in reader.embedded_signatures] == [PERSONAL_FIELD, AGENCY_FIELD]
