"""Choices of the quality management system, and the standard's versions as data.

The version an agency applies (ISO 9001:2008 under Decision 144/2006/QĐ-TTg as amended by
Decision 118/2009/QĐ-TTg; TCVN ISO 9001:2015 under Decision 19/2014/QĐ-TTg as amended by
Decision 101/2018/QĐ-TTg) is a row (`StandardVersion`), with its clauses and its
management-review inputs: loaded by migration `0002_standard_versions` from `VERSIONS`, so a
new edition is data, not code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role


class Indicator(models.TextChoices):
    """A measurable indicator an objective is bound to, computed from the platform's data."""

    ONESTOP_ON_TIME = "onestop_on_time", _("Dossiers returned on time (%)")
    SATISFACTION = "satisfaction", _("Applicants satisfied (%)")
    DOCUMENTS_ON_TIME = "documents_on_time", _("Assignments finished (%)")


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


class FindingKind(models.TextChoices):
    NONCONFORMITY = "nonconformity", _("Nonconformity")
    OBSERVATION = "observation", _("Observation")


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("Corrective action")
    PREVENTIVE = "preventive", _("Preventive action")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done, awaiting verification")
    CLOSED = "closed", _("Closed (effective)")
    REOPENED = "reopened", _("Not effective, reopened")


# Who keeps the quality system and audits: the quality officer (thư ký ISO); its leaders read it.
KEEPER_ROLES = (Role.QUALITY_OFFICER,)
READER_ROLES = (Role.QUALITY_OFFICER, Role.AGENCY_LEADER)

# Review-input sources: what the platform computes for an input (empty: written by hand).
SOURCES = ("audits", "feedback", "objectives", "process", "actions", "previous", "")

VERSIONS: tuple[dict[str, object], ...] = (
    {
        "code": "2008",
        "title": "ISO 9001:2008 (TCVN ISO 9001:2008)",
        "legal_basis": (
            "Quyết định 144/2006/QĐ-TTg, sửa đổi, bổ sung bởi Quyết định 118/2009/QĐ-TTg"
        ),
        "preventive_action": True,
        "review_clause": "5.6.2",
        "clauses": [
            ("4.1", "Yêu cầu chung"),
            ("4.2.2", "Sổ tay chất lượng"),
            ("4.2.3", "Kiểm soát tài liệu"),
            ("4.2.4", "Kiểm soát hồ sơ"),
            ("5.1", "Cam kết của lãnh đạo"),
            ("5.3", "Chính sách chất lượng"),
            ("5.4.1", "Mục tiêu chất lượng"),
            ("5.6", "Xem xét của lãnh đạo"),
            ("6.2", "Nguồn nhân lực"),
            ("7.2", "Các quá trình liên quan đến khách hàng"),
            ("7.5", "Sản xuất và cung cấp dịch vụ"),
            ("8.2.1", "Sự thỏa mãn của khách hàng"),
            ("8.2.2", "Đánh giá nội bộ"),
            ("8.2.3", "Theo dõi và đo lường các quá trình"),
            ("8.3", "Kiểm soát sản phẩm không phù hợp"),
            ("8.4", "Phân tích dữ liệu"),
            ("8.5.2", "Hành động khắc phục"),
            ("8.5.3", "Hành động phòng ngừa"),
        ],
        "inputs": [
            ("a", "Kết quả của các cuộc đánh giá", "audits"),
            ("b", "Phản hồi của khách hàng", "feedback"),
            ("c", "Việc thực hiện các quá trình và sự phù hợp của sản phẩm", "process"),
            ("d", "Tình trạng của các hành động khắc phục và phòng ngừa", "actions"),
            ("e", "Các hành động tiếp theo từ các cuộc xem xét của lãnh đạo lần trước", "previous"),
            ("f", "Những thay đổi có thể ảnh hưởng đến hệ thống quản lý chất lượng", ""),
            ("g", "Các khuyến nghị về cải tiến", ""),
            ("m", "Mức độ đạt mục tiêu chất lượng", "objectives"),
        ],
    },
    {
        "code": "2015",
        "title": "TCVN ISO 9001:2015",
        "legal_basis": (
            "Quyết định 19/2014/QĐ-TTg, sửa đổi, bổ sung bởi Quyết định 101/2018/QĐ-TTg"
        ),
        "preventive_action": False,
        "review_clause": "9.3.2",
        "clauses": [
            ("4.1", "Hiểu tổ chức và bối cảnh của tổ chức"),
            ("4.2", "Hiểu nhu cầu và mong đợi của các bên quan tâm"),
            ("4.3", "Xác định phạm vi của hệ thống quản lý chất lượng"),
            ("4.4", "Hệ thống quản lý chất lượng và các quá trình"),
            ("5.2", "Chính sách chất lượng"),
            ("6.1", "Hành động giải quyết rủi ro và cơ hội"),
            ("6.2", "Mục tiêu chất lượng và hoạch định để đạt được mục tiêu"),
            ("7.2", "Năng lực"),
            ("7.5", "Thông tin dạng văn bản"),
            ("8.2", "Yêu cầu đối với sản phẩm và dịch vụ"),
            ("8.5", "Sản xuất và cung cấp dịch vụ"),
            ("8.7", "Kiểm soát đầu ra không phù hợp"),
            ("9.1.2", "Sự thỏa mãn của khách hàng"),
            ("9.2", "Đánh giá nội bộ"),
            ("9.3", "Xem xét của lãnh đạo"),
            ("10.2", "Sự không phù hợp và hành động khắc phục"),
            ("10.3", "Cải tiến liên tục"),
        ],
        "inputs": [
            (
                "a",
                "Tình trạng của các hành động từ các cuộc xem xét của lãnh đạo trước đó",
                "previous",
            ),
            ("b", "Những thay đổi về các vấn đề bên ngoài và nội bộ liên quan", ""),
            ("c1", "Sự thỏa mãn của khách hàng và phản hồi từ các bên quan tâm", "feedback"),
            ("c2", "Mức độ đạt được các mục tiêu chất lượng", "objectives"),
            ("c3", "Kết quả thực hiện quá trình và sự phù hợp của sản phẩm, dịch vụ", "process"),
            ("c4", "Sự không phù hợp và hành động khắc phục", "actions"),
            ("c6", "Kết quả đánh giá", "audits"),
            ("d", "Sự thỏa đáng của các nguồn lực", ""),
            ("e", "Hiệu lực của các hành động giải quyết rủi ro và cơ hội", ""),
            ("f", "Các cơ hội cải tiến", ""),
        ],
    },
)
