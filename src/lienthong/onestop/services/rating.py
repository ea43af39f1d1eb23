"""The applicant's rating of the service once the dossier is closed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event

from ..constants import (
    DossierStatus,
    Satisfaction,
)
from ..models import (
    Dossier,
    Rating,
)
from ..permissions import (
    require_applicant,
)
from ._common import _clean_text, _locked, _now


@transaction.atomic
def rate_dossier(
    *,
    actor: User,
    dossier: Dossier,
    satisfaction: int,
    staff_attitude: int,
    comment: str = "",
) -> Rating:
    """The applicant rates the service once the dossier is closed."""
    dossier = _locked(dossier)
    require_applicant(actor)
    if dossier.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can rate this dossier."))
    if dossier.status not in {
        DossierStatus.RETURNED,
        DossierStatus.REFUSED,
        DossierStatus.STOPPED,
    }:
        raise ValidationError(_("A dossier is rated once it is closed."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("This dossier has already been rated."))
    errors = {}
    for field, value in (("satisfaction", satisfaction), ("staff_attitude", staff_attitude)):
        if value not in Satisfaction.values:
            errors[field] = [_("Choose one of the answers.")]
    if errors:
        raise ValidationError(errors)
    rating = Rating.objects.create(
        dossier=dossier,
        rater=actor,
        satisfaction=satisfaction,
        staff_attitude=staff_attitude,
        comment=_clean_text(comment, "comment", 1000, required=False),
        rated_at=_now(),
    )
    record_event(
        action="dossier.rated", actor=actor, obj=dossier, data={"satisfaction": satisfaction}
    )
    return rating
