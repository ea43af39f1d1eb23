"""Choices and state tables of periodic reporting (chế độ báo cáo, Decree 09/2019/NĐ-CP)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lienthong.accounts.constants import Role


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SIX_MONTHLY = "six_monthly", _("Six-monthly")
    YEARLY = "yearly", _("Yearly")
    AD_HOC = "ad_hoc", _("Ad hoc")


class IndicatorType(models.TextChoices):
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    PERCENTAGE = "percentage", _("Percentage")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")


NUMERIC_TYPES = frozenset({IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENTAGE})


class Aggregation(models.TextChoices):
    """How the aggregating agency combines the submitted reports' values of an indicator."""

    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    FORMULA = "formula", _("Recomputed from the totals by its formula")
    NONE = "none", _("Not aggregated")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report status", "Being filled in")
    # Submitted as a signed document: approved by the leader, the document still on its way
    # (drafting, signature, issue) to the aggregating agency; it counts once it has arrived.
    AWAITING_DOCUMENT = (
        "awaiting_document",
        pgettext_lazy("report status", "Awaiting its signed document"),
    )
    SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("report status", "Accepted")
    RETURNED = "returned", pgettext_lazy("report status", "Returned")


EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
# Reports the aggregate counts (a returned report is back with its agency, and one whose signed
# document has not arrived at the aggregating agency is not there yet: both are gaps).
COUNTED = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED})
# Not in by the deadline: being filled in, or its signed document not yet arrived.
NOT_IN = frozenset({ReportStatus.DRAFT, ReportStatus.AWAITING_DOCUMENT})
TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED, ReportStatus.AWAITING_DOCUMENT}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED, ReportStatus.AWAITING_DOCUMENT}),
    # The document arrives at the aggregating agency (exchange's DocumentDelivered), or the
    # agency's leader takes the report back while its document is not issued.
    ReportStatus.AWAITING_DOCUMENT: frozenset({ReportStatus.SUBMITTED, ReportStatus.DRAFT}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.ACCEPTED, ReportStatus.RETURNED}),
    ReportStatus.ACCEPTED: frozenset(),
}
# Outside these steps, one path back: the agency recalls its report's signed document and the
# aggregating agency's copy is withdrawn (exchange's DocumentRecalled): the report is RETURNED
# from wherever its document got to — on its way, arrived, or even accepted.
RECALLABLE = frozenset(
    {ReportStatus.AWAITING_DOCUMENT, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED}
)
# Who fills in a report (the agency's reporting officer; its leader may too) and who submits it.
FILLERS = frozenset({Role.REPORT_OFFICER, Role.AGENCY_LEADER})
SUBMITTERS = frozenset({Role.AGENCY_LEADER})
# Who, at the aggregating agency, opens periods and accepts or returns reports.
RECEIVERS = frozenset({Role.REPORT_OFFICER, Role.AGENCY_LEADER})
DEFAULT_DEADLINE_DAYS = 5
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
