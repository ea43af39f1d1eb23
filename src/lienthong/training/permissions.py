"""The access chokepoint of training. Classes are offered to every agency; the organiser (an
official with the training-organiser role, of the class's organising agency) runs them; an
agency's leaders and clerk nominate its officials and see their enrolments; an official sees
their own record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User

from .constants import NOMINATOR_ROLES
from .models import Certificate, Enrolment, Session, TrainingClass


def _member(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def access_class(user: Any, pk: Any) -> TrainingClass:
    try:
        found: TrainingClass = TrainingClass.objects.visible_to(user).with_counts().get(pk=pk)
        return found
    except (TrainingClass.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def can_organise(user: Any) -> bool:
    return _member(user) and user.has_role(Role.TRAINING_ORGANISER)


def can_run_class(user: Any, training_class: TrainingClass) -> bool:
    """The class's organiser: approves nominations, takes attendance, records results and
    issues certificates."""
    return can_organise(user) and user.agency_id == training_class.organiser_id


def access_enrolment_to_run(user: Any, pk: Any) -> Enrolment:
    """A nomination to decide or a result to record: 404 for anyone but the class's organiser."""
    enrolment = Enrolment.objects.select_related("training_class", "official").filter(pk=pk).first()
    if enrolment is None or not can_run_class(user, enrolment.training_class):
        raise Http404(_("Not found."))
    return enrolment


def access_session(user: Any, pk: Any) -> Session:
    """A session whose attendance is taken: 404 for anyone but the class's organiser."""
    session = Session.objects.select_related("training_class").filter(pk=pk).first()
    if session is None or not can_run_class(user, session.training_class):
        raise Http404(_("Not found."))
    return session


def can_nominate(user: Any) -> bool:
    return _member(user) and any(user.has_role(role) for role in NOMINATOR_ROLES)


def can_see_enrolment(user: Any, enrolment: Enrolment) -> bool:
    if not _member(user):
        return False
    if user.pk == enrolment.official_id or can_run_class(user, enrolment.training_class):
        return True
    return can_nominate(user) and user.agency_id == enrolment.agency_id


def can_see_record(user: Any, official: Any) -> bool:
    """An official's training record: themselves, their agency's leaders and clerk, and the
    training organisers."""
    if not _member(user):
        return False
    if user.pk == official.pk or can_organise(user):
        return True
    return can_nominate(user) and user.agency_id == official.agency_id


def access_record(user: Any, pk: Any) -> User:
    """The official whose training record is shown, or 404 for those `can_see_record` refuses."""
    official: User | None = User.objects.filter(pk=pk).first()
    if official is None or not can_see_record(user, official):
        raise Http404(_("Not found."))
    return official


def access_certificate(user: Any, pk: Any) -> Certificate:
    try:
        certificate = Certificate.objects.select_related(
            "enrolment__official",
            "enrolment__agency",
            "enrolment__training_class__course",
            "enrolment__training_class__organiser",
        ).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None
    if not can_see_enrolment(user, certificate.enrolment):
        raise Http404(_("Not found."))
    return certificate


def require_can_organise(user: Any) -> None:
    if not can_organise(user):
        raise PermissionDenied(_("Only a training organiser opens classes."))


def require_can_run_class(user: Any, training_class: TrainingClass) -> None:
    if not can_run_class(user, training_class):
        raise PermissionDenied(_("Only the class's organiser may do this."))


def require_can_nominate(user: Any) -> None:
    if not can_nominate(user):
        raise PermissionDenied(_("Only an agency's leaders and clerk nominate officials."))
