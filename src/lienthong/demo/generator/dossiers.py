"""Generated one-stop dossiers, written in bulk as the onestop services leave them.

A dossier's life is a list of events, each the effect of one service (create, submit, receive,
forward to a step, assign, propose, approve, issue the result, return it; or ask for a
supplement, refuse, withdraw, stop). The generator picks a final status, plays the events that
lead there, and stops at the last one that happened before the end of the generated period;
so every dossier is in a state the services could have left it in, its history (`HandOver`,
`status_after`) follows `onestop.constants.TRANSITIONS`, its steps are in the matching states,
and its code is the next of the agency's day (`DailyCounter`). The result of a finished dossier
is not issued as an outgoing document here (`result_document` stays empty)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lienthong.accounts.models import User
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.models import (
    OneStopRules,
    Procedure,
    ProcedureComponent,
    ProcedureStep,
)
from lienthong.core import workdays
from lienthong.documents.models import Blob
from lienthong.onestop.codes import format_code
from lienthong.onestop.constants import (
    ApplicantKind,
    Channel,
    DossierStatus,
    HandOverAction,
    StepState,
    SupplementPhase,
)
from lienthong.onestop.models import (
    DailyCounter,
    Dossier,
    DossierComponent,
    DossierStep,
    HandOver,
    SupplementRequest,
)
from lienthong.onestop.services import outcome_of, schedule

from .bulk import BulkWriter, build
from .people import Staff, person
from .vocabulary import BUSINESS_NAMES, DISTRICTS, GIVEN_NAMES, PHONE_PREFIXES, STREETS

# Where dossiers end (weights), for dossiers older than a month and for recent ones.
OLD_FINAL = {
    DossierStatus.RETURNED: 80,
    DossierStatus.DONE: 5,
    DossierStatus.REFUSED: 5,
    DossierStatus.WITHDRAWN: 4,
    DossierStatus.STOPPED: 3,
    DossierStatus.SUPPLEMENT_REQUESTED: 3,
}
RECENT_FINAL = {
    DossierStatus.SUBMITTED: 8,
    DossierStatus.RECEIVED: 12,
    DossierStatus.PROCESSING: 30,
    DossierStatus.DONE: 15,
    DossierStatus.RETURNED: 20,
    DossierStatus.SUPPLEMENT_REQUESTED: 6,
    DossierStatus.REFUSED: 4,
    DossierStatus.WITHDRAWN: 3,
    DossierStatus.STOPPED: 2,
}
ONLINE_SHARE = 0.35


@dataclass
class Life:
    """One dossier being played: the row, its steps and its history."""

    dossier: Dossier
    steps: list[DossierStep] = field(default_factory=list)
    history: list[HandOver] = field(default_factory=list)
    supplements: list[SupplementRequest] = field(default_factory=list)
    papers: list[DossierComponent] = field(default_factory=list)


class DossierFiller:
    def __init__(
        self,
        *,
        staff: list[Staff],
        citizens: list[User],
        end: datetime,
        writer: BulkWriter,
        blobs: list[Blob],
    ) -> None:
        self.end = end
        self.blobs = blobs
        self.writer = writer
        self.citizens = citizens
        self.by_agency = {s.agency.pk: s for s in staff}
        self.procedures = list(
            Procedure.objects.filter(is_published=True, agency_id__in=list(self.by_agency))
            .filter(~Q(steps=None))
            .distinct()
            .order_by("pk")
        )
        self.steps: dict[int, list[ProcedureStep]] = {}
        for step in ProcedureStep.objects.filter(procedure__in=self.procedures).order_by(
            "procedure", "order"
        ):
            self.steps.setdefault(step.procedure_id, []).append(step)
        self.procedures = [p for p in self.procedures if self._playable(p)]
        self.papers: dict[int, list[ProcedureComponent]] = {}
        for paper in ProcedureComponent.objects.filter(
            procedure__in=self.procedures, required=True
        ).order_by("procedure", "order"):
            self.papers.setdefault(paper.procedure_id, []).append(paper)
        # The one-stop rules by effective date: a dossier follows those in force when received.
        self.rules = list(OneStopRules.objects.order_by("effective_from"))
        # The day counters of the generated agencies, read once (not a query per dossier).
        self.counters: dict[tuple[int, Any], int] = {}
        self.known_counters: dict[tuple[int, Any], DailyCounter] = {}
        for row in DailyCounter.objects.filter(agency_id__in=list(self.by_agency)):
            self.counters[(row.agency_id, row.day)] = row.last_number
            self.known_counters[(row.agency_id, row.day)] = row
        self.dirty: set[tuple[int, Any]] = set()

    def _rules_code(self, moment: datetime) -> str:
        day = timezone.localtime(moment).date()
        in_force = [r for r in self.rules if r.effective_from <= day] or self.rules[:1]
        return in_force[-1].code if in_force else "2018"

    def _playable(self, procedure: Procedure) -> bool:
        """Every step is at one of the generated agencies (whose officials can act on it)."""
        steps = self.steps.get(procedure.pk, [])
        return bool(steps) and all(s.agency_id in self.by_agency for s in steps)

    @property
    def available(self) -> bool:
        return bool(self.procedures)

    def _next_code(self, agency: Any, moment: datetime) -> str:
        day = timezone.localtime(moment).date()
        key = (agency.pk, day)
        self.counters[key] = self.counters.get(key, 0) + 1
        self.dirty.add(key)
        return format_code(agency.code, day, self.counters[key])

    def _handler(self, step: ProcedureStep | DossierStep) -> User:
        staff = self.by_agency[step.agency_id]
        if step.unit_id is not None:
            for unit_pk, people in staff.specialists.items():
                if unit_pk == step.unit_id and people:
                    return people[0]
            if step.unit_id in staff.unit_leaders:
                return staff.unit_leaders[step.unit_id]
        return staff.leader

    def _leader(self, step: DossierStep) -> User:
        staff = self.by_agency[step.agency_id]
        return staff.unit_leaders.get(step.unit_id or 0, staff.leader)

    # --- one dossier ------------------------------------------------------------------------

    def agency_of(self, rng: random.Random) -> int:
        """The agency of the dossier `play(rng, …)` would play (the stream's first draw; the
        stream is used up: play with a fresh one)."""
        return self.procedures[rng.randrange(len(self.procedures))].agency_id

    def play(self, rng: random.Random, moment: datetime) -> Life:
        """Plays one dossier submitted at `moment`, up to its final status or the end."""
        procedure = self.procedures[rng.randrange(len(self.procedures))]
        staff = self.by_agency[procedure.agency_id]
        online = bool(self.citizens) and rng.random() < ONLINE_SHARE
        citizen = rng.choice(self.citizens) if online else None
        applicant = _applicant(rng, citizen)
        finals = OLD_FINAL if (self.end - moment).days > 30 else RECENT_FINAL
        final = rng.choices(list(finals), list(finals.values()))[0]
        if final == DossierStatus.SUBMITTED and not online:
            final = DossierStatus.RECEIVED  # the counter receives what it takes in at once
        creator = citizen or staff.onestop_officer
        dossier = build(
            Dossier,
            procedure=procedure,
            agency_id=procedure.agency_id,
            channel=Channel.ONLINE if online else Channel.COUNTER,
            status=DossierStatus.DRAFT,
            applicant=citizen,
            applicant_kind=applicant.kind,
            applicant_name=applicant.name[:200],
            applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone,
            applicant_address=applicant.address[:300],
            subject=procedure.name[:500],
            copies=1,
            rules_version=self._rules_code(moment),
            fee_vnd=procedure.fee_vnd,
            created_by=creator,
        )
        run = _Run(
            filler=self,
            rng=rng,
            life=Life(dossier=dossier),
            staff=staff,
            citizen=citizen,
            final=final,
            clock=moment - timedelta(minutes=rng.randint(5, 600) if online else 0),
        )
        for stage in run.stages:
            if not stage(moment):
                break
        return run.life

    # --- writing ----------------------------------------------------------------------------

    def write(self, lives: list[Life]) -> None:
        if not lives:
            return
        writer = self.writer
        dossiers = [life.dossier for life in lives]
        for life in lives:
            life.dossier.updated_at = life.history[-1].at
        writer.assign_ids(dossiers)
        writer.insert(dossiers)
        steps = [s for life in lives for s in life.steps]
        for s in steps:
            s.dossier_id = s.dossier.pk
        writer.assign_ids(steps)
        writer.insert(steps)
        history = [h for life in lives for h in life.history]
        for h in history:
            h.dossier_id = h.dossier.pk
            h.step_id = h.step.pk if h.step_id is None and h.step is not None else h.step_id
        writer.insert(history, with_pk=False)
        papers = [c for life in lives for c in life.papers]
        for c in papers:
            c.dossier_id = c.dossier.pk
        writer.insert(papers, with_pk=False)
        supplements = [r for life in lives for r in life.supplements]
        for r in supplements:
            r.dossier_id = r.dossier.pk
        writer.insert(supplements, with_pk=False)

    def save_counters(self) -> None:
        changed, new = [], []
        for key in sorted(self.dirty):
            row = self.known_counters.get(key)
            if row is None:
                agency_id, day = key
                row = DailyCounter(agency_id=agency_id, day=day)
                self.known_counters[key] = row
                new.append(row)
            else:
                changed.append(row)
            row.last_number = self.counters[key]
        DailyCounter.objects.bulk_create(new)
        self.writer.update(changed, ["last_number"])
        self.dirty.clear()


@dataclass
class _Applicant:
    kind: str  # an ApplicantKind value
    name: str
    id_number: str
    phone: str
    address: str


def _applicant(rng: random.Random, citizen: User | None) -> _Applicant:
    """Who applies: the citizen's account online, or a person or business at the counter."""
    business = rng.random() < 0.2
    district = rng.choice(list(DISTRICTS))
    if citizen is not None:
        profile = citizen.applicant_profile
        return _Applicant(
            profile.kind, citizen.full_name, profile.id_number, profile.phone, profile.address
        )
    given = rng.choice(GIVEN_NAMES[rng.choice(("ông", "bà"))])
    if business:
        kind = ApplicantKind.BUSINESS
        name = rng.choice(BUSINESS_NAMES).format(
            given=given, commune=rng.choice(DISTRICTS[district])
        )
        id_number = f"{rng.randrange(2_000_000_000, 2_099_999_999)}"
    else:
        kind = ApplicantKind.CITIZEN
        name = person(rng)[1]
        id_number = f"0960{rng.randrange(10**8):08d}"
    phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    address = (
        f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, "
        f"{rng.choice(DISTRICTS[district])}, {district}"
    )
    return _Applicant(kind, name, id_number, phone, address)


