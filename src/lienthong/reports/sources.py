"""Figures the platform already knows, offered to pre-fill report indicators.

Each source is one entry of `SOURCES`: a key an indicator names, a label, the definition shown
to the person filling the report (what is counted, from which table, over which dates) and a
function computing it in SQL for some agencies over the period's cut-off window. Adding a
source is adding one entry; colleagues' apps (tasks, training, meetings) are wired here by the
lead after merge."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document
from lienthong.onestop.constants import Channel
from lienthong.onestop.models import Dossier

Compute = Callable[[Collection[int], date, date], Decimal | None]


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    definition: str | Promise
    compute: Compute


def _count(n: int) -> Decimal:
    return Decimal(n)


def _incoming(agencies: Collection[int], start: date, end: date) -> Decimal:
    return _count(
        Document.objects.filter(
            agency_id__in=agencies,
            direction=Direction.INCOMING,
            status=DocumentStatus.REGISTERED,
            arrival_date__date__range=(start, end),
        ).count()
    )


def _issued(agencies: Collection[int], start: date, end: date) -> Decimal:
    return _count(
        Document.objects.filter(
            agency_id__in=agencies,
            direction=Direction.OUTGOING,
            status=DocumentStatus.ISSUED,
            issued_date__range=(start, end),
        ).count()
    )


def _dossiers(extra: Q) -> Compute:
    def compute(agencies: Collection[int], start: date, end: date) -> Decimal:
        return _count(
            Dossier.objects.filter(
                Q(agency_id__in=agencies, received_at__date__range=(start, end)) & extra
            ).count()
        )

    return compute


def _finished(on_time: bool) -> Compute:
    def compute(agencies: Collection[int], start: date, end: date) -> Decimal:
        timely = Q(finished_at__lte=F("due_at"))
        return _count(
            Dossier.objects.filter(
                agency_id__in=agencies,
                finished_at__date__range=(start, end),
                due_at__isnull=False,
            )
            .filter(timely if on_time else ~timely)
            .count()
        )

    return compute


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "documents_received",
            _("Documents received"),
            _(
                "Incoming documents registered by the agency whose arrival date falls in the "
                "period's cut-off window (documents table, direction incoming, status registered)."
            ),
            _incoming,
        ),
        Source(
            "documents_issued",
            _("Documents issued"),
            _(
                "Outgoing documents issued by the agency whose document date falls in the window "
                "(documents table, direction outgoing, status issued)."
            ),
            _issued,
        ),
        Source(
            "dossiers_received",
            _("Dossiers received"),
            _("One-stop dossiers received at the agency in the window (any channel)."),
            _dossiers(Q()),
        ),
        Source(
            "dossiers_received_online",
            _("Dossiers received on-line"),
            _("One-stop dossiers received in the window that were filed on-line."),
            _dossiers(Q(channel=Channel.ONLINE)),
        ),
        Source(
            "dossiers_on_time",
            _("Dossiers settled on time"),
            _("Dossiers whose result was ready in the window, no later than the appointment."),
            _finished(on_time=True),
        ),
        Source(
            "dossiers_late",
            _("Dossiers settled late"),
            _("Dossiers whose result was ready in the window, after the appointment."),
            _finished(on_time=False),
        ),
    )
}
