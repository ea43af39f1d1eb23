"""Choices of the one-stop shop: dossier statuses and their national-portal codes, channels,
process-step states, hand-over actions, outcomes and ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting reception")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    REFUSED = "refused", _("Not received")
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Being processed")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment of the fee")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")
    DONE = "done", _("Result ready")
    RETURNED = "returned", _("Result returned")


# TrangThaiHoSo of the national public-service portal (Cổng DVCQG), codes 1-10 (docs/glossary.md).
PORTAL_STATUS: dict[str, int | None] = {
    DossierStatus.DRAFT: None,
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.DONE: 9,
    DossierStatus.RETURNED: 10,
}

# The portal's own names of its codes (shown next to the code; legal wording, not translated).
PORTAL_STATUS_NAMES: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# Allowed transitions: every status change goes through a service that checks this table.
TRANSITIONS: dict[str, set[str]] = {
    DossierStatus.DRAFT: {DossierStatus.SUBMITTED, DossierStatus.WITHDRAWN},
    DossierStatus.SUBMITTED: {
        DossierStatus.RECEIVED,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
    },
    DossierStatus.SUPPLEMENT_REQUESTED: {
        DossierStatus.SUBMITTED,
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
    },
    DossierStatus.RECEIVED: {
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.STOPPED,
        DossierStatus.WITHDRAWN,
        DossierStatus.DONE,
    },
    DossierStatus.PROCESSING: {
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.STOPPED,
        DossierStatus.WITHDRAWN,
        DossierStatus.DONE,
    },
    DossierStatus.AWAITING_PAYMENT: {DossierStatus.PROCESSING, DossierStatus.WITHDRAWN},
    DossierStatus.DONE: {DossierStatus.RETURNED},
    DossierStatus.REFUSED: set(),
    DossierStatus.WITHDRAWN: set(),
    DossierStatus.STOPPED: set(),
    DossierStatus.RETURNED: set(),
}

OPEN_STATUSES = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.AWAITING_PAYMENT,
)
CLOSED_STATUSES = (
    DossierStatus.REFUSED,
    DossierStatus.WITHDRAWN,
    DossierStatus.STOPPED,
    DossierStatus.RETURNED,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("On-line")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class ApplicantKind(models.TextChoices):
    """LoaiDoiTuong of the national portal: 1 citizen, 2 business or organisation."""

    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business or organisation")


class StepState(models.TextChoices):
    WAITING = "waiting", _("Not started")
    QUEUED = "queued", _("In the unit's queue")
    ASSIGNED = "assigned", _("Being examined")
    PROPOSED = "proposed", _("Awaiting approval")
    DONE = "done", _("Done")


class SupplementPhase(models.TextChoices):
    RECEPTION = "reception", _("At reception")
    PROCESSING = "processing", _("During processing")


class Outcome(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class HandOverAction(models.TextChoices):
    CREATED = "created", _("Dossier created")
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received at the counter")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    RESUBMITTED = "resubmitted", _("Supplement supplied")
    REFUSED = "refused", _("Refused")
    FORWARDED = "forwarded", _("Handed over")
    ASSIGNED = "assigned", _("Handler assigned")
    CONSULTED = "consulted", _("Opinion requested")
    ANSWERED = "answered", _("Opinion given")
    PROPOSED = "proposed", _("Proposal submitted")
    APPROVED = "approved", _("Approved")
    APOLOGISED = "apologised", _("Apology and new date")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Processing stopped")
    FEE_PAID = "fee_paid", _("Fee paid")
    WARNED = "warned", _("Late warning")
    NOTED = "noted", _("Note")


class Satisfaction(models.IntegerChoices):
    """The counter-device scale used in practice (Decree 61/2018 Art. 27-32; docs/reports.md)."""

    VERY_SATISFIED = 4, _("Very satisfied")
    SATISFIED = 3, _("Satisfied")
    NEUTRAL = 2, _("Neutral")
    DISSATISFIED = 1, _("Dissatisfied")


# Dossier code: <agency code>-YYMMDD-NNNN (Decree 61/2018 Art. 26; Circular 01/2018 Art. 19).
DOSSIER_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"
# Supplement during processing: within `OneStopRules.supplement_days` working days of reception
# (3 under Decree 61/2018 Art. 19), read from the rules the dossier was received under.
# Late warning: one working day (8 hours) before the appointment.
WARNING_HOURS = 8

# What the applicant sees of the history (citizen page, public tracking): these steps are the
# officials' own work and do not appear at all; of the others, the note shows only when it was
# sent to the applicant (HandOver.to_applicant).
INTERNAL_ACTIONS = frozenset(
    {
        HandOverAction.ASSIGNED,
        HandOverAction.CONSULTED,
        HandOverAction.ANSWERED,
        HandOverAction.PROPOSED,
        HandOverAction.WARNED,
    }
)
# Notes that are messages to the applicant by their nature (Mẫu 02, 03, 04 and a stop's reason).
APPLICANT_ACTIONS = frozenset(
    {
        HandOverAction.SUPPLEMENT_REQUESTED,
        HandOverAction.REFUSED,
        HandOverAction.STOPPED,
        HandOverAction.APOLOGISED,
    }
)
