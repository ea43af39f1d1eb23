"""State-changing use cases of the procedure catalogue. Each checks who acts (a system
administrator edits every procedure, an agency administrator those of their own agency),
validates before anything is saved and writes the audit entry in the same transaction.

A procedure's internal process must add up: steps numbered 1, 2, 3… without gaps, at existing
active agencies (a unit belonging to the step's agency), their working days summing to the
procedure's processing time. `validate_steps` is the one place that says so; the admin forms
and the spreadsheet import call it too, to show the errors next to the input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.audit import record_event
from lienthong.documents.models import AttachmentVersion, Blob, DocumentType
from lienthong.documents.search import fold
from lienthong.documents.uploads import check_upload, storage_name, store_blob

from .constants import CopyKind, StepRole
from .models import (
    Procedure,
    ProcedureComponent,
    ProcedureForm,
    ProcedureStep,
    ResultKind,
    Sector,
)
from .querysets import editable_agency_ids

# The particulars of a procedure that `create_procedure` and `update_procedure` set.
PROCEDURE_FIELDS = (
    "national_code",
    "name",
    "sector",
    "agency",
    "government_level",
    "level_2011",
    "level_2022",
    "applicant",
    "method",
    "requirements",
    "legal_basis",
    "fee_vnd",
    "fee_note",
    "processing_days",
    "result_name",
    "result_kind",
)


@dataclass(frozen=True)
class ComponentSpec:
    order: int
    name: str
    copy_kind: str = CopyKind.ORIGINAL
    quantity: int = 1
    required: bool = True
    form: ProcedureForm | None = None
    note: str = ""


@dataclass(frozen=True)
class StepSpec:
    order: int
    name: str
    agency: Agency
    role: str
    days: Decimal
    unit: Unit | None = None
    description: str = ""


@dataclass
class StepProblems:
    """Errors found in a list of steps: per step (by index) and for the whole list."""

    by_index: dict[int, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, index: int, message: str) -> None:
        self.by_index.setdefault(index, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_index or self.general)

    def messages(self) -> list[str]:
        out = [
            _("Step %(number)s: %(message)s") % {"number": index + 1, "message": message}
            for index, messages in sorted(self.by_index.items())
            for message in messages
        ]
        return out + self.general


# --- Checks --------------------------------------------------------------------------------------


def may_edit(user: Any, agency_id: int | None) -> bool:
    """`None` acts as the platform itself (management commands, the demo loader)."""
    if user is None:
        return True
    agencies = editable_agency_ids(user)
    return agencies is None or (agency_id is not None and agency_id in agencies)


def require_editor(user: Any, agency_id: int | None) -> None:
    if not may_edit(user, agency_id):
        raise PermissionDenied(
            _(
                "Only a system administrator or an administrator of the competent agency may "
                "edit this procedure."
            )
        )


def require_system_admin(user: Any) -> None:
    if user is not None and editable_agency_ids(user) is not None:
        raise PermissionDenied(_("Only a system administrator may edit the sectors."))


def validate_steps(*, processing_days: Decimal | None, steps: Sequence[StepSpec]) -> StepProblems:
    """Everything wrong with a procedure's list of steps (nothing found: an empty result)."""
    problems = StepProblems()
    orders = [step.order for step in steps]
    if sorted(orders) != list(range(1, len(orders) + 1)):
        problems.general.append(
            _(
                "The steps are numbered 1, 2, 3… in order, without gaps or repeats (found "
                "%(orders)s)."
            )
            % {"orders": ", ".join(str(o) for o in orders)}
        )
    for original, step in enumerate(steps):
        if not step.name.strip():
            problems.add(original, _("the name is empty."))
        if step.agency is None or not step.agency.is_active:
            problems.add(original, _("the agency does not exist or is no longer active."))
        elif step.unit is not None and step.unit.agency_id != step.agency.pk:
            problems.add(
                original,
                _("the unit “%(unit)s” does not belong to %(agency)s.")
                % {"unit": step.unit.name, "agency": step.agency.name},
            )
        if step.role not in StepRole.values:
            problems.add(original, _("the role “%(role)s” is unknown.") % {"role": step.role})
        if step.days is None or step.days < 0:
            problems.add(original, _("the working days cannot be negative."))
    if steps and processing_days is not None:
        total = sum((s.days or Decimal(0) for s in steps), Decimal(0))
        if total != processing_days:
            problems.general.append(
                _(
                    "The steps take %(total)s working days in all, but the processing time is "
                    "%(days)s working days: they must be equal."
                )
                % {"total": _days(total), "days": _days(processing_days)}
            )
    return problems


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def validate_components(components: Sequence[ComponentSpec]) -> list[str]:
    errors: list[str] = []
    orders = [c.order for c in components]
    if sorted(orders) != list(range(1, len(orders) + 1)):
        errors.append(_("The dossier components are numbered 1, 2, 3… without gaps or repeats."))
    for component in components:
        if not component.name.strip():
            errors.append(_("Component %(order)s has no name.") % {"order": component.order})
        if component.copy_kind not in CopyKind.values:
            errors.append(
                _("Component %(order)s: “%(kind)s” is not original, copy or certified copy.")
                % {"order": component.order, "kind": component.copy_kind}
            )
        if component.quantity < 1:
            errors.append(
                _("Component %(order)s: the number of copies is at least 1.")
                % {"order": component.order}
            )
    return errors


