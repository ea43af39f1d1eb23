"""Who administers certificates and who signs: the single chokepoints of this app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from lienthong.accounts.constants import Role
from lienthong.documents.models import AttachmentVersion, Document

from .models import PdfVerification, SigningCredential

# The role predicates live in roles.py (querysets.py needs them, and models.py imports
# querysets.py); they are part of this chokepoint's interface.
from .roles import can_administer as can_administer
from .roles import can_manage_trust as can_manage_trust

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


def can_sign_for_agency(user: Any, agency_id: int) -> bool:
    """The agency's clerk (văn thư) keeps and uses the agency's key (Điều 32)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.agency_id == agency_id
        and user.has_role(Role.CLERK)
    )


def access_credential(user: User | AnonymousUser, pk: int) -> SigningCredential:
    """404 for a missing credential and for one the user may not see alike."""
    found = SigningCredential.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def access_verification(user: User | AnonymousUser, pk: Any) -> PdfVerification:
    """A file's signature check, for someone who may see a document the file is attached to
    (documents' own chokepoint decides that); 404 otherwise, as for a missing one."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        raise Http404
    try:
        found = PdfVerification.objects.select_related("blob").get(pk=pk)
    except (PdfVerification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    visible = AttachmentVersion.objects.filter(
        blob_id=found.blob_id,
        attachment__document__in=Document.objects.visible_to(user).values("pk"),
    ).exists()
    if not visible:
        raise Http404
    return found
