"""Figures the platform already knows, offered to pre-fill report indicators.

Each source is one entry of `SOURCES`: a key an indicator names, a label, the definition shown
to the person filling the report (what is counted, from which table, over which dates) and a
function computing it in SQL for some agencies over the period's cut-off window. Adding a
source is adding one entry. The tasks, training and meetings apps each offer one function giving
several counts at once (`task_counts`, `training_counts`, `meeting_counts`); each is wired here
as one family entry (`_family`) that makes one source per count it gives."""

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
from lienthong.meetings.stats import meeting_counts
from lienthong.onestop.constants import Channel
from lienthong.onestop.models import Dossier
from lienthong.tasks.stats import task_counts
from lienthong.training.stats import training_counts

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


Counts = Callable[[Collection[int], date, date], dict[str, int]]


def _family(
    prefix: str, counts: Counts, figures: dict[str, tuple[str | Promise, str | Promise]]
) -> list[Source]:
    """One source per count a colleague app's statistics function gives (`<prefix>_<count>`,
    or the count's own name when it already starts so): the
    function is called once per source, over the agencies and the window, in one SQL query."""

    def picker(name: str) -> Compute:
        def compute(agencies: Collection[int], start: date, end: date) -> Decimal:
            return _count(counts(list(agencies), start, end)[name])

        return compute

    return [
        Source(
            name if name.startswith(f"{prefix}_") else f"{prefix}_{name}",
            label,
            definition,
            picker(name),
        )
        for name, (label, definition) in figures.items()
    ]


_TASKS = _family(
    "tasks",
    task_counts,
    {
        "given": (
            _("Tasks given"),
            _(
                "Tasks the agency gave whose date given falls in the window, cancelled ones left "
                "out (tasks table; docs/tasks.md)."
            ),
        ),
        "done_on_time": (
            _("Tasks done on time"),
            _("Of the tasks given in the window: reported done no later than their deadline."),
        ),
        "done_late": (
            _("Tasks done late"),
            _("Of the tasks given in the window: reported done after their deadline."),
        ),
        "overdue": (
            _("Tasks overdue"),
            _("Of the tasks given in the window: still open, their deadline passed (today)."),
        ),
    },
)
_TRAINING = _family(
    "training",
    training_counts,
    {
        "classes_held": (
            _("Training classes held"),
            _(
                "Classes (not cancelled) that ended in the window with at least one of the "
                "agency's officials approved as a trainee (training tables; docs/training.md)."
            ),
        ),
        "officials_trained": (
            _("Officials trained"),
            _("The agency's officials approved for a class that ended in the window."),
        ),
        "training_hours": (
            _("Training hours (person-hours)"),
            _("The course's hours for each of the agency's approved trainees of those classes."),
        ),
    },
)
_MEETINGS = _family(
    "meetings",
    meeting_counts,
    {
        "held": (
            _("Meetings held"),
            _("Meetings of the agency marked held whose start falls in the window (meetings)."),
        ),
        "held_online": (
            _("Meetings held on-line"),
            _("Of those meetings: the ones held with a video conference."),
        ),
    },
)

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
        *_TASKS,
        *_TRAINING,
        *_MEETINGS,
    )
}