def _specs_of(procedure: Procedure) -> list[StepSpec]:
    return [
        StepSpec(
            order=s.order,
            name=s.name,
            agency=s.agency,
            role=s.role,
            days=s.days,
            unit=s.unit,
            description=s.description,
        )
        for s in procedure.steps.select_related("agency", "unit")
    ]


def check_publishable(procedure: Procedure) -> None:
    """A published procedure has at least one step and its steps add up."""
    specs = _specs_of(procedure)
    if not specs:
        raise ValidationError(
            _("A procedure needs its internal process steps before it is published."),
            code="no_steps",
        )
    problems = validate_steps(processing_days=procedure.processing_days, steps=specs)
    if problems:
        raise ValidationError(problems.messages(), code="bad_steps")


# --- Procedures ----------------------------------------------------------------------------------


def _apply_fields(procedure: Procedure, fields: Mapping[str, Any]) -> list[str]:
    unknown = set(fields) - set(PROCEDURE_FIELDS)
    if unknown:
        raise ValueError(f"not a procedure field: {sorted(unknown)}")
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        model_field = Procedure._meta.get_field(name)
        if model_field.is_relation:
            current = getattr(procedure, model_field.attname)  # type: ignore[union-attr]
            if current != getattr(value, "pk", value):
                setattr(procedure, name, value)
                changed.append(name)
            continue
        if getattr(procedure, name) != value:
            setattr(procedure, name, value)
            changed.append(name)
    return changed


def guess_result_kind(result_name: str) -> ResultKind | None:
    """The active result kind whose name starts the result's name ("Giấy phép hoạt động in" →
    Giấy phép), the longest such name winning; None when none does."""
    folded = fold(result_name.strip())
    found = [
        kind
        for kind in ResultKind.objects.filter(is_active=True)
        if folded == fold(kind.name) or folded.startswith(fold(kind.name) + " ")
    ]
    return max(found, key=lambda kind: len(kind.name)) if found else None


def result_document_type(kind: ResultKind) -> DocumentType:
    """The document type a result of this kind is registered and numbered under: a type of the
    kind's own name (created the first time, with the kind's abbreviation), so a licence is
    numbered as a licence and not as one of Decree 30's administrative types."""
    found, _created = DocumentType.objects.get_or_create(
        name=kind.name, defaults={"abbreviation": kind.abbreviation, "ordinal": 900}
    )
    return found


def _save_procedure(procedure: Procedure) -> None:
    if procedure.result_kind_id is None and procedure.result_name:
        procedure.result_kind = guess_result_kind(procedure.result_name)
    procedure.full_clean()
    procedure.refresh_search_text()
    procedure.save()


def _replace_components(procedure: Procedure, components: Sequence[ComponentSpec]) -> None:
    errors = validate_components(components)
    for component in components:
        if component.form is not None and component.form.procedure_id != procedure.pk:
            errors.append(
                _("Component %(order)s refers to a form of another procedure.")
                % {"order": component.order}
            )
    if errors:
        raise ValidationError({"components": errors})
    procedure.components.all().delete()
    ProcedureComponent.objects.bulk_create(
        [
            ProcedureComponent(
                procedure=procedure,
                order=c.order,
                name=c.name.strip(),
                copy_kind=c.copy_kind,
                quantity=c.quantity,
                required=c.required,
                form=c.form,
                note=c.note.strip(),
            )
            for c in components
        ]
    )