@dataclass
class _Run:
    """One dossier being played, stage by stage: each stage records the events (one per
    service) that happened before the end, and says whether the dossier goes on to the next."""

    filler: DossierFiller
    rng: random.Random
    life: Life
    staff: Staff
    citizen: User | None
    final: DossierStatus
    clock: datetime  # when the last event happened
    steps: list[DossierStep] = field(default_factory=list)

    @property
    def stages(self) -> tuple[Callable[[datetime], bool], ...]:
        return (
            self.submit,
            self.screen,
            self.receive,
            self.process,
            self.issue_result,
            self.give_back,
        )

    @property
    def dossier(self) -> Dossier:
        return self.life.dossier

    @property
    def officer(self) -> User:
        return self.staff.onestop_officer

    def event(
        self,
        action: HandOverAction,
        actor: User,
        *,
        after: timedelta,
        change: Callable[[datetime], None] | None = None,
        **extra: Any,
    ) -> bool:
        """Records one service's effect `after` the last event; False past the end."""
        at = self.clock + after
        if at >= self.filler.end:
            return False
        self.clock = at
        if change is not None:
            change(at)
        self.life.history.append(
            build(
                HandOver,
                dossier=self.dossier,
                action=action,
                at=at,
                actor=actor,
                from_agency_id=actor.agency_id,
                status_after=self.dossier.status,
                **extra,
            )
        )
        return True

    def minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    # --- the stages ------------------------------------------------------------------------

    def submit(self, moment: datetime) -> bool:
        """Created with the required papers (nothing is submitted or received without them),
        then submitted at `moment`, which gives the dossier its code."""
        dossier, creator = self.dossier, self.citizen or self.officer
        dossier.created_at = self.clock
        papers = self.filler.papers.get(dossier.procedure.pk, [])
        for number, paper in enumerate(papers, start=1):
            self.life.papers.append(
                build(
                    DossierComponent,
                    dossier=dossier,
                    procedure_component=paper,
                    name=paper.name[:500],
                    blob=self.filler.blobs[number % len(self.filler.blobs)],
                    original_name=f"giay-to-{number:02d}.pdf",
                    uploaded_by=creator,
                    uploaded_at=self.clock,
                )
            )
        self.event(HandOverAction.CREATED, creator, after=timedelta(0))

        def submit(at: datetime) -> None:
            dossier.status = DossierStatus.SUBMITTED
            dossier.code = self.filler._next_code(self.staff.agency, at)
            dossier.submitted_at = at

        if not self.event(
            HandOverAction.SUBMITTED,
            creator,
            after=moment - self.clock,
            change=submit,
            to_agency=self.staff.agency,
        ):
            raise AssertionError("a dossier is submitted before the end")  # moment < end
        return self.final != DossierStatus.SUBMITTED

    def screen(self, moment: datetime) -> bool:
        """The officer refuses an incomplete dossier, or asks for a supplement."""
        final, dossier, officer = self.final, self.dossier, self.officer
        if final not in (DossierStatus.REFUSED, DossierStatus.SUPPLEMENT_REQUESTED):
            return True
        reason = "Hồ sơ chưa đủ thành phần theo quy định: thiếu bản sao giấy tờ tùy thân."

        def refuse(at: datetime) -> None:
            dossier.status = final
            if final == DossierStatus.REFUSED:
                dossier.closing_reason = reason
                dossier.closed_at, dossier.closed_by = at, officer
            else:
                self.life.supplements.append(
                    build(
                        SupplementRequest,
                        dossier=dossier,
                        phase=SupplementPhase.RECEPTION,
                        items="Bản sao giấy tờ tùy thân; tờ khai theo mẫu",
                        reason=reason,
                        requested_by=officer,
                        requested_at=at,
                    )
                )

        action = (
            HandOverAction.REFUSED
            if final == DossierStatus.REFUSED
            else HandOverAction.SUPPLEMENT_REQUESTED
        )
        self.event(action, officer, after=self.minutes(5, 120), change=refuse, note=reason)
        return False

    def receive(self, moment: datetime) -> bool:
        """The officer receives the dossier: the appointment is set, the reception step done."""
        dossier, officer = self.dossier, self.officer
        procedure = dossier.procedure
        self.steps = [
            build(
                DossierStep,
                dossier=dossier,
                order=s.order,
                name=s.name,
                agency_id=s.agency_id,
                unit_id=s.unit_id,
                role=s.role,
                days=s.days,
            )
            for s in self.filler.steps[procedure.pk]
        ]

        def receive(at: datetime) -> None:
            dossier.status = DossierStatus.RECEIVED
            start, due, warn = schedule(at, procedure.processing_days)
            dossier.received_at, dossier.received_by = at, officer
            dossier.clock_started_at, dossier.due_at, dossier.first_due_at = start, due, due
            dossier.warn_at = warn
            self.life.steps = self.steps
            for step in self.steps:
                if step.role == StepRole.RECEPTION:
                    step.state, step.started_at, step.finished_at = StepState.DONE, at, at
                    step.handler_id, step.outcome = officer.pk, "on_time"

        return self.event(
            HandOverAction.RECEIVED, officer, after=self.minutes(5, 90), change=receive
        )

    def process(self, moment: datetime) -> bool:
        """The working steps, one after the other, each over a share of the time budget."""
        dossier, rng = self.dossier, self.rng
        # Late dossiers take longer than their appointment; most finish in time.
        assert dossier.due_at is not None and dossier.received_at is not None
        budget = (dossier.due_at - dossier.received_at) * rng.uniform(0.3, 0.95)
        if rng.random() < 0.12:
            budget = (dossier.due_at - dossier.received_at) * rng.uniform(1.05, 1.6)
        working = [
            s for s in self.steps if s.state == StepState.WAITING and s.role != StepRole.RESULT
        ]
        share = budget / max(len(working) * 3, 1)
        stop_at = rng.randrange(len(working)) if working else 0
        for number, step in enumerate(working):
            sender = self.officer if number == 0 else self.filler._leader(working[number - 1])
            if not self._work_step(step, sender, share, stop_here=number == stop_at):
                return False
        return self.final != DossierStatus.PROCESSING

    def _work_step(
        self, step: DossierStep, sender: User, share: timedelta, *, stop_here: bool
    ) -> bool:
        """Forward, assign (processing steps), propose, approve; or stop at this step."""
        if not self._forward(step, sender) or self.final == DossierStatus.RECEIVED:
            return False
        handler = self.filler._handler(step)
        processing = step.role == StepRole.PROCESSING
        if processing and not self._assign(step, handler, share):
            return False
        if stop_here and self.final == DossierStatus.PROCESSING:
            return False
        if stop_here and self.final in (DossierStatus.WITHDRAWN, DossierStatus.STOPPED):
            self._close(step, share)
            return False
        if processing and not self._propose(step, handler, share):
            return False
        return self._approve(step, share)

    def _forward(self, step: DossierStep, sender: User) -> bool:
        def forward(at: datetime) -> None:
            step.state, step.started_at = StepState.QUEUED, at
            step.deadline_at = workdays.add_working_days_hours(workdays.clock_start(at), step.days)

        return self.event(
            HandOverAction.FORWARDED,
            sender,
            after=timedelta(0),
            change=forward,
            step=step,
            to_agency_id=step.agency_id,
            to_unit_id=step.unit_id,
        )

    def _assign(self, step: DossierStep, handler: User, share: timedelta) -> bool:
        def assign(at: datetime) -> None:
            step.state, step.handler_id = StepState.ASSIGNED, handler.pk
            self.dossier.status = DossierStatus.PROCESSING

        return self.event(
            HandOverAction.ASSIGNED,
            self.filler._leader(step),
            after=share,
            change=assign,
            step=step,
            to_user=handler,
        )

    def _close(self, step: DossierStep, share: timedelta) -> None:
        """The step's leader stops the dossier, or the applicant withdraws it."""
        final, dossier = self.final, self.dossier
        stopped = final == DossierStatus.STOPPED
        closer = self.filler._leader(step) if stopped else (self.citizen or self.officer)
        reason = (
            "Hồ sơ không đủ điều kiện giải quyết theo quy định."
            if stopped
            else "Người nộp đề nghị rút hồ sơ."
        )

        def close(at: datetime) -> None:
            dossier.status = final
            dossier.closing_reason, dossier.closed_at, dossier.closed_by = reason, at, closer
            for s in self.steps:
                if s.state not in (StepState.WAITING, StepState.DONE):
                    s.state, s.finished_at = StepState.DONE, at

        action = HandOverAction.STOPPED if stopped else HandOverAction.WITHDRAWN
        self.event(action, closer, after=share, change=close, note=reason)

    def _propose(self, step: DossierStep, handler: User, share: timedelta) -> bool:
        def propose(at: datetime) -> None:
            step.state = StepState.PROPOSED
            step.proposal = "Đề xuất giải quyết: hồ sơ đủ điều kiện, trình ký kết quả."

        return self.event(HandOverAction.PROPOSED, handler, after=share, change=propose, step=step)

    def _approve(self, step: DossierStep, share: timedelta) -> bool:
        def approve(at: datetime) -> None:
            step.state, step.finished_at = StepState.DONE, at
            if step.handler_id is None:
                step.handler_id = self.filler._leader(step).pk
            assert step.deadline_at is not None
            step.outcome = outcome_of(at, step.deadline_at)
            if self.dossier.status == DossierStatus.RECEIVED:
                self.dossier.status = DossierStatus.PROCESSING

        return self.event(
            HandOverAction.APPROVED,
            self.filler._leader(step),
            after=share,
            change=approve,
            step=step,
        )

    def issue_result(self, moment: datetime) -> bool:
        """The clerk records the result: the result step is done, and so is the dossier."""
        clerk = self.staff.clerk

        def result(at: datetime) -> None:
            for step in self.steps:
                if step.role == StepRole.RESULT:
                    step.state, step.handler_id = StepState.DONE, clerk.pk
                    step.started_at = step.started_at or at
                    step.finished_at, step.outcome = at, "on_time"
            self.dossier.status = DossierStatus.DONE
            self.dossier.finished_at = at

        done = self.event(
            HandOverAction.RESULT_READY,
            clerk,
            after=self.minutes(10, 240),
            change=result,
            to_agency=self.staff.agency,
        )
        return done and self.final != DossierStatus.DONE

    def give_back(self, moment: datetime) -> bool:
        """The officer returns the result at the counter, which closes the dossier."""
        dossier, officer = self.dossier, self.officer

        def give_back(at: datetime) -> None:
            dossier.status = DossierStatus.RETURNED
            dossier.returned_at, dossier.returned_by = at, officer
            dossier.return_channel = Channel.COUNTER
            assert dossier.finished_at is not None and dossier.due_at is not None
            dossier.outcome = outcome_of(dossier.finished_at, dossier.due_at)
            dossier.closed_at, dossier.closed_by = at, officer

        return self.event(
            HandOverAction.RETURNED,
            officer,
            after=timedelta(hours=self.rng.randint(1, 72)),
            change=give_back,
            note=str(Channel.COUNTER.label),
        )
