"""Reads of documents and registers. `visible_to` is the only place agency scoping and
confidentiality (độ mật) are decided."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import Combinable
from django.utils import timezone

from lienthong.accounts.constants import Role

from .constants import Confidentiality, Direction
from .search import fold

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User

    # the type arguments of the QuerySets below (strings, which ruff does not read)
    from .models import Document, KeptUpload, Register  # noqa: F401

# Inside its agency, a confidential document is seen by the clerks who register it, the
# agency's leaders, and whoever registered or drafted it (handlers are added by the workflow).
CONFIDENTIAL_READERS = (Role.CLERK, Role.AGENCY_LEADER)


def visible_condition(user: User, prefix: str = "") -> Q | Combinable:
    """The condition of `visible_to` on the columns of a document, or of a related one through
    `prefix` (e.g. "document__" from an assignment), so that a related list or an access check
    tests each row it reads instead of building the set of every visible document (which grows
    with the agency's history: 80,000 ids at a million documents). Call it for an active
    official of an agency; `visible_to` checks that first."""
    own = Q(**{f"{prefix}agency_id": user.agency_id})
    if any(user.has_role(role) for role in CONFIDENTIAL_READERS):
        return own
    # Handlers a confidential document was assigned to see it too (the workflows app).
    assignment = apps.get_model("workflows", "Assignment")
    handled = assignment.objects.handled_by(user).filter(document_id=OuterRef(f"{prefix}pk"))
    return own & (
        Q(**{f"{prefix}confidentiality": Confidentiality.NONE})
        | Q(**{f"{prefix}created_by": user})
        | Exists(handled)
    )


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: User | AnonymousUser) -> DocumentQuerySet:
        if not (user.is_authenticated and user.is_active) or user.agency_id is None:
            return self.none()
        return self.filter(visible_condition(user))

    def incoming(self) -> DocumentQuerySet:
        return self.filter(direction=Direction.INCOMING)

    def outgoing(self) -> DocumentQuerySet:
        return self.filter(direction=Direction.OUTGOING)

    def duplicates_of(
        self, *, agency_id: int, code_number: str, code_notation: str, issuer_name: str
    ) -> list[Document]:
        """Incoming documents with the same (number, symbol, issuing agency), the triple the
        registry is warned about. Symbol and agency are compared case- and accent-folded in
        Python, since SQLite's case-insensitive lookups fold ASCII letters only."""
        number = code_number.strip()
        # “5” and “05” are the same number (numbers under 10 are written with a leading zero).
        variants = {number}
        if number.isdigit():
            variants |= {str(int(number)), f"{int(number):02d}"}
        candidates = self.filter(
            agency_id=agency_id, direction=Direction.INCOMING, code_number__in=variants
        )
        notation, issuer = fold(code_notation.strip()), fold(" ".join(issuer_name.split()))
        found: list[Document] = []
        for document in candidates.iterator():
            same_notation = fold(document.code_notation) == notation
            if same_notation and fold(" ".join(document.issuer_name.split())) == issuer:
                found.append(document)
        return found

    def in_period(self, start: date, end: date) -> DocumentQuerySet:
        return self.filter(
            Q(
                direction=Direction.INCOMING,
                arrival_date__date__gte=start,
                arrival_date__date__lte=end,
            )
            | Q(direction=Direction.OUTGOING, issued_date__gte=start, issued_date__lte=end)
        )

    def for_list(self) -> DocumentQuerySet:
        return self.select_related("document_type", "register")


class RegisterQuerySet(models.QuerySet["Register"]):
    def visible_to(self, user: User | AnonymousUser) -> RegisterQuerySet:
        if not (user.is_authenticated and user.is_active) or user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class KeptUploadQuerySet(models.QuerySet["KeptUpload"]):
    def usable_by(self, user: Any) -> KeptUploadQuerySet:
        """The files `user` uploaded to a form and may still use (not expired); nobody else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk, expires_at__gt=timezone.now())