def _replace_steps(procedure: Procedure, steps: Sequence[StepSpec]) -> None:
    problems = validate_steps(processing_days=procedure.processing_days, steps=steps)
    if problems:
        raise ValidationError({"steps": problems.messages()})
    procedure.steps.all().delete()
    ProcedureStep.objects.bulk_create(
        [
            ProcedureStep(
                procedure=procedure,
                order=s.order,
                name=s.name.strip(),
                agency=s.agency,
                unit=s.unit,
                role=s.role,
                days=s.days,
                description=s.description.strip(),
            )
            for s in steps
        ]
    )


@transaction.atomic
def create_procedure(
    *,
    actor: Any,
    fields: Mapping[str, Any],
    components: Sequence[ComponentSpec] = (),
    steps: Sequence[StepSpec] = (),
    publish: bool = False,
) -> Procedure:
    """A new procedure (a draft unless `publish`), with its components and steps."""
    agency = fields.get("agency")
    require_editor(actor, agency.pk if isinstance(agency, Agency) else None)
    procedure = Procedure()
    _apply_fields(procedure, fields)
    _save_procedure(procedure)
    if components:
        _replace_components(procedure, components)
    if steps:
        _replace_steps(procedure, steps)
    if publish:
        check_publishable(procedure)
        procedure.is_published = True
        procedure.published_at = timezone.now()
        procedure.save(update_fields=["is_published", "published_at", "updated_at"])
    record_event(
        action="catalogue.procedure_created",
        actor=actor,
        obj=procedure,
        data={
            "national_code": procedure.national_code,
            "components": len(components),
            "steps": len(steps),
            "published": procedure.is_published,
        },
    )
    return procedure


