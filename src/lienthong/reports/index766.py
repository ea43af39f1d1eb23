"""The Decision 766/QĐ-TTg index (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ
người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công), per agency, computed
in SQL from the one-stop data of a period.

The decision's six groups and their maximum points (18, 20, 12, 10, 18, 22: 100 in all) are
those the national portal shows; how a group's points are split among its components and the
exact formulas are not published in a text we hold, so each component below is a share of the
dossiers (or procedures) times its points, marked `estimate=True` where the split or the reading
is ours (docs/reporting.md lists each formula). A component whose data the platform does not hold
(or that has nothing to count in the period) is "no data": it is left out of the total and of
the maximum, never counted as 0; the index is the points earned over the points that had data,
brought to 100."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.catalogue.constants import Level2022
from lienthong.catalogue.models import Procedure
from lienthong.dvcqg.constants import PushState
from lienthong.dvcqg.models import StatusPush
from lienthong.onestop.constants import Channel, DossierStatus, Outcome, Satisfaction
from lienthong.onestop.models import DigitisedPaper, Dossier, DossierComponent, Rating


@dataclass(frozen=True)
class Component:
    key: str
    group: int
    name: str | Promise
    points: int
    formula: str | Promise
    estimate: bool = True


GROUPS: dict[int, tuple[str | Promise, int]] = {
    1: (_("Publicity and transparency"), 18),
    2: (_("Processing progress"), 20),
    3: (_("On-line public services"), 12),
    4: (_("On-line payment"), 10),
    5: (_("Satisfaction"), 18),
    6: (_("Digitisation of dossiers"), 22),
}

COMPONENTS = (
    Component(
        "published",
        1,
        _("Procedures published"),
        9,
        _("The agency's procedures published on the portal ÷ all its procedures."),
    ),
    Component(
        "synchronised",
        1,
        _("Dossiers synchronised with the national portal"),
        9,
        _(
            "Dossiers received in the period with a status acknowledged by the national "
            "public-service portal ÷ dossiers received (no data when the platform has never "
            "synchronised a dossier)."
        ),
    ),
    Component(
        "on_time",
        2,
        _("Dossiers settled early or on time"),
        20,
        _("Dossiers whose result was ready in the period early or on time ÷ those settled."),
    ),
    Component(
        "procedures_online",
        3,
        _("Procedures offered on-line"),
        6,
        _(
            "The agency's procedures offered as an on-line public service (Decree 42/2022 full "
            "or partial, or level 3-4 of Decree 43/2011) ÷ all its procedures."
        ),
    ),
    Component(
        "dossiers_online",
        3,
        _("Dossiers filed on-line"),
        6,
        _("Dossiers received in the period that were filed on-line ÷ dossiers received."),
    ),
    Component(
        "paid_online",
        4,
        _("Fees paid on-line"),
        10,
        _(
            "Dossiers received in the period with a fee whose fee was paid through the payment "
            "gateway ÷ dossiers received with a fee."
        ),
    ),
    Component(
        "satisfied",
        5,
        _("Applicants satisfied"),
        12,
        _(
            "Ratings of dossiers settled in the period that are satisfied or very satisfied ÷ "
            "all those ratings."
        ),
    ),
    Component(
        "feedback",
        5,
        _("Feedback and complaints handled"),
        6,
        _("Not held by the one-stop data: shown as no data."),
    ),
    Component(
        "digitised",
        6,
        _("Papers digitised at reception"),
        8,
        _(
            "Dossiers received at the counter or by post in the period with at least one paper "
            "digitised ÷ those dossiers."
        ),
    ),
    Component(
        "results_electronic",
        6,
        _("Results issued electronically"),
        8,
        _(
            "Dossiers settled in the period whose result is an electronic document or a "
            "digitised copy ÷ dossiers settled."
        ),
    ),
    Component(
        "reused",
        6,
        _("Digitised papers reused"),
        6,
        _(
            "Dossiers received in the period with a paper reused from an earlier dossier's "
            "digitised copy ÷ dossiers received."
        ),
    ),
)
NO_DATA_ALWAYS = frozenset({"feedback"})


@dataclass
class Score:
    component: Component
    part: int | None  # None: no data
    whole: int | None

    @property
    def has_data(self) -> bool:
        return bool(self.whole) and self.part is not None

    @property
    def share(self) -> Decimal | None:
        if not self.has_data:
            return None
        return (Decimal(100) * self.part / self.whole).quantize(  # type: ignore[operator]
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def points(self) -> Decimal | None:
        if not self.has_data:
            return None
        return (Decimal(self.component.points) * self.part / self.whole).quantize(  # type: ignore[operator]
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


@dataclass
class AgencyIndex:
    agency_id: int
    agency: str
    scores: list[Score] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((s.points for s in self.scores if s.points is not None), Decimal(0))

    @property
    def max_points(self) -> int:
        return sum(s.component.points for s in self.scores if s.has_data)

    @property
    def index(self) -> Decimal | None:
        """Points earned over the points that had data, on 100."""
        if not self.max_points:
            return None
        return (self.points * 100 / self.max_points).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def _by_agency(rows: Any, key: str = "agency") -> dict[int, dict[str, Any]]:
    return {row[key]: row for row in rows}


def compute(agencies: QuerySet[Agency], start: date, end: date) -> list[AgencyIndex]:
    """The index of each agency that has procedures or dossiers, in a fixed number of grouped
    queries (procedures, received dossiers, settled dossiers, ratings)."""
    since, until = _bounds(start, end)
    agency_ids = list(agencies.values_list("pk", flat=True))
    dossiers = Dossier.objects.filter(agency_id__in=agency_ids).exclude(status=DossierStatus.DRAFT)
    procedures = _by_agency(
        Procedure.objects.filter(agency_id__in=agency_ids)
        .values("agency")
        .annotate(
            all=Count("pk"),
            published=Count("pk", filter=Q(is_published=True)),
            online=Count(
                "pk",
                filter=Q(level_2022__in=[Level2022.FULL, Level2022.PARTIAL]) | Q(level_2011__gte=3),
            ),
        )
        .order_by()
    )
    synchronised = StatusPush.objects.filter(dossier=OuterRef("pk"), state=PushState.ACKNOWLEDGED)
    digitised = DossierComponent.objects.filter(dossier=OuterRef("pk"), digitised__isnull=False)
    reused = DossierComponent.objects.filter(
        dossier=OuterRef("pk"), digitised__isnull=False
    ).exclude(digitised__dossier=OuterRef("pk"))
    paper = Q(channel__in=[Channel.COUNTER, Channel.POST])
    received = _by_agency(
        dossiers.filter(received_at__gte=since, received_at__lt=until)
        .annotate(
            _synced=Exists(synchronised), _digitised=Exists(digitised), _reused=Exists(reused)
        )
        .values("agency")
        .annotate(
            all=Count("pk"),
            synchronised=Count("pk", filter=Q(_synced=True)),
            online=Count("pk", filter=Q(channel=Channel.ONLINE)),
            with_fee=Count("pk", filter=Q(fee_vnd__gt=0)),
            paid_online=Count("pk", filter=Q(fee_vnd__gt=0) & ~Q(payment_reference="")),
            on_paper=Count("pk", filter=paper),
            digitised=Count("pk", filter=paper & Q(_digitised=True)),
            reused=Count("pk", filter=Q(_reused=True)),
        )
        .order_by()
    )
    result_copy = DigitisedPaper.objects.filter(dossier=OuterRef("pk"), is_result=True)
    settled = _by_agency(
        dossiers.filter(finished_at__gte=since, finished_at__lt=until)
        .exclude(outcome="")
        .annotate(_result_copy=Exists(result_copy))
        .values("agency")
        .annotate(
            all=Count("pk"),
            on_time=Count("pk", filter=Q(outcome__in=[Outcome.EARLY, Outcome.ON_TIME])),
            electronic=Count(
                "pk",
                filter=Q(result_document__isnull=False)
                | Q(result_file__isnull=False)
                | Q(_result_copy=True),
            ),
        )
        .order_by()
    )
    ratings = _by_agency(
        Rating.objects.filter(
            dossier__agency_id__in=agency_ids,
            dossier__finished_at__gte=since,
            dossier__finished_at__lt=until,
        )
        .values("dossier__agency")
        .annotate(
            all=Count("pk"),
            satisfied=Count(
                "pk",
                filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.VERY_SATISFIED]),
            ),
        )
        .order_by(),
        key="dossier__agency",
    )
    ever_synchronised = StatusPush.objects.exists()
    names = dict(
        agencies.filter(pk__in=set(procedures) | set(received) | set(settled)).values_list(
            "pk", "name"
        )
    )
    result = []
    for agency_id in sorted(names, key=lambda pk: names[pk]):
        p = procedures.get(agency_id, {})
        r = received.get(agency_id, {})
        s = settled.get(agency_id, {})
        g = ratings.get(agency_id, {})
        parts: dict[str, tuple[int | None, int | None]] = {
            "published": (p.get("published"), p.get("all")),
            "synchronised": (
                (r.get("synchronised"), r.get("all")) if ever_synchronised else (None, None)
            ),
            "on_time": (s.get("on_time"), s.get("all")),
            "procedures_online": (p.get("online"), p.get("all")),
            "dossiers_online": (r.get("online"), r.get("all")),
            "paid_online": (r.get("paid_online"), r.get("with_fee")),
            "satisfied": (g.get("satisfied"), g.get("all")),
            "digitised": (r.get("digitised"), r.get("on_paper")),
            "results_electronic": (s.get("electronic"), s.get("all")),
            "reused": (r.get("reused"), r.get("all")),
        }
        scores = [
            Score(
                c,
                *(parts.get(c.key, (None, None)) if c.key not in NO_DATA_ALWAYS else (None, None)),
            )
            for c in COMPONENTS
        ]
        result.append(AgencyIndex(agency_id, names[agency_id], scores))
    return result


def export_rows(indexes: list[AgencyIndex]) -> tuple[list[str], list[list[Any]]]:
    """A header and one row per agency (the share of each component, blank when no data; then
    the points, the maximum with data and the index), for the XLSX."""
    header = [str(_("Agency"))]
    header += [f"{c.group}. {c.name} (%)" for c in COMPONENTS]
    header += [str(_("Points")), str(_("Points with data")), str(_("Index (on 100)"))]
    rows = []
    for item in indexes:
        row: list[Any] = [item.agency]
        row += [float(s.share) if s.share is not None else None for s in item.scores]
        row += [float(item.points), item.max_points, float(item.index) if item.index else None]
        rows.append(row)
    return header, rows
