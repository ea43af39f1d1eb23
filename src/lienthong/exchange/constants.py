from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    """Where a delivered document stands at its recipient: the edXML status codes (QCVN 102),
    with "00" for a delivery not yet made by the background job."""

    SENDING = "00", _("Sending")
    RECEIVED = "01", _("Received (đã đến)")
    REJECTED = "02", _("Rejected (từ chối tiếp nhận)")
    ACCEPTED = "03", _("Registered (đã tiếp nhận)")
    ASSIGNED = "04", _("Assigned (phân công)")
    PROCESSING = "05", _("Being processed (đang xử lý)")
    COMPLETED = "06", _("Completed (hoàn thành)")


class RecallStatus(models.TextChoices):
    NONE = "", _("No recall")
    REQUESTED = "13", _("Recall requested (thu hồi)")
    AGREED = "15", _("Recall agreed")
    REFUSED = "16", _("Recall refused")


# The processing states a recipient reports, in the only order they may move.
PROGRESS_ORDER: list[str] = [
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.ASSIGNED,
    DeliveryStatus.PROCESSING,
    DeliveryStatus.COMPLETED,
]


class AxisTransport(models.TextChoices):
    """Where a package stands with the axis itself (not the recipient's processing)."""

    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Accepted by the axis")
    FAILED = "failed", _("Refused by the axis")


class PackageDirection(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")


class PackageKind(models.TextChoices):
    MESSAGE = "message", _("Document")
    STATUS = "status", _("Status")


class PackageOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DUPLICATE = "duplicate", _("Duplicate (already received)")
    REFUSED = "refused", _("Refused")


class BusinessType(models.IntegerChoices):
    """edXML TraceHeaderList/Bussiness/BussinessDocType."""

    NEW = 0, _("New document")
    REVOKE = 1, _("Revocation")
    UPDATE = 2, _("Update")
    REPLACE = 3, _("Replacement")


# Statuses a recipient reports on a package, in the order they may move (01 → 06).
AXIS_PROGRESS: list[str] = ["01", "03", "04", "05", "06"]


class RequestAnswer(models.TextChoices):
    """Our clerk's answer to a revocation, update or replacement received over the axis."""

    NONE = "", _("Nothing to answer")
    PENDING = "pending", _("Waiting for the clerk's answer")
    AGREED = "15", _("Agreed (15)")
    REFUSED = "16", _("Refused (16)")
