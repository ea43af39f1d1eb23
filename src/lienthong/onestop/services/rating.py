"""The applicant's rating of the service once the dossier is closed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event

from ..constants import (
    Satisfaction,
)
from ..models import (
    Dossier,
    Rating,
)
from ..permissions import enforce, why_not_rate
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
    enforce(why_not_rate(actor, dossier))
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
