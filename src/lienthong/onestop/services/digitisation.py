"""Digitisation at the counter (Decree 107/2021): scans checked for resolution and kept
as digitised papers, reused in the applicant's later dossiers, and the issued result kept."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.catalogue.models import ProcedureComponent
from lienthong.core.audit import record_event
from lienthong.documents.models import AttachmentVersion
from lienthong.documents.search import fold

from .. import scans
from ..constants import (
    DossierStatus,
)
from ..models import (
    DigitisedPaper,
    Dossier,
    DossierComponent,
)
from ..permissions import (
    enforce,
    require_onestop_officer,
    why_not_change_papers,
)
from ._common import _locked, _now


def paper_kind(name: str) -> str:
    """The kind of a paper for reuse: its name folded (no tone marks, lower case, one space)."""
    return " ".join(fold(name).split())[:500]


def check_scan(upload: IO[bytes], content_type: str, name: str) -> int | None:
    """The resolution of a scanned paper, refused under `scans.MIN_DPI` with a message that
    says what to do; None for a file that is not a scan (a PDF born digital, Word, Excel)."""
    dpi = scans.scan_dpi(upload, content_type)
    if dpi is not None and dpi < scans.MIN_DPI:
        raise ValidationError(
            _(
                "“%(name)s” is scanned at about %(dpi)s dpi; digitised papers need at least "
                "%(min)s dpi. Scan it again at %(min)s dpi or more."
            )
            % {"name": name, "dpi": dpi, "min": scans.MIN_DPI},
            code="low_resolution",
        )
    return dpi


def digitise_component(
    component: DossierComponent, *, actor: User, dpi: int | None
) -> DigitisedPaper:
    dossier = component.dossier
    paper = DigitisedPaper.objects.create(
        agency_id=dossier.agency_id,
        applicant_id_number=dossier.applicant_id_number,
        kind_key=paper_kind(component.name),
        name=component.name,
        blob=component.blob,
        file_name=component.original_name,
        dpi=dpi,
        dossier=dossier,
        digitised_by=actor,
        digitised_at=_now(),
    )
    component.digitised = paper
    component.save(update_fields=["digitised"])
    record_event(
        action="dossier.paper_digitised",
        actor=actor,
        obj=dossier,
        data={"component": component.pk, "digitised": paper.pk, "dpi": dpi},
    )
    return paper


@transaction.atomic
def reuse_digitised_paper(
    *,
    actor: User,
    dossier: Dossier,
    paper: DigitisedPaper,
    procedure_component: ProcedureComponent | None = None,
) -> DossierComponent:
    """The counter attaches a paper it digitised before for the same applicant (or a result it
    issued to them) instead of scanning it again: same file, marked reused, audited."""
    locked = _locked(dossier)
    require_onestop_officer(actor, locked.agency_id)
    enforce(why_not_change_papers(actor, locked))
    if (
        paper.agency_id != locked.agency_id
        or paper.applicant_id_number != locked.applicant_id_number
    ):
        raise ValidationError(
            {"digitised": _("That digitised paper is not one of this applicant's.")}
        )
    if procedure_component is not None:
        if procedure_component.procedure_id != locked.procedure_id:
            raise ValidationError(
                {"procedure_component": _("That paper belongs to another procedure.")}
            )
        if paper_kind(procedure_component.name) != paper.kind_key:
            raise ValidationError(
                {
                    "digitised": _("That digitised paper is of another kind than “%(name)s”.")
                    % {"name": procedure_component.name}
                }
            )
    pending = locked.supplements.filter(fulfilled_at__isnull=True).first()
    component = DossierComponent.objects.create(
        dossier=locked,
        procedure_component=procedure_component,
        name=(procedure_component.name if procedure_component else paper.name)[:500],
        blob=paper.blob,
        original_name=paper.file_name,
        uploaded_by=actor,
        supplement=pending if locked.status == DossierStatus.SUPPLEMENT_REQUESTED else None,
        digitised=paper,
    )
    record_event(
        action="dossier.paper_reused",
        actor=actor,
        obj=locked,
        data={"component": component.pk, "digitised": paper.pk, "from_dossier": paper.dossier_id},
    )
    return component


def keep_result_digitised(dossier: Dossier, document: Any, actor: User) -> None:
    """The issued result's final file (sealed when signed) is kept as the applicant's
    digitised copy, reusable in later dossiers at this agency (Decree 107/2021)."""
    version = (
        AttachmentVersion.objects.filter(attachment__document=document)
        .select_related("blob", "attachment")
        .order_by("-id")
        .first()
    )
    if version is None:
        return
    name = dossier.procedure.result_name or document.subject
    paper = DigitisedPaper.objects.create(
        agency_id=dossier.agency_id,
        applicant_id_number=dossier.applicant_id_number,
        kind_key=paper_kind(name),
        name=name[:500],
        blob=version.blob,
        file_name=f"{document.number_and_symbol or dossier.code}.pdf"[:255],
        is_result=True,
        dossier=dossier,
        digitised_by=actor,
        digitised_at=_now(),
    )
    record_event(
        action="dossier.result_digitised",
        actor=actor,
        obj=dossier,
        data={"digitised": paper.pk, "document": document.pk, "sha256": version.blob.sha256},
    )
