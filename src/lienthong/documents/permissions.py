"""The access chokepoint for documents, registers and attachments (404 for missing and
forbidden alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role

from .models import AttachmentVersion, Document, Register

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


def access_document(user: User | AnonymousUser, pk: int | str) -> Document:
    try:
        return Document.objects.visible_to(user).for_list().get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_register(user: User | AnonymousUser, pk: int | str) -> Register:
    try:
        return Register.objects.visible_to(user).get(pk=pk)
    except (Register.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_attachment_version(user: User | AnonymousUser, pk: int | str) -> AttachmentVersion:
    try:
        version = AttachmentVersion.objects.select_related("blob", "attachment").get(pk=pk)
    except (AttachmentVersion.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None
    access_document(user, version.attachment.document_id)
    return version


def can_register(user: Any) -> bool:
    """Registering and issuing documents is the clerk's (văn thư) work."""
    return bool(
        user.is_authenticated and user.is_active and user.agency_id and user.has_role(Role.CLERK)
    )


def require_clerk(user: Any) -> None:
    if not can_register(user):
        raise PermissionDenied(_("Only the agency's clerk (văn thư) may do this."))
