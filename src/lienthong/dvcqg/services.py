"""Use cases of the national public-service portal synchronisation (docs/dvcqg.md):

- `queue_status_push`: a dossier's status change, written to the outbox in its transaction;
- `push_pending`: the job's work, sending a dossier's pushes in order until one is not
  acknowledged (a later status waits for the earlier one);
- `retry_push`: an officer puts a refused or stalled push back in line;
- `queue_progress_push`: a step of the processing (a history entry), and the fee once paid;
- `pull_new_dossiers`: the dossiers filed on the portal become dossiers in the counter's queue,
  with their papers fetched and checked;
- `set_procedure_code`: a procedure's national code."""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.catalogue.models import Procedure
from lienthong.core.audit import record_event
from lienthong.documents.models import AttachmentVersion
from lienthong.documents.uploads import CheckedFile, check_upload, storage_name, store_blob
from lienthong.onestop.constants import PORTAL_STATUS, HandOverAction
from lienthong.onestop.models import Dossier, DossierComponent, HandOver
from lienthong.onestop.services import Applicant, create_dossier
from lienthong.signatures.services import enqueue_verification

from . import client as portal
from .constants import MAX_BACKOFF_SECONDS, PROGRESS_ACTIONS, PushKind, PushState
from .models import (
    NationalDossier,
    NationalProcedureCode,
    PullRun,
    StatusPush,
    procedure_code_validator,
)
from .payload import FiledPaper, dossier_record, progress_record, read_filed_dossier
from .permissions import can_pull, can_retry

logger = logging.getLogger(__name__)
# A stable namespace for the idempotency keys of pulled dossiers.
_PULL_NAMESPACE = uuid.UUID("6f0e3b1c-6a43-4a8e-9f2c-2d7f1a0c5e11")


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s... up to an hour between two attempts of a push."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def queue_status_push(*, dossier: Dossier, status: str, at: datetime) -> StatusPush | None:
    """Called in the transaction of the change: one outbox row (the dossier as it is now, in
    the portal's shape) and a job to send it. Drafts (no code yet) are not pushed."""
    if PORTAL_STATUS.get(status) is None or not dossier.code:
        return None  # a draft (even withdrawn) never reached the portal
    tracking = _tracking_code(dossier)
    return _queue(
        dossier,
        kind=PushKind.STATUS,
        status=status,
        at=at,
        payload=dossier_record(dossier, status=status, tracking_code=tracking),
    )


def queue_progress_push(*, entry: HandOver) -> list[StatusPush]:
    """Called in the transaction of a history entry, after its status change (if any): the
    step as progress (`CapNhatTienDoHoSoMC`), preceded, when the entry records the fee paid,
    by the dossier record again with its fee paid. Internal entries are not pushed."""
    dossier = entry.dossier
    status = entry.status_after
    if entry.action not in PROGRESS_ACTIONS or not dossier.code or not PORTAL_STATUS.get(status):
        return []
    tracking = _tracking_code(dossier)
    pushes = []
    if entry.action == HandOverAction.FEE_PAID:
        record = dossier_record(dossier, status=status, tracking_code=tracking)
        pushes.append(
            _queue(dossier, kind=PushKind.FEE, status=status, at=entry.at, payload=record)
        )
    record = progress_record(entry, tracking_code=tracking)
    pushes.append(
        _queue(dossier, kind=PushKind.PROGRESS, status=status, at=entry.at, payload=record)
    )
    return pushes


def _tracking_code(dossier: Dossier) -> str:
    link = NationalDossier.objects.filter(dossier=dossier).first()
    return link.tracking_code if link else ""


def _queue(
    dossier: Dossier, *, kind: str, status: str, at: datetime, payload: dict[str, Any]
) -> StatusPush:
    last = StatusPush.objects.filter(dossier=dossier).aggregate(n=Max("sequence"))["n"] or 0
    push = StatusPush.objects.create(
        dossier=dossier,
        sequence=last + 1,
        kind=kind,
        status_code=PORTAL_STATUS[status] or 0,
        local_status=status,
        changed_at=at,
        payload=payload,
        next_attempt_at=at,
    )
    # An earlier push not yet acknowledged has its job (or its retry, or the periodic check):
    # that job sends this one after it.
    if not StatusPush.objects.filter(dossier=dossier, sequence__lt=push.sequence).unacknowledged():
        _enqueue_push(dossier.pk)
    return push


def _enqueue_push(dossier_id: int) -> None:
    from .tasks import push_dossier_statuses  # noqa: PLC0415 (tasks import this module)

    push_dossier_statuses.enqueue(dossier_id)


@dataclass
class PushOutcome:
    acknowledged: int = 0
    held: bool = False  # stopped at a push refused by the portal
    unavailable: str = ""  # the portal could not be reached: try again later


