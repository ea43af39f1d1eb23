"""The dossier's papers (components): one added (uploaded or scanned) or removed."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.catalogue.models import ProcedureComponent
from lienthong.core.audit import record_event
from lienthong.documents.models import AttachmentVersion
from lienthong.documents.uploads import check_upload, storage_name, store_blob
from lienthong.signatures.services import enqueue_verification

from ..constants import (
    Channel,
    DossierStatus,
)
from ..models import (
    Dossier,
    DossierComponent,
)
from ..permissions import enforce, why_not_change_papers
from ._common import _locked, _safe_name
from .digitisation import check_scan, digitise_component


def add_component(
    *,
    actor: User,
    dossier: Dossier,
    upload: IO[bytes],
    name: str,
    procedure_component: ProcedureComponent | None = None,
) -> DossierComponent:
    """Attach one paper (uploaded or scanned). The file is checked (type by content, size,
    readable PDF) before anything is stored; a newly stored file is removed again if the
    database write fails. A paper of a dossier handed in on paper (at the counter, by post) is
    a scan: it must reach `scans.MIN_DPI` and is kept as a digitised copy ("Đã số hoá", who
    and when) that the counter may reuse in the applicant's later dossiers."""
    checked = check_upload(upload, name)
    on_paper = dossier.channel != Channel.ONLINE
    dpi = check_scan(upload, checked.content_type, name) if on_paper else None
    created_file = False
    try:
        with transaction.atomic():
            blob, created_file = store_blob(upload, checked)
            locked = _locked(dossier)
            enforce(why_not_change_papers(actor, locked))
            if (
                procedure_component is not None
                and procedure_component.procedure_id != locked.procedure_id
            ):
                raise ValidationError(
                    {"procedure_component": _("That paper belongs to another procedure.")}
                )
            pending = locked.supplements.filter(fulfilled_at__isnull=True).first()
            safe = _safe_name(name)
            component = DossierComponent.objects.create(
                dossier=locked,
                procedure_component=procedure_component,
                name=(procedure_component.name if procedure_component else safe)[:500],
                blob=blob,
                original_name=safe,
                uploaded_by=actor,
                supplement=pending if locked.status == DossierStatus.SUPPLEMENT_REQUESTED else None,
            )
            record_event(
                action="dossier.component_added",
                actor=actor,
                obj=locked,
                data={"component": component.pk, "sha256": blob.sha256, "name": safe},
            )
            if on_paper:
                digitise_component(component, actor=actor, dpi=dpi)
            # Signed papers (a certified copy, a signed application) are checked in the
            # background like every PDF that arrives; the badge shows on the dossier.
            enqueue_verification(blob=blob)
            return component
    except BaseException:
        if (
            created_file
            and not DossierComponent.objects.filter(blob__sha256=checked.sha256).exists()
            and not AttachmentVersion.objects.filter(blob__sha256=checked.sha256).exists()
        ):
            default_storage.delete(storage_name(checked.sha256))
        raise


@transaction.atomic
def remove_component(*, actor: User, component: DossierComponent) -> None:
    dossier = _locked(component.dossier)
    enforce(why_not_change_papers(actor, dossier))
    if component.supplement_id is None and dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        raise ValidationError(_("Papers received before the supplement request are kept."))
    record_event(
        action="dossier.component_removed",
        actor=actor,
        obj=dossier,
        data={"component": component.pk, "name": component.original_name},
    )
    component.delete()
