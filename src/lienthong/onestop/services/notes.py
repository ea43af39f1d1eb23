"""Free notes in a dossier's history: internal, or a message to the applicant."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User

from ..constants import (
    DossierStatus,
    HandOverAction,
)
from ..models import (
    Dossier,
    DossierStep,
    HandOver,
)
from ._common import _clean_text, _locked, _record


def _on_route(actor: User, dossier: Dossier) -> bool:
    """An official of the receiving agency or of an agency on the dossier's route."""
    return actor.agency_id is not None and (
        actor.agency_id == dossier.agency_id
        or dossier.steps.filter(agency_id=actor.agency_id).exists()
    )


@transaction.atomic
def add_note(*, actor: User, dossier: Dossier, text: str, to_applicant: bool = False) -> HandOver:
    """A free note in the dossier's history by an official who sees it and works on its route:
    internal, or a message to the applicant (“Gửi cho người nộp hồ sơ”), who is then told."""
    dossier = _locked(dossier)
    visible = Dossier.objects.visible_to(actor).filter(pk=dossier.pk).exists()
    if not (visible and _on_route(actor, dossier)):
        raise PermissionDenied(_("Only the officials handling this dossier can write in it."))
    if dossier.status == DossierStatus.DRAFT:
        raise ValidationError(_("This dossier has not been submitted."))
    text = _clean_text(text, "text", 2000)
    step = DossierStep.objects.active().filter(dossier=dossier).first()
    return _record(
        dossier, HandOverAction.NOTED, actor=actor, step=step, note=text, to_applicant=to_applicant
    )
