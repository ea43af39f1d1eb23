"""Choices and data of IT training (đào tạo, bồi dưỡng CNTT).

The national IT-skills standard (Chuẩn kỹ năng sử dụng CNTT, Circular 03/2014/TT-BTTTT,
Phụ lục 01 and 02) is data: its fifteen modules are loaded by a migration (`SKILL_MODULES`)
into `SkillModule`, next to the platform's own modules and the specialist ones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role

STANDARD_2014 = "03/2014/TT-BTTTT"


class ModuleLevel(models.TextChoices):
    BASIC = "basic", _("Basic IT skills")
    ADVANCED = "advanced", _("Advanced IT skills")
    PLATFORM = "platform", _("Platform module")
    SPECIALIST = "specialist", _("Specialist (network, security)")


class Topic(models.TextChoices):
    BASIC = "basic", _("Basic IT skills")
    ADVANCED = "advanced", _("Advanced IT skills")
    PLATFORM = "platform", _("Using the platform")
    NETWORK = "network", _("Network administration")
    SECURITY = "security", _("Information security")


class ClassStatus(models.TextChoices):
    OPEN = "open", _("Open for nominations")
    CLOSED = "closed", _("Nominations closed")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Result(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


# Who nominates an agency's officials for a class.
NOMINATOR_ROLES = (Role.AGENCY_LEADER, Role.CLERK)

# (code, name, level): Thông tư 03/2014/TT-BTTTT, Phụ lục 01 (IU01-IU06) and 02 (IU07-IU15),
# then the platform's own modules and the specialist ones (codes of this installation).
SKILL_MODULES: tuple[tuple[str, str, str], ...] = (
    ("IU01", "Hiểu biết về CNTT cơ bản", ModuleLevel.BASIC),
    ("IU02", "Sử dụng máy tính cơ bản", ModuleLevel.BASIC),
    ("IU03", "Xử lý văn bản cơ bản", ModuleLevel.BASIC),
    ("IU04", "Sử dụng bảng tính cơ bản", ModuleLevel.BASIC),
    ("IU05", "Sử dụng trình chiếu cơ bản", ModuleLevel.BASIC),
    ("IU06", "Sử dụng Internet cơ bản", ModuleLevel.BASIC),
    ("IU07", "Xử lý văn bản nâng cao", ModuleLevel.ADVANCED),
    ("IU08", "Sử dụng bảng tính nâng cao", ModuleLevel.ADVANCED),
    ("IU09", "Sử dụng trình chiếu nâng cao", ModuleLevel.ADVANCED),
    ("IU10", "Sử dụng hệ quản trị cơ sở dữ liệu", ModuleLevel.ADVANCED),
    ("IU11", "Thiết kế đồ họa hai chiều", ModuleLevel.ADVANCED),
    ("IU12", "Biên tập ảnh", ModuleLevel.ADVANCED),
    ("IU13", "Biên tập trang thông tin điện tử", ModuleLevel.ADVANCED),
    ("IU14", "An toàn, bảo mật thông tin", ModuleLevel.ADVANCED),
    ("IU15", "Sử dụng phần mềm kế hoạch dự án", ModuleLevel.ADVANCED),
    ("LT-VB", "Hệ thống quản lý văn bản và điều hành", ModuleLevel.PLATFORM),
    ("LT-MC", "Một cửa điện tử, dịch vụ công trực tuyến", ModuleLevel.PLATFORM),
    ("LT-KS", "Chữ ký số", ModuleLevel.PLATFORM),
    ("CN-QTM", "Quản trị mạng", ModuleLevel.SPECIALIST),
    ("CN-ATTT", "An toàn thông tin (chuyên sâu)", ModuleLevel.SPECIALIST),
)
