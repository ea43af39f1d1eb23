"""Free notes in a dossier's history: internal, or a message to the applicant."""

from __future__ import annotations

from django.db import transaction

from lienthong.accounts.models import User

from ..constants import (
    HandOverAction,
)
from ..models import (
    Dossier,
    DossierStep,
    HandOver,
)
from ..permissions import enforce, why_not_add_note
from ._common import _clean_text, _locked, _record


@transaction.atomic
def add_note(*, actor: User, dossier: Dossier, text: str, to_applicant: bool = False) -> HandOver:
    """A free note in the dossier's history by an official who sees it and works on its route:
    internal, or a message to the applicant (“Gửi cho người nộp hồ sơ”), who is then told."""
    dossier = _locked(dossier)
    enforce(why_not_add_note(actor, dossier))
    text = _clean_text(text, "text", 2000)
    step = DossierStep.objects.active().filter(dossier=dossier).first()
    return _record(
        dossier, HandOverAction.NOTED, actor=actor, step=step, note=text, to_applicant=to_applicant
    )
