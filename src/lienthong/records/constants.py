"""Choices and fixed rules of work files (hồ sơ công việc, Decree 30/2020 Điều 28-31)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role


class CaseFileStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# The allowed transitions; each one is a service (close_file, reopen_file). Deposit to the
# agency archive (nộp lưu) will add CLOSED → DEPOSITED.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseFileStatus.OPEN: frozenset({CaseFileStatus.CLOSED}),
    CaseFileStatus.CLOSED: frozenset({CaseFileStatus.OPEN}),
}


class Rights(models.TextChoices):
    """Chế độ sử dụng (`Rights`, Phụ lục VI part III). The three values are those used in
    practice by archive systems; no official list was found (unverified)."""

    PUBLIC = "public", _("Public (Công khai)")
    RESTRICTED = "restricted", _("Restricted (Hạn chế sử dụng)")
    CONFIDENTIAL = "confidential", _("Confidential (Mật)")


# The value written in the exported metadata (`Rights`, String 30).
RIGHTS_LABELS_VI: dict[str, str] = {
    Rights.PUBLIC: "Công khai",
    Rights.RESTRICTED: "Hạn chế sử dụng",
    Rights.CONFIDENTIAL: "Mật",
}


class CatalogNumbering(models.TextChoices):
    """How the ordinals of số và ký hiệu hồ sơ run in a catalogue (Phụ lục V): either
    restarting at 01 inside each large heading or continuous over the whole catalogue."""

    PER_HEADING = "per_heading", _("Restart at 01 in each heading (unit)")
    CONTINUOUS = "continuous", _("Continuous over the whole catalogue")


DEFAULT_LANGUAGE = "Tiếng Việt"

# DocOrdinal is Number(3) in the data standard: at most 999 documents in a file.
MAX_DOC_ORDINAL = 999

# Who may open work files (the one who opens becomes, by default, the file's creator —
# người lập hồ sơ) and who may plan the agency's catalogue (danh mục hồ sơ).
FILING_ROLES = (Role.CLERK, Role.SPECIALIST)
CATALOGUE_ROLES = (Role.CLERK, Role.AGENCY_LEADER)
# Besides its creator, who may change any file of the agency (add or withdraw documents, close,
# reopen): the clerk who keeps the files and the agency's leaders. A unit leader may change
# the files of their own unit.
FILE_KEEPER_ROLES = (Role.CLERK, Role.AGENCY_LEADER)
# Who sees a file whose rights are “Mật”, besides its creator (as for confidential documents).
CONFIDENTIAL_FILE_READERS = (Role.CLERK, Role.AGENCY_LEADER)

# Số và ký hiệu hồ sơ: the ordinal (Arabic numerals) and the abbreviation of the large
# heading, separated by a dot, e.g. 05.TCCB (FileNotation, String 20).
FILE_NOTATION_PATTERN = r"^\d{1,3}\.[A-ZĐ][A-Za-zĐđ0-9&-]{0,15}$"
