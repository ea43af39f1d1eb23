"""The access chokepoints of the catalogue: published procedures are public; unpublished ones
only reach the administrators who may edit them. Missing and hidden alike give 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Procedure, ProcedureForm
from .querysets import editable_agency_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


def access_procedure(user: User | AnonymousUser, pk: Any) -> Procedure:
    try:
        return (
            Procedure.objects.visible_to(user)
            .select_related("sector", "agency", "result_kind")
            .get(pk=int(pk))
        )
    except (Procedure.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404 from exc


def access_procedure_form(user: User | AnonymousUser, procedure_pk: Any, pk: Any) -> ProcedureForm:
    procedure = access_procedure(user, procedure_pk)
    try:
        return procedure.forms.select_related("blob").get(pk=int(pk))
    except (ProcedureForm.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404 from exc


def is_catalogue_editor(user: Any) -> bool:
    return editable_agency_ids(user) != set()


def require_catalogue_editor(user: Any) -> None:
    if not is_catalogue_editor(user):
        raise PermissionDenied(
            _("Only system administrators and agency administrators edit the catalogue.")
        )
