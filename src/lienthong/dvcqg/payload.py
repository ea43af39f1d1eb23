"""The portal's payload shapes (reference §4.6): a dossier record of `DongBoHoSoMC` built from
one of our dossiers at the moment of a status change, and the check of a dossier record the
portal hands us when we pull (docs/dvcqg.md, "Payloads")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lienthong.onestop.constants import PORTAL_STATUS, ApplicantKind, HandOverAction
from lienthong.onestop.models import Dossier, HandOver

from .constants import DATE_FORMAT, MAX_PAPERS

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
        "DanhSachLePhi": fee_list(dossier),
        "DanhSachGiayToKetQua": result_list(dossier),
    }


# Fee collection (HinhThucThu, assumed): 1 at the counter or by transfer, 2 paid on-line.
FEE_AT_COUNTER, FEE_ONLINE = 1, 2


def fee_list(dossier: Dossier) -> list[dict[str, Any]]:
    """`DanhSachLePhi`: the dossier's fee, with whether and when it was paid (the payment
    fields TrangThaiThanhToan, NgayThanhToan, MaGiaoDich are ours, see docs/dvcqg.md)."""
    if not dossier.fee_vnd:
        return []
    note = dossier.procedure.fee_note.strip()
    return [
        {
            "TenPhiLePhi": (note or "Phí, lệ phí")[:300],
            "MaPhiLePhi": "",
            "HinhThucThu": FEE_ONLINE if dossier.payment_reference else FEE_AT_COUNTER,
            "Gia": dossier.fee_vnd,
            "LoaiPhiLePhi": 1,
            "TrangThaiThanhToan": 1 if dossier.fee_paid_at else 0,
            "NgayThanhToan": portal_date(dossier.fee_paid_at),
            "MaGiaoDich": dossier.payment_reference,
        }
    ]


RESULT_LINK_SALT = "dvcqg.result-file"


def result_link(dossier: Dossier, version_id: int) -> str:
    """The address where the portal downloads the electronic result: signed, no log-in."""
    token = signing.dumps({"d": dossier.pk, "v": version_id}, salt=RESULT_LINK_SALT)
    base = settings.LIENTHONG_SITE_URL.rstrip("/")
    return f"{base}{reverse('dvcqg:result-file')}?t={token}"


def result_list(dossier: Dossier) -> list[dict[str, Any]]:
    """`DanhSachGiayToKetQua`: the issued result (its number and name), with the address of
    the electronic result when the agency sealed it (a paper-only result has none)."""
    document = dossier.result_document
    if document is None or dossier.status not in ("done", "returned"):
        return []
    sealed = dossier.result_file
    return [
        {
            "TenGiayTo": f"{dossier.procedure.result_name or document.subject}"[:500],
            "MaThanhPhanHoSo": "",
            "GiayToId": document.number_and_symbol or str(document.pk),
            "DuongDanTepTinKetQua": result_link(dossier, sealed.pk) if sealed else "",
            "MaBam": sealed.blob.sha256 if sealed else "",
        }
    ]


def progress_record(entry: HandOver, *, tracking_code: str = "") -> dict[str, Any]:
    """One step of the processing as `CapNhatTienDoHoSoMC` carries it (reference §4.6)."""
    dossier = entry.dossier
    actor = entry.actor
    step = entry.step
    unit = (step.unit if step else None) or entry.to_unit or (actor.unit if actor else None)
    with translation.override("vi"):
        what = str(HandOverAction(entry.action).label)
    if entry.to_applicant and entry.note.strip():
        what = f"{what}: {entry.note.strip()}"
    position = getattr(actor, "position", None) if actor else None
    return {
        "MaHoSo": tracking_code or dossier.code or "",
        "NguoiXuLy": actor.full_name if actor else "Hệ thống",
        "ChucDanh": str(position)[:200] if position else "",
        "ThoiDiemXuLy": portal_date(entry.at),
        "PhongBanXuLy": (unit.name if unit else dossier.agency.name)[:300],
        "NoiDungXuLy": what[:2000],
        "TrangThai": PORTAL_STATUS.get(entry.status_after) or 0,
        "NgayBatDau": portal_date((step.started_at if step else None) or entry.at),
        "NgayKetThucTheoQuyDinh": portal_date(
            (step.deadline_at if step else None) or dossier.due_at
        ),
    }


@dataclass(frozen=True)
class FiledPaper:
    """One paper of a dossier filed on the portal (`TaiLieuNop`), to fetch and check. The
    declared type, size and hash (LoaiTep, KichThuoc, MaBam) are checked when given."""

    file_id: str
    name: str
    component_code: str
    url: str
    content_type: str
    size: int | None
    sha256: str


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
    papers: tuple[FiledPaper, ...] = ()


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
        papers=_read_papers(record.get("TaiLieuNop")),
    )


SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")


def _read_papers(items: Any) -> tuple[FiledPaper, ...]:
    if items in (None, ""):
        return ()
    if not isinstance(items, list):
        raise ValidationError(_("Field %(f)s is malformed.") % {"f": "TaiLieuNop"})
    if len(items) > MAX_PAPERS:
        raise ValidationError(_("The dossier has more than %(n)s papers.") % {"n": MAX_PAPERS})
    papers = []
    for item in items:
        if not isinstance(item, dict):
            raise ValidationError(_("Field %(f)s is malformed.") % {"f": "TaiLieuNop"})
        if item.get("IsDeleted") in (True, 1, "1", "true"):
            continue  # withdrawn by the applicant on the portal
        name = str(item.get("TenTepDinhKem") or "").strip()
        url = str(item.get("DuongDanTaiTepTin") or "").strip()
        if not name or not url or len(name) > 255 or len(url) > 2000:
            raise ValidationError(
                _("A paper (TaiLieuNop) has no name or no address: %(name)s") % {"name": name}
            )
        size = item.get("KichThuoc")
        if size not in (None, "") and (
            not str(size).isdigit() or isinstance(size, bool) or int(size) <= 0
        ):
            raise ValidationError(
                _("The declared size of “%(name)s” is malformed.") % {"name": name}
            )
        digest = str(item.get("MaBam") or "").strip()
        if digest and not SHA256_RE.match(digest):
            raise ValidationError(
                _("The declared hash of “%(name)s” is malformed.") % {"name": name}
            )
        papers.append(
            FiledPaper(
                file_id=str(item.get("TepDinhKemId") or "")[:64],
                name=name,
                component_code=str(item.get("MaThanhPhanHoSo") or "")[:64],
                url=url,
                content_type=str(item.get("LoaiTep") or "").strip()[:100],
                size=int(size) if size not in (None, "") else None,
                sha256=digest.lower(),
            )
        )
    return tuple(papers)