def push_pending(*, dossier_id: int, client: portal.PortalClient | None = None) -> PushOutcome:
    """Send the dossier's pushes in sequence until all are acknowledged, one is refused (it
    and the later ones wait for an officer's retry) or the portal is unavailable (the row
    records the attempt and its next time). Idempotent: a push already acknowledged is never
    sent again; a re-sent one the portal already has is acknowledged once."""
    outcome = PushOutcome()
    client = client or portal.get_client()
    while True:
        with transaction.atomic():
            push = (
                StatusPush.objects.select_for_update(of=("self",))
                .filter(dossier_id=dossier_id)
                .unacknowledged()
                .order_by("sequence")
                .select_related("dossier__procedure__dvcqg_code", "dossier__agency")
                .first()
            )
            if push is None:
                return outcome
            if push.state == PushState.FAILED:
                _hold_later(push)
                outcome.held = True
                return outcome
            now = timezone.now()
            push.attempts += 1
            record = dict(push.payload)
            code = getattr(push.dossier.procedure, "dvcqg_code", None)
            agency_code = push.dossier.agency.code
            if code is None and push.kind != PushKind.PROGRESS:
                _fail(push, _("The procedure has no national procedure code."))
                outcome.held = True
                return outcome
            try:
                if push.kind == PushKind.PROGRESS:
                    ack = client.push_progress(agency_code=agency_code, record=record)
                else:
                    record["MaTTHC"] = code.code if code else ""
                    ack = client.push_dossier(agency_code=agency_code, record=record)
            except portal.PortalRefusal as exc:
                _fail(push, exc.message or str(exc))
                outcome.held = True
                return outcome
            except portal.PortalUnavailable as exc:
                push.state = PushState.SENT if exc.maybe_delivered else push.state
                push.last_error = str(exc)[:500]
                push.next_attempt_at = now + backoff(push.attempts)
                push.save()
                outcome.unavailable = str(exc)
                return outcome
            push.state = PushState.ACKNOWLEDGED
            push.acknowledged_at = now
            push.duplicate = ack.duplicate
            push.last_error = ""
            push.next_attempt_at = None
            push.save()
            outcome.acknowledged += 1


def _hold_later(push: StatusPush) -> None:
    """The later pushes wait for this refused one: not due until it is retried (the periodic
    check then leaves them alone; the retry's job sends them after it)."""
    StatusPush.objects.filter(
        dossier_id=push.dossier_id, sequence__gt=push.sequence
    ).unacknowledged().update(next_attempt_at=None)


def _fail(push: StatusPush, reason: str) -> None:
    push.state = PushState.FAILED
    push.last_error = reason[:500]
    push.next_attempt_at = None
    push.save()
    _hold_later(push)
    record_event(
        action="dvcqg.push_refused",
        obj=push.dossier,
        data={"sequence": push.sequence, "status": push.status_code, "reason": reason[:200]},
    )


@transaction.atomic
def retry_push(*, actor: User, push: StatusPush) -> StatusPush:
    """Put a refused or stalled push back in line (after the cause was fixed, e.g. the
    procedure's national code added) and send at once."""
    push = (
        StatusPush.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=push.pk)
    )
    if not can_retry(actor, push):
        raise PermissionDenied(_("You cannot retry this push."))
    push.state = PushState.PENDING
    push.next_attempt_at = timezone.now()
    push.save()
    record_event(
        action="dvcqg.push_retried",
        actor=actor,
        obj=push.dossier,
        data={"sequence": push.sequence, "status": push.status_code},
    )
    _enqueue_push(push.dossier_id)
    return push


def enqueue_due_pushes() -> int:
    """Periodic: a job for each dossier whose next push is due again (the job's own retries
    were used up, or the worker was down); the row's next time is moved on so that one minute
    later the same dossier is not queued twice. Returns how many jobs were queued."""
    if not portal.is_enabled():
        return 0
    now = timezone.now()
    with transaction.atomic():
        due = list(
            StatusPush.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state__in=(PushState.PENDING, PushState.SENT), next_attempt_at__lte=now)
            .order_by("dossier_id", "sequence")
        )
        dossiers = sorted({push.dossier_id for push in due})
        for push in due:
            push.next_attempt_at = now + backoff(push.attempts + 1)
            push.save(update_fields=["next_attempt_at", "updated_at"])
        for dossier_id in dossiers:
            _enqueue_push(dossier_id)
    return len(dossiers)


@dataclass
class PullResult:
    imported: list[Dossier] = field(default_factory=list)
    already: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (tracking code, reason)


def _message(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)[:300]


