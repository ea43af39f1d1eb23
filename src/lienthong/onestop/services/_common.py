"""Helpers shared by the one-stop use cases: the clock, status moves checked against
the transition table, history entries with their audit event and the applicant's notice,
row locks, the officers to tell, text cleaning, handing a dossier to its next step, and the
rules on changing a dossier's papers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Unit, User
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.models import ProcedureComponent
from lienthong.core import workdays
from lienthong.core.audit import record_event
from lienthong.core.events import publish
from lienthong.notifications.channels import Contact
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.mail import absolute_url
from lienthong.notifications.models import NotificationPreference
from lienthong.notifications.services import notify, send_to_contact

from ..constants import (
    APPLICANT_ACTIONS,
    TRANSITIONS,
    DossierStatus,
    HandOverAction,
    StepState,
)
from ..events import DossierProgressed, DossierStatusChanged
from ..models import (
    Dossier,
    DossierStep,
    HandOver,
)


def _now() -> datetime:
    return timezone.now()


def _move(dossier: Dossier, status: DossierStatus) -> None:
    if status not in TRANSITIONS[dossier.status]:
        raise ValidationError(
            _("A dossier “%(status)s” cannot become “%(new)s”.")
            % {"status": dossier.get_status_display(), "new": status.label}
        )
    dossier.status = status


def _record(
    dossier: Dossier,
    action: HandOverAction,
    *,
    actor: User | None,
    step: DossierStep | None = None,
    note: str = "",
    to_agency: Any = None,
    to_unit: Unit | None = None,
    to_user: User | None = None,
    at: datetime | None = None,
    to_applicant: bool | None = None,
) -> HandOver:
    """Append one history entry (and its audit event). `to_applicant`: whether its note is a
    message to the applicant; by default so for supplement requests, refusals, stops and
    apologies, never otherwise. The applicant is told when the status changed (DVCQG code)
    or a message is sent to them (`_announce`)."""
    if to_applicant is None:
        to_applicant = action in APPLICANT_ACTIONS
    to_applicant = bool(to_applicant and note.strip())
    before = (
        HandOver.objects.filter(dossier=dossier)
        .order_by("-id")
        .values_list("status_after", flat=True)
        .first()
    )
    entry = HandOver.objects.create(
        dossier=dossier,
        step=step,
        action=action,
        at=at or _now(),
        actor=actor,
        from_agency_id=getattr(actor, "agency_id", None),
        to_agency=to_agency,
        to_unit=to_unit,
        to_user=to_user,
        status_after=dossier.status,
        note=note[:2000],
        to_applicant=to_applicant,
    )
    record_event(
        action=f"dossier.{action}",
        actor=actor,
        obj=dossier,
        data={
            "code": dossier.code,
            "status": dossier.status,
            "note": note[:200],
            "to_applicant": to_applicant,
        },
    )
    if before != dossier.status:
        publish(DossierStatusChanged(dossier, before, dossier.status, entry.at, actor))
    publish(DossierProgressed(dossier, entry))
    changed = before is not None and before != dossier.status
    if dossier.status != DossierStatus.DRAFT and (changed or to_applicant):
        _announce(dossier, entry, actor=actor, status_changed=changed)
    return entry


def _locked(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "agency")
        .get(pk=dossier.pk)
    )


def _dossier_url(dossier: Dossier) -> str:
    return reverse("onestop:dossier", args=[dossier.pk])


def _my_url(dossier: Dossier) -> str:
    return reverse("citizen:my-dossier", args=[dossier.pk])


def _officers(agency_id: int, role: Role) -> list[User]:
    return list(
        User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role=role).distinct()
    )


def _step_leaders(step: DossierStep) -> list[User]:
    """Who assigns and approves a step: the unit's leaders, else the agency's leaders."""
    candidates = (
        User.objects.filter(agency_id=step.agency_id, is_active=True)
        .filter(Q(role_grants__role=Role.UNIT_LEADER) | Q(role_grants__role=Role.AGENCY_LEADER))
        .distinct()
    )
    unit_leaders = [u for u in candidates if u.unit_id == step.unit_id and step.unit_id]
    unit_leaders = [u for u in unit_leaders if u.has_role(Role.UNIT_LEADER)]
    return unit_leaders or [u for u in candidates if u.has_role(Role.AGENCY_LEADER)]


def _announce(
    dossier: Dossier, entry: HandOver, *, actor: User | None, status_changed: bool
) -> None:
    """Tell the applicant of a new status or of a message sent to them: in the platform when
    they have an account, and through the channels switched on (e-mail now; SMS, Zalo later)
    at the address given in the dossier, unless their account turned such e-mail off."""
    agency = entry.to_agency or dossier.agency
    with translation.override(settings.LANGUAGE_CODE):
        if status_changed:
            title = _("Dossier %(code)s: %(status)s") % {
                "code": dossier.code,
                "status": dossier.portal_status_name,
            }
        else:
            title = _("Dossier %(code)s: a message from %(agency)s") % {
                "code": dossier.code,
                "agency": agency.name,
            }
        link = _my_url(dossier) if dossier.applicant_id else reverse("citizen:track")
        body = render_to_string(
            "onestop/email/dossier_news.txt",
            {
                "dossier": dossier,
                "entry": entry,
                "agency": agency,
                "status_changed": status_changed,
                "link": absolute_url(link),
            },
        )
    if dossier.applicant_id is not None:
        notify(
            recipients=[dossier.applicant_id],
            kind=NotificationKind.DOSSIER_UPDATE,
            title=title,
            url=_my_url(dossier),
            actor=actor,
            email=False,
        )
        if not NotificationPreference.objects.wanting_email(
            NotificationKind.DOSSIER_UPDATE, [dossier.applicant_id]
        ):
            return
    send_to_contact(
        contact=Contact(
            name=dossier.applicant_name,
            email=dossier.applicant_email,
            phone=dossier.applicant_phone,
        ),
        subject=title,
        body=body,
        topic=dossier.code or "",
    )


def _clean_text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    return value


def _activate(step: DossierStep, at: datetime, actor: User | None) -> None:
    step.state = StepState.QUEUED
    step.started_at = at
    step.deadline_at = workdays.add_working_days_hours(workdays.clock_start(at), step.days)
    step.save()
    _record(
        step.dossier,
        HandOverAction.FORWARDED,
        actor=actor,
        step=step,
        to_agency=step.agency,
        to_unit=step.unit,
        at=at,
    )
    notify(
        recipients=_step_leaders(step),
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Dossier %(code)s: %(step)s") % {"code": step.dossier.code, "step": step.name},
        url=_dossier_url(step.dossier),
        actor=actor,
    )


def _advance(dossier: Dossier, *, actor: User | None, at: datetime) -> DossierStep | None:
    """Hand the dossier to its next waiting step (none left: the result is awaited)."""
    nxt = (
        DossierStep.objects.filter(dossier=dossier, state=StepState.WAITING)
        .exclude(role=StepRole.RESULT)
        .order_by("order")
        .first()
    )
    if nxt is not None:
        _activate(nxt, at, actor)
    return nxt


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").split("/")[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "tep"


def missing_components(dossier: Dossier) -> list[ProcedureComponent]:
    have = set(
        dossier.components.exclude(procedure_component=None).values_list(
            "procedure_component_id", flat=True
        )
    )
    return [c for c in dossier.procedure.components.filter(required=True) if c.pk not in have]


def _require_complete(dossier: Dossier) -> None:
    missing = missing_components(dossier)
    if missing:
        raise ValidationError(
            {
                "components": [
                    _("Missing required paper: %(name)s.") % {"name": c.name} for c in missing
                ]
            }
        )