@transaction.atomic
def update_procedure(
    *,
    actor: Any,
    procedure: Procedure,
    fields: Mapping[str, Any] | None = None,
    components: Sequence[ComponentSpec] | None = None,
    steps: Sequence[StepSpec] | None = None,
) -> Procedure:
    """Change a procedure's particulars and, when given, replace its components or steps.
    The result is checked as a whole: the steps must add up to the (new) processing time,
    and a published procedure must stay publishable."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    require_editor(actor, procedure.agency_id)
    changed = _apply_fields(procedure, fields or {})
    if "agency" in changed:
        require_editor(actor, procedure.agency_id)
    _save_procedure(procedure)
    if components is not None:
        _replace_components(procedure, components)
        changed.append("components")
    if steps is not None:
        _replace_steps(procedure, steps)
        changed.append("steps")
    elif "processing_days" in changed and procedure.steps.exists():
        problems = validate_steps(
            processing_days=procedure.processing_days, steps=_specs_of(procedure)
        )
        if problems:
            raise ValidationError({"processing_days": problems.messages()})
    if procedure.is_published:
        check_publishable(procedure)
    record_event(
        action="catalogue.procedure_updated",
        actor=actor,
        obj=procedure,
        data={"changed": changed},
    )
    return procedure


@transaction.atomic
def publish_procedure(*, actor: Any, procedure: Procedure) -> Procedure:
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    require_editor(actor, procedure.agency_id)
    if procedure.is_published:
        return procedure
    check_publishable(procedure)
    procedure.is_published = True
    procedure.published_at = timezone.now()
    procedure.save(update_fields=["is_published", "published_at", "updated_at"])
    record_event(action="catalogue.procedure_published", actor=actor, obj=procedure)
    return procedure


@transaction.atomic
def unpublish_procedure(*, actor: Any, procedure: Procedure) -> Procedure:
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    require_editor(actor, procedure.agency_id)
    if not procedure.is_published:
        return procedure
    procedure.is_published = False
    procedure.save(update_fields=["is_published", "updated_at"])
    record_event(action="catalogue.procedure_unpublished", actor=actor, obj=procedure)
    return procedure


# --- Forms ---------------------------------------------------------------------------------------


def _blob_in_use(sha256: str) -> bool:
    return (
        ProcedureForm.objects.filter(blob__sha256=sha256).exists()
        or AttachmentVersion.objects.filter(blob__sha256=sha256).exists()
    )


def add_form(
    *,
    actor: Any,
    procedure: Procedure,
    name: str,
    upload: IO[bytes],
    file_name: str,
    code: str = "",
    ordinal: int = 0,
    replaces: ProcedureForm | None = None,
) -> ProcedureForm:
    """Attach a downloadable form (or a new file for an existing one). The file passes the
    platform's upload checks (type by content, size, readable PDF/OOXML) before anything is
    stored; a newly stored file is removed again if the database write fails."""
    require_editor(actor, procedure.agency_id)
    if not name.strip():
        raise ValidationError({"name": _("The form needs a name.")})
    checked = check_upload(upload, file_name)
    created_file = False
    try:
        with transaction.atomic():
            blob, created_file = store_blob(upload, checked)
            return _record_form(
                actor=actor,
                procedure=procedure,
                blob=blob,
                name=name.strip(),
                code=code.strip(),
                file_name=file_name,
                ordinal=ordinal,
                replaces=replaces,
            )
    except BaseException:
        if created_file and not _blob_in_use(checked.sha256):
            default_storage.delete(storage_name(checked.sha256))
        raise


def _safe_file_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip()
    return cleaned[:200] or "mau-don"


def _record_form(
    *,
    actor: Any,
    procedure: Procedure,
    blob: Blob,
    name: str,
    code: str,
    file_name: str,
    ordinal: int,
    replaces: ProcedureForm | None,
) -> ProcedureForm:
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if replaces is not None:
        form = ProcedureForm.objects.select_for_update().get(pk=replaces.pk)
        if form.procedure_id != procedure.pk:
            raise PermissionDenied(_("This form belongs to another procedure."))
    else:
        form = ProcedureForm(procedure=procedure)
    form.name = name
    form.code = code
    form.blob = blob
    form.file_name = _safe_file_name(file_name)
    form.ordinal = ordinal
    form.full_clean()
    form.save()
    record_event(
        action="catalogue.form_replaced" if replaces is not None else "catalogue.form_added",
        actor=actor,
        obj=procedure,
        data={"form_id": form.pk, "name": name, "sha256": blob.sha256, "size": blob.size},
    )
    return form


@transaction.atomic
def update_form(
    *, actor: Any, form: ProcedureForm, name: str, code: str = "", ordinal: int = 0
) -> ProcedureForm:
    form = ProcedureForm.objects.select_for_update().select_related("procedure").get(pk=form.pk)
    require_editor(actor, form.procedure.agency_id)
    if not name.strip():
        raise ValidationError({"name": _("The form needs a name.")})
    form.name, form.code, form.ordinal = name.strip(), code.strip(), ordinal
    form.full_clean()
    form.save()
    record_event(
        action="catalogue.form_updated", actor=actor, obj=form.procedure, data={"form_id": form.pk}
    )
    return form


@transaction.atomic
def remove_form(*, actor: Any, form: ProcedureForm) -> None:
    form = ProcedureForm.objects.select_for_update().select_related("procedure").get(pk=form.pk)
    require_editor(actor, form.procedure.agency_id)
    record_event(
        action="catalogue.form_removed",
        actor=actor,
        obj=form.procedure,
        data={"form_id": form.pk, "name": form.name},
    )
    form.delete()  # components pointing to it keep their text, the link is cleared


# --- Sectors -------------------------------------------------------------------------------------


@transaction.atomic
def save_sector(
    *, actor: Any, code: str, name: str, ordinal: int = 0, sector: Sector | None = None
) -> Sector:
    require_system_admin(actor)
    target = sector or Sector()
    target.code, target.name, target.ordinal = code.strip(), name.strip(), ordinal
    target.full_clean()
    target.save()
    for procedure in target.procedures.select_related("agency", "sector"):
        procedure.refresh_search_text()
        procedure.save(update_fields=["search_text", "name_plain"])
    record_event(
        action="catalogue.sector_updated" if sector else "catalogue.sector_created",
        actor=actor,
        obj=target,
        data={"code": target.code},
    )
    return target


@transaction.atomic
def save_result_kind(
    *,
    actor: Any,
    name: str,
    abbreviation: str = "",
    ordinal: int = 0,
    is_active: bool = True,
    kind: ResultKind | None = None,
) -> ResultKind:
    """A system administrator adds or changes a result kind (Giấy phép, Giấy chứng nhận…)."""
    require_system_admin(actor)
    target = kind or ResultKind()
    target.name, target.abbreviation = name.strip(), abbreviation.strip()
    target.ordinal, target.is_active = ordinal, is_active
    target.full_clean()
    target.save()
    record_event(
        action="catalogue.result_kind_saved",
        actor=actor,
        obj=target,
        data={"name": target.name, "abbreviation": target.abbreviation, "new": kind is None},
    )
    return target
