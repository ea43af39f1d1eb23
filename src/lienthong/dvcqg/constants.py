"""Choices and formats of the national public-service portal synchronisation (docs/dvcqg.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Mã TTHC in the national database of administrative procedures: d.dddddd (1.001776, 2.000635).
PROCEDURE_CODE_RE = r"^[12]\.\d{6}$"
# The portal's date format (yyyyMMddHHmmss, Vietnam time).
DATE_FORMAT = "%Y%m%d%H%M%S"
# The portal's service names (reference §4.6); the pull and confirm services are ours, see the doc.
SYNC_SERVICE = "DongBoHoSoMC"
NEW_DOSSIERS_SERVICE = "LayDanhSachHoSoMoi"
CONFIRM_SERVICE = "XacNhanHoSo"
LOOKUP_SERVICE = "TraCuuHoSo"
PROGRESS_SERVICE = "CapNhatTienDoHoSoMC"
PROCEDURE_SERVICE = "LayThuTuc"
# The papers of a pulled dossier: at most this many, each at most the upload limit.
MAX_PAPERS = 30
# The longest pause between two attempts of a push (the back-off doubles up to it).
MAX_BACKOFF_SECONDS = 3600


class PushState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent, not acknowledged")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Refused by the portal")


class PushKind(models.TextChoices):
    """What a row of the outbox carries (all kinds of a dossier go in one sequence)."""

    STATUS = "status", _("Status")  # DongBoHoSoMC: the dossier record, its status changed
    PROGRESS = "progress", _("Progress")  # CapNhatTienDoHoSoMC: one processing step
    FEE = "fee", _("Fee")  # DongBoHoSoMC: the record again, its fee now paid


# Which history entries (onestop HandOverAction) are pushed as progress: the officials' steps
# and what the applicant is told; not the creation or submission (the status says it), nor the
# internal warnings and notes.
PROGRESS_ACTIONS = frozenset(
    {
        "received",
        "supplement_requested",
        "resubmitted",
        "refused",
        "forwarded",
        "assigned",
        "consulted",
        "answered",
        "proposed",
        "approved",
        "apologised",
        "result_ready",
        "returned",
        "withdrawn",
        "stopped",
        "fee_paid",
    }
)