def pull_new_dossiers(
    *, actor: User, agency: Agency, client: portal.PortalClient | None = None
) -> PullResult:
    """Take the dossiers filed on the portal for `agency` into its counter queue (status 1,
    submitted, with our code), keep the portal's tracking code, then confirm each one to the
    portal. A record that is unusable (unknown procedure for the agency, bad applicant data)
    stays on the portal and is reported; a dossier listed again is not created twice."""
    if not can_pull(actor) or actor.agency_id != agency.pk:
        raise PermissionDenied(_("Only a one-stop officer of the agency can pull its dossiers."))
    client = client or portal.get_client()
    result = PullResult()
    run = PullRun.objects.create(agency=agency)
    try:
        records = client.new_dossiers(agency_code=agency.code)
    except (portal.PortalUnavailable, portal.PortalRefusal) as exc:
        run.error = str(exc)[:500]
        run.save()
        raise
    for record in records:
        tracking = str(record.get("MaHoSo", ""))[:40] if isinstance(record, dict) else ""
        try:
            link, created = _import(actor=actor, agency=agency, record=record, client=client)
        except ValidationError as exc:
            result.refused.append((tracking, _message(exc)))
            continue
        if created:
            result.imported.append(link.dossier)
        else:
            result.already += 1
        try:
            client.confirm_received(
                agency_code=agency.code,
                tracking_code=link.tracking_code,
                local_code=link.dossier.code or "",
            )
        except (portal.PortalUnavailable, portal.PortalRefusal) as exc:
            logger.warning("confirming %s to the portal failed: %s", link.tracking_code, exc)
            continue  # listed again next time, recognised and confirmed then
        NationalDossier.objects.filter(pk=link.pk).update(confirmed_at=timezone.now())
    run.imported = len(result.imported)
    run.already = result.already
    run.refused = [list(item) for item in result.refused]
    run.save()
    record_event(
        action="dvcqg.pulled",
        actor=actor,
        obj=agency,
        data={"imported": run.imported, "already": run.already, "refused": len(run.refused)},
    )
    return result


def _import(
    *, actor: User, agency: Agency, record: Any, client: portal.PortalClient
) -> tuple[NationalDossier, bool]:
    filed = read_filed_dossier(record)
    existing = NationalDossier.objects.filter(tracking_code=filed.tracking_code).first()
    if existing is not None:
        return existing, False
    procedure = (
        Procedure.objects.filter(
            agency=agency, is_published=True, dvcqg_code__code=filed.procedure_code
        )
        .order_by("pk")
        .first()
    )
    if procedure is None:
        raise ValidationError(
            _("No published procedure of this agency has the national code %(code)s.")
            % {"code": filed.procedure_code}
        )
    applicant = Applicant(
        kind=filed.kind,
        name=filed.name,
        id_number=filed.id_number,
        phone=filed.phone,
        email=filed.email,
        address=filed.address,
    )
    # Every paper fetched and checked before anything is written: one bad paper, and the
    # dossier stays on the portal, reported with the reason.
    papers = [(paper, *_fetch_paper(client, paper)) for paper in filed.papers]
    stored: list[tuple[str, bool]] = []
    try:
        with transaction.atomic():
            dossier = create_dossier(
                actor=actor,
                procedure=procedure,
                idempotency_key=uuid.uuid5(_PULL_NAMESPACE, filed.tracking_code),
                applicant=applicant,
                subject=filed.subject,
            )
            link = NationalDossier.objects.create(
                dossier=dossier,
                tracking_code=filed.tracking_code,
                payload=record,
                pulled_by=actor,
            )
            components = {c.name.casefold(): c for c in procedure.components.all()}
            for paper, content, checked in papers:
                blob, created_file = store_blob(io.BytesIO(content), checked)
                stored.append((checked.sha256, created_file))
                matched = components.get(paper.name.rsplit(".", 1)[0].strip().casefold())
                DossierComponent.objects.create(
                    dossier=dossier,
                    procedure_component=matched,
                    name=(matched.name if matched else paper.name)[:500],
                    blob=blob,
                    original_name=paper.name[:255],
                    uploaded_by=actor,
                )
                enqueue_verification(blob=blob)
            # The pushes queued by the creation carry our code: the portal knows the dossier
            # by its own tracking code.
            for push in StatusPush.objects.filter(dossier=dossier):
                push.payload = {**push.payload, "MaHoSo": filed.tracking_code}
                push.save(update_fields=["payload", "updated_at"])
            record_event(
                action="dvcqg.dossier_pulled",
                actor=actor,
                obj=dossier,
                data={
                    "code": dossier.code,
                    "tracking_code": filed.tracking_code,
                    "papers": [
                        {"id": p.file_id, "name": p.name, "sha256": c.sha256} for p, _b, c in papers
                    ],
                },
            )
    except IntegrityError:  # pulled at the same moment by another officer or the job
        _remove_new_files(stored)
        existing = NationalDossier.objects.filter(tracking_code=filed.tracking_code).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _remove_new_files(stored)
        raise
    return link, True


