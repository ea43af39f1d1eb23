from django.db import models
from django.utils.translation import gettext_lazy as _

# The password of every demo account (`load_demo`, the demo applicants, the tests' fixtures):
# printed on purpose, it opens demo accounts only.
DEMO_PASSWORD = "camau-demo-2012"  # noqa: S105


class AgencyKind(models.TextChoices):
    """What an agency is. The tree (parent links) says where it sits, so a three-tier
    (province, district, commune) and the 2025 two-tier (province, commune) structure both fit."""

    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial People's Committee")
    PROVINCIAL_COUNCIL = "provincial_council", _("Provincial People's Council")
    COMMITTEE_OFFICE = "committee_office", _("Office of a People's Committee")
    DEPARTMENT = "department", _("Department, board or sector agency")
    DISTRICT_COMMITTEE = "district_committee", _("District or city People's Committee")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune, ward or town People's Committee")
    SERVICE_CENTER = "service_center", _("Public administrative service centre")
    OTHER = "other", _("Other agency")


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk (văn thư)")
    SPECIALIST = "specialist", _("Specialist (chuyên viên)")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    ONESTOP_OFFICER = "onestop_officer", _("One-stop officer")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    # Edits the agency's site on the provincial e-portal (biên tập viên cổng thông tin).
    PORTAL_EDITOR = "portal_editor", _("Portal editor")
    # Keeps the leaders' work schedules and books meetings (thư ký lịch công tác).
    SCHEDULE_OFFICER = "schedule_officer", _("Schedule officer")
    # Fills in and follows the agency's periodic reports (cán bộ báo cáo thống kê).
    REPORT_OFFICER = "report_officer", _("Reporting officer")
    # Organises IT training classes and approves enrolments (cán bộ tổ chức đào tạo).
    TRAINING_ORGANISER = "training_organiser", _("Training organiser")
    # Keeps the agency's ISO 9001 quality system and audits it (thư ký ISO, đánh giá viên).
    QUALITY_OFFICER = "quality_officer", _("Quality officer (ISO)")


# Electronic identifier code of an agency (mã định danh điện tử, QCVN 102:2016):
# V1V2V3.Z1Z2.Y1Y2.MX1X2
AGENCY_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
