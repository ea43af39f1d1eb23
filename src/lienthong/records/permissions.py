"""The access chokepoint for work files and catalogues: a missing object and another agency's
(or a confidential file the user may not see) give the same 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role

from .constants import CATALOGUE_ROLES, FILE_KEEPER_ROLES, FILING_ROLES
from .models import CaseFile, CaseFileItem, FileCatalog

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


def access_case_file(user: User | AnonymousUser, pk: Any) -> CaseFile:
    try:
        return CaseFile.objects.visible_to(user).for_list().get(pk=pk)
    except (CaseFile.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_catalog(user: User | AnonymousUser, pk: Any) -> FileCatalog:
    try:
        return FileCatalog.objects.visible_to(user).select_related("agency").get(pk=pk)
    except (FileCatalog.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_item(user: User | AnonymousUser, case_file: CaseFile, ordinal: Any) -> CaseFileItem:
    """A document still in the file, by its number, if the user may see that document."""
    try:
        return (
            CaseFileItem.objects.current()
            .visible_to(user)
            .select_related("document")
            .get(case_file=case_file, ordinal=ordinal)
        )
    except (CaseFileItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def _member(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def can_open_files(user: Any) -> bool:
    return _member(user) and any(user.has_role(role) for role in FILING_ROLES)


def can_plan_catalog(user: Any) -> bool:
    return _member(user) and any(user.has_role(role) for role in CATALOGUE_ROLES)


def can_manage_file(user: Any, case_file: CaseFile) -> bool:
    """Its creator, whoever opened it, the agency's clerk and leaders, and the leader of the
    file's unit."""
    if not _member(user) or user.agency_id != case_file.agency_id:
        return False
    if user.pk in (case_file.creator_id, case_file.opened_by_id):
        return True
    if any(user.has_role(role) for role in FILE_KEEPER_ROLES):
        return True
    return bool(
        user.has_role(Role.UNIT_LEADER) and case_file.unit_id and user.unit_id == case_file.unit_id
    )


def require_can_open_files(user: Any) -> None:
    if not can_open_files(user):
        raise PermissionDenied(_("Only the agency's specialists and clerks open work files."))


def require_can_plan_catalog(user: Any) -> None:
    if not can_plan_catalog(user):
        raise PermissionDenied(
            _("Only the agency's clerk and leaders plan the catalogue of files.")
        )


def require_can_manage_file(user: Any, case_file: CaseFile) -> None:
    if not can_manage_file(user, case_file):
        raise PermissionDenied(
            _("Only the file's creator, the clerk and the leaders may change this file.")
        )


def sees_every_document(user: Any, case_file: CaseFile) -> bool:
    """Whether the user may see every document still in the file (a whole-file export would
    otherwise reveal documents they may not read)."""
    current = CaseFileItem.objects.current().filter(case_file=case_file)
    return current.count() == current.visible_to(user).count()


def require_sees_every_document(user: Any, case_file: CaseFile) -> None:
    if not sees_every_document(user, case_file):
        raise PermissionDenied(
            _(
                "The file holds documents you may not see, so you cannot export it whole; "
                "ask the clerk or a leader."
            )
        )