def _fetch_paper(client: portal.PortalClient, paper: FiledPaper) -> tuple[bytes, CheckedFile]:
    """Fetch one paper from the portal and check it as any upload (type by its content, size,
    readable) and against what the record declares (type, size, SHA-256)."""
    try:
        content = client.fetch_file(url=paper.url, max_bytes=settings.LIENTHONG_MAX_UPLOAD_BYTES)
    except portal.PortalRefusal as exc:
        raise ValidationError(
            _("The paper “%(name)s” could not be fetched: %(reason)s")
            % {"name": paper.name, "reason": exc.message}
        ) from exc
    except portal.PortalUnavailable as exc:
        raise ValidationError(
            _("The paper “%(name)s” could not be fetched: %(reason)s")
            % {"name": paper.name, "reason": str(exc)}
        ) from exc
    checked = check_upload(io.BytesIO(content), paper.name)
    if paper.size is not None and paper.size != checked.size:
        raise ValidationError(
            _("The paper “%(name)s” has %(got)s bytes, the portal declared %(want)s.")
            % {"name": paper.name, "got": checked.size, "want": paper.size}
        )
    if paper.sha256 and paper.sha256 != checked.sha256:
        raise ValidationError(
            _("The paper “%(name)s” does not match its hash: it was altered or cut short.")
            % {"name": paper.name}
        )
    if paper.content_type and paper.content_type != checked.content_type:
        raise ValidationError(
            _("The paper “%(name)s” is declared %(declared)s but its content is %(found)s.")
            % {"name": paper.name, "declared": paper.content_type, "found": checked.content_type}
        )
    return content, checked


def _remove_new_files(stored: list[tuple[str, bool]]) -> None:
    """The files this import stored, removed again when its transaction failed (unless
    another record uses the same content)."""
    for sha256, created in stored:
        if (
            created
            and not DossierComponent.objects.filter(blob__sha256=sha256).exists()
            and not AttachmentVersion.objects.filter(blob__sha256=sha256).exists()
        ):
            default_storage.delete(storage_name(sha256))


def pull_actor(agency: Agency) -> User | None:
    """Who the periodic pull acts as: the agency's first active one-stop officer."""
    officer: User | None = (
        User.objects.filter(agency=agency, is_active=True, role_grants__role=Role.ONESTOP_OFFICER)
        .order_by("pk")
        .first()
    )
    return officer


def agencies_to_pull() -> list[Agency]:
    """The agencies with at least one procedure carrying a national code."""
    return list(
        Agency.objects.filter(procedures__dvcqg_code__isnull=False).distinct().order_by("pk")
    )


@transaction.atomic
def set_procedure_code(
    *, actor: User | None, procedure: Procedure, code: str, verified: bool = False
) -> NationalProcedureCode:
    code = code.strip()
    procedure_code_validator(code)
    defaults: dict[str, Any] = {"code": code, "verified": verified}
    previous = NationalProcedureCode.objects.filter(procedure=procedure).first()
    if previous is None or previous.code != code:  # what the portal said was of the old code
        defaults |= {"national_name": "", "checked_at": None}
    entry, _created = NationalProcedureCode.objects.update_or_create(
        procedure=procedure, defaults=defaults
    )
    record_event(
        action="dvcqg.procedure_code_set",
        actor=actor,
        obj=procedure,
        data={"code": code, "verified": verified},
    )
    return entry


def check_procedure_code(
    *, actor: User | None, entry: NationalProcedureCode, client: portal.PortalClient | None = None
) -> NationalProcedureCode:
    """Ask the portal's national database (`LayThuTuc`) for the code: known, the entry is
    ticked verified with the national name; unknown, a ValidationError says so and the entry
    keeps what it had. Unreachable: PortalUnavailable (nothing changed)."""
    client = client or portal.get_client()
    procedure = entry.procedure
    try:
        info = client.procedure_info(agency_code=procedure.agency.code, code=entry.code)
    except portal.PortalRefusal as exc:
        raise ValidationError(
            _("The national database does not confirm the code %(code)s: %(reason)s")
            % {"code": entry.code, "reason": exc.message}
        ) from exc
    name = str(info.get("TENTTHC") or "").strip()[:500]
    with transaction.atomic():
        NationalProcedureCode.objects.filter(pk=entry.pk).update(
            verified=True, national_name=name, checked_at=timezone.now()
        )
        record_event(
            action="dvcqg.procedure_code_checked",
            actor=actor,
            obj=procedure,
            data={"code": entry.code, "name": name[:200]},
        )
    entry.refresh_from_db()
    return entry


__all__ = [
    "PullResult",
    "PushOutcome",
    "agencies_to_pull",
    "check_procedure_code",
    "enqueue_due_pushes",
    "pull_actor",
    "pull_new_dossiers",
    "push_pending",
    "queue_progress_push",
    "queue_status_push",
    "retry_push",
    "set_procedure_code",
]
