from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VIETNAM_TZ = "Asia/Ho_Chi_Minh"

# The dates of a document (its date, arrival, reply deadline) lie between the founding of the
# Democratic Republic of Vietnam (2 September 1945) and the end of next year; a date outside is
# a typing error (0001-01-01 was accepted once), refused by `services.check_document_dates`.
EARLIEST_DOCUMENT_DATE = date(1945, 9, 2)


def latest_document_date() -> date:
    return date(timezone.localdate().year + 1, 12, 31)


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming (văn bản đến)")
    OUTGOING = "outgoing", _("Outgoing (văn bản đi)")


class Urgency(models.IntegerChoices):
    """Mức độ khẩn; the values are edXML's Priority codes (QCVN 102)."""

    NORMAL = 0, _("Normal (Thường)")
    URGENT = 1, _("Urgent (Khẩn)")
    VERY_URGENT = 2, _("Very urgent (Thượng khẩn)")
    FLASH = 3, _("Flash (Hỏa tốc)")
    FLASH_TIMED = 4, _("Flash, timed (Hỏa tốc hẹn giờ)")


class Confidentiality(models.IntegerChoices):
    """Độ mật (Law on the Protection of State Secrets)."""

    NONE = 0, _("Not confidential")
    CONFIDENTIAL = 1, _("Confidential (Mật)")
    SECRET = 2, _("Secret (Tối mật)")
    TOP_SECRET = 3, _("Top secret (Tuyệt mật)")


class RegisterKind(models.TextChoices):
    """Sổ văn bản (Decree 30/2020, Điều 15 and 22)."""

    INCOMING = "incoming", _("Incoming register (sổ văn bản đến)")
    OUTGOING = "outgoing", _("Outgoing register (sổ văn bản đi)")
    OUTGOING_CONFIDENTIAL = (
        "outgoing_confidential",
        _("Confidential outgoing register (sổ văn bản mật)"),
    )


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    RECEIVED = "received", _("Received, awaiting registration")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Returned to the sender")
    ISSUED = "issued", _("Issued")
    RECALLED = "recalled", _("Recalled")


class NumberStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    USED = "used", _("Used")
    RELEASED = "released", _("Released (not used)")


class ProcessingStatus(models.TextChoices):
    """Text extraction and OCR of an attachment, done in the background."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")
    FAILED = "failed", _("Failed")


# Content types accepted as attachments, recognised from the content (libmagic), not the name.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/tiff"}
