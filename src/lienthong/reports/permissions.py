"""Who may read the one-stop evaluation, and over which dossiers; who fills in, submits, receives
and returns periodic reports (the single chokepoint of the reporting objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier

from .constants import EDITABLE, FILLERS, RECEIVERS, SUBMITTERS, ReportStatus
from .models import AgencyReport, ReportForm, ReportingPeriod

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


@dataclass(frozen=True)
class ReportScope:
    dossiers: QuerySet[Dossier]
    agencies: QuerySet[Agency]
    officers: Q | None  # which officers' rows the viewer may see (None: all)


def may_read_reports(user: Any) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_system_admin or (user.agency_id and user.has_role(Role.AGENCY_LEADER)))


def access_reports(user: User | AnonymousUser) -> ReportScope:
    """A system administrator sees every agency; an agency leader their own agency's dossiers
    and officers; everybody else gets 404 (the page does not exist for them)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        raise Http404
    submitted = Dossier.objects.exclude(status=DossierStatus.DRAFT)
    if user.is_system_admin:
        return ReportScope(submitted, Agency.objects.all(), None)
    if user.agency_id and user.has_role(Role.AGENCY_LEADER):
        return ReportScope(
            submitted.filter(agency_id=user.agency_id),
            Agency.objects.filter(pk=user.agency_id),
            Q(handler__agency_id=user.agency_id),
        )
    raise Http404


# --- The leaders' dashboard, processing statistics and the Decision 766 index -----------------


def leader_agencies(user: Any) -> QuerySet[Agency] | None:
    """The agencies whose figures the user reads on the leaders' pages: every agency for the
    system administrator and for the leaders of the provincial People's Committee (the province
    sees the province); their own agency for any other agency leader; None for everybody else."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return None
    if user.is_system_admin:
        return Agency.objects.all()
    if not (user.agency_id and user.has_role(Role.AGENCY_LEADER)):
        return None
    if user.agency.kind == AgencyKind.PROVINCIAL_COMMITTEE:
        return Agency.objects.all()
    return Agency.objects.filter(pk=user.agency_id)


def access_leader_agencies(user: User | AnonymousUser) -> QuerySet[Agency]:
    """The chokepoint of the leaders' pages: 404 for whoever is not a leader."""
    agencies = leader_agencies(user)
    if agencies is None:
        raise Http404
    return agencies


# --- Periodic reporting (chế độ báo cáo) ---------------------------------------------------------


def _member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.agency_id)


def _holds(user: Any, roles: frozenset[str]) -> bool:
    return any(user.has_role(role) for role in roles)


def may_use_periodic_reports(user: Any) -> bool:
    """Whether the menu shows periodic reporting: an agency's reporting officer or leader, or
    the system administrator."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_system_admin or (_member(user) and _holds(user, FILLERS | RECEIVERS)))


def access_report(user: User | AnonymousUser, pk: Any) -> AgencyReport:
    try:
        return (
            AgencyReport.objects.visible_to(user)
            .select_related("agency", "period__form__aggregator", "period__version")
            .get(pk=pk)
        )
    except (AgencyReport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_form(user: User | AnonymousUser, pk: Any) -> ReportForm:
    """The forms the user's agency aggregates (the system administrator: all)."""
    try:
        return ReportForm.objects.aggregated_by(user).select_related("aggregator").get(pk=pk)
    except (ReportForm.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_period(user: User | AnonymousUser, pk: Any) -> ReportingPeriod:
    try:
        forms = ReportForm.objects.aggregated_by(user)
        return (
            ReportingPeriod.objects.filter(form__in=forms)
            .select_related("form__aggregator", "version")
            .get(pk=pk)
        )
    except (ReportingPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def can_open_period(user: Any, form: ReportForm) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if user.is_system_admin:
        return True
    return _member(user) and user.agency_id == form.aggregator_id and _holds(user, RECEIVERS)


def can_fill(user: Any, report: AgencyReport) -> bool:
    return (
        _member(user)
        and user.agency_id == report.agency_id
        and _holds(user, FILLERS)
        and report.status in EDITABLE
    )


def can_submit(user: Any, report: AgencyReport) -> bool:
    return (
        _member(user)
        and user.agency_id == report.agency_id
        and _holds(user, SUBMITTERS)
        and report.status in EDITABLE
    )


def can_take_back(user: Any, report: AgencyReport) -> bool:
    """Take back a report waiting for its signed document, before the document is issued: the
    agency's leader (who approved it)."""
    draft = report.document_draft
    return (
        _member(user)
        and user.agency_id == report.agency_id
        and _holds(user, SUBMITTERS)
        and report.status == ReportStatus.AWAITING_DOCUMENT
        and (draft is None or draft.document_id is None)
    )


def can_review(user: Any, report: AgencyReport) -> bool:
    """Accept or return: the aggregating agency's reporting officer or leader."""
    return (
        _member(user)
        and user.agency_id == report.period.form.aggregator_id
        and _holds(user, RECEIVERS)
        and report.status == ReportStatus.SUBMITTED
    )


def can_send_national(user: Any, report: AgencyReport) -> bool:
    """Send an accepted report to the national reporting system: the aggregating agency's
    reporting officer or leader."""
    return (
        _member(user)
        and user.agency_id == report.period.form.aggregator_id
        and _holds(user, RECEIVERS)
        and report.status == ReportStatus.ACCEPTED
    )


def can_define_forms(user: Any, form: ReportForm | None = None) -> bool:
    """Define a new version of a form: the system administrator (any form); the reporting
    officer or leader of the agency that aggregates the form."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if user.is_system_admin:
        return True
    return (
        form is not None
        and _member(user)
        and user.agency_id == form.aggregator_id
        and _holds(user, RECEIVERS)
    )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
