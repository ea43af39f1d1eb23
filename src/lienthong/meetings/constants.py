from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleState(models.TextChoices):
    """Lịch công tác tuần: drafted by the office, approved by the chief of office or the agency's
    leader, then published."""

    DRAFT = "draft", _("Being drafted")
    SUBMITTED = "submitted", _("Awaiting approval")
    PUBLISHED = "published", _("Published")


class RoomKind(models.TextChoices):
    PHYSICAL = "physical", _("Meeting room")
    ONLINE = "online", _("On-line room")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Reply(models.TextChoices):
    PENDING = "pending", _("No reply yet")
    ATTEND = "attend", _("Will attend")
    DEPUTY = "deputy", _("Sends a deputy")
    DECLINE = "decline", _("Declines")


class VideoProvider(models.TextChoices):
    NONE = "", _("No video")
    JITSI = "jitsi", _("Jitsi Meet")
    BBB = "bbb", _("BigBlueButton")


class MeetingDraftKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation (giấy mời)")
    MINUTES = "minutes", _("Minutes (biên bản)")
    CONCLUSION = "conclusion", _("Conclusion notice (thông báo kết luận)")


# The Decree 30/2020 document type each meeting document is drafted as (its Vietnamese name in
# documents.doctypes).
DOCUMENT_TYPE_NAMES = {
    MeetingDraftKind.INVITATION: "Giấy mời",
    MeetingDraftKind.MINUTES: "Biên bản",
    MeetingDraftKind.CONCLUSION: "Thông báo",
}
