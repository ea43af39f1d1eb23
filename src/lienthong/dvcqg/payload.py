"""The portal's payload shapes (reference §4.6): a dossier record of `DongBoHoSoMC` built from
one of our dossiers at the moment of a status change, and the check of a dossier record the
portal hands us when we pull (docs/dvcqg.md, "Payloads")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lienthong.onestop.constants import PORTAL_STATUS, ApplicantKind
from lienthong.onestop.models import Dossier

from .constants import DATE_FORMAT

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TRACKING_RE = re.compile(r"^[A-Za-z0-9.\-_/]{4,40}$")


def portal_date(value: datetime | None) -> str:
    return value.astimezone(TZ).strftime(DATE_FORMAT) if value else ""


def parse_portal_date(value: str) -> datetime:
    return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=TZ)


def dossier_record(dossier: Dossier, *, status: str, tracking_code: str = "") -> dict[str, Any]:
    """The dossier as `DongBoHoSoMC` carries it, with `status` (ours) as TrangThaiHoSo; MaTTHC
    is filled when the record is sent (the procedure's national code may be added later)."""
    procedure = dossier.procedure
    code = PORTAL_STATUS.get(status)
    if code is None:
        raise ValueError(f"status {status!r} has no national code")
    return {
        # A dossier filed on the portal keeps the portal's own code; SoBienNhan is ours.
        "MaHoSo": tracking_code or dossier.code or "",
        "SoBienNhan": dossier.code or "",
        "MaTTHC": "",
        "TenTTHC": procedure.name[:500],
        "MaLinhVuc": procedure.sector.code,
        "TenLinhVuc": procedure.sector.name,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": 1 if dossier.applicant_kind == ApplicantKind.CITIZEN else 2,
        "MaDoiTuong": dossier.applicant_id_number,
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.subject or procedure.name[:500],
        "NgayTiepNhan": portal_date(dossier.received_at),
        "NgayHenTra": portal_date(dossier.due_at),
        "TrangThaiHoSo": code,
        "NgayTra": portal_date(dossier.returned_at),
        "HinhThuc": 1 if dossier.by_post else 0,
        "NgayKetThucXuLy": portal_date(dossier.finished_at),
        "DonViXuLy": dossier.agency.name,
        "GhiChu": dossier.closing_reason[:500],
    }


@dataclass(frozen=True)
class FiledDossier:
    """A dossier filed on the portal, as we take it in (checked)."""

    tracking_code: str
    procedure_code: str
    kind: str
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    subject: str
    filed_at: datetime | None


def read_filed_dossier(record: Any) -> FiledDossier:
    """Check one record of the portal's list of new dossiers; a ValidationError says what is
    unusable (the record is then left on the portal and reported, never half-imported)."""
    if not isinstance(record, dict):
        raise ValidationError(_("Not a dossier record."))

    def text(key: str, limit: int, *, required: bool = True) -> str:
        value = record.get(key, "")
        value = "" if value is None else str(value).strip()
        if required and not value:
            raise ValidationError(_("Field %(f)s is missing.") % {"f": key})
        if len(value) > limit:
            raise ValidationError(_("Field %(f)s is too long.") % {"f": key})
        return value

    tracking = text("MaHoSo", 40)
    if not TRACKING_RE.match(tracking):
        raise ValidationError(_("Field %(f)s is malformed.") % {"f": "MaHoSo"})
    kind_code = record.get("LoaiDoiTuong")
    if kind_code not in (1, 2, "1", "2"):
        raise ValidationError(_("Field %(f)s is malformed.") % {"f": "LoaiDoiTuong"})
    filed = text("NgayNopHoSo", 14, required=False)
    try:
        filed_at = parse_portal_date(filed) if filed else None
    except ValueError as exc:
        raise ValidationError(_("Field %(f)s is malformed.") % {"f": "NgayNopHoSo"}) from exc
    return FiledDossier(
        tracking_code=tracking,
        procedure_code=text("MaTTHC", 8),
        kind=ApplicantKind.CITIZEN if str(kind_code) == "1" else ApplicantKind.BUSINESS,
        name=text("ChuHoSo", 200),
        id_number=text("MaDoiTuong", 13),
        phone=text("SoDienThoai", 15),
        email=text("Email", 254, required=False),
        address=text("DiaChi", 300, required=False),
        subject=text("TrichYeuHoSo", 500, required=False),
        filed_at=filed_at,
    )
