"""Fault injection: the platform served as in production (gunicorn, two sync workers, and
`lienthong db_worker`) on its own PostgreSQL cluster with fsync on, under a load of API clients
(registrations of incoming documents, outgoing documents issued to two agencies and delivered by
the worker, one-stop dossiers filed, received and assigned), while processes are killed with
SIGKILL at random moments: a gunicorn worker, the gunicorn master, the background worker, and
PostgreSQL (the postmaster and every server process at once). A supervisor restarts whatever
died, as systemd would; the clients retry (see faults.py for what each does before retrying).

Then the background worker is stopped, the jobs it left RUNNING are put back in the queue (what
the scheduler does after LIENTHONG_JOB_TIMEOUT_MINUTES; here at once, as no worker runs), the
worker is started again and the queue drains. Checked: every acknowledged write is there, once;
nothing is duplicated (one registration per number, one delivery and one received copy per
recipient, one dossier per idempotency key); every register's numbers are 1..last without gap
or repeat; no job is left pending and every failed attempt was followed by a successful one;
the audit chain verifies.

Every wait is bounded (requests, retries, joins, the drain, each subprocess): when one runs
out the test fails saying what was stuck, with the state of the processes and the ends of their
logs. The whole run takes two to four minutes on two shared cores, and ends within
TOTAL_SECONDS (plus initdb and the clean-up) whatever happens.

It starts its own cluster whatever DATABASE_URL says. It runs in the PostgreSQL half of
./scripts/test (on SQLite, killing a database server means nothing);
LIENTHONG_FAULT_RUN=0 leaves it out."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from . import faults
from .conftest import FIGURES

LOAD_SECONDS = 30
# After the load, the clients finish the write in hand within this time.
WIND_DOWN_SECONDS = 45
# The queue drains within this time after the worker is back, or after the last retry
# waiting its back-off is due; never beyond the whole run's bound.
DRAIN_SECONDS = 45
# Every phase's bound is cut to what is left of this.
TOTAL_SECONDS = 300
SEED = random.randrange(1_000_000)

pytestmark = [
    # The test does not use the test database, but the suite's autouse fixtures open it for
    # every test: marked so that it is created when this test runs alone.
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="fault injection needs PostgreSQL (a database server to kill)",
    ),
    pytest.mark.skipif(
        os.environ.get("LIENTHONG_FAULT_RUN") == "0",
        reason="the fault run was left out: LIENTHONG_FAULT_RUN=0",
    ),
]


def _result(done: Any) -> dict[str, Any]:
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[faults.Platform]:
    cluster = faults.Cluster()
    served = None
    try:
        cluster.init()
        served = faults.Platform(cluster, tmp_path)
        yield served
    finally:
        if served is not None:
            served.stop()
        cluster.destroy()


def _inject_faults(
    platform: faults.Platform, stop: threading.Event, injected: Counter[str]
) -> None:
    rng = random.Random(SEED)
    kinds: list[str] = []
    stop.wait(2)
    while not stop.is_set():
        if not kinds:  # every kind in each round, in a random order
            kinds = rng.sample(faults.FAULT_KINDS, len(faults.FAULT_KINDS))
        kind = kinds.pop()
        if faults.inject(platform, kind):
            injected[kind] += 1
        stop.wait(rng.uniform(2.5, 5.0))


def _stuck(platform: faults.Platform, what: str) -> str:
    return f"{what}\n{platform.status()}\n{platform.log_tail()}"


class _Clock:
    """The whole run's bound: each phase's wait is cut to what is left of TOTAL_SECONDS."""

    def __init__(self, platform: faults.Platform) -> None:
        self.platform = platform
        self.started = time.monotonic()
        self.end = self.started + TOTAL_SECONDS

    def left(self, at_most: float) -> float:
        remaining = self.end - time.monotonic()
        assert remaining > 0, _stuck(self.platform, f"the run took more than {TOTAL_SECONDS} s")
        return min(at_most, remaining)


def test_killed_processes_lose_and_duplicate_nothing(platform: faults.Platform) -> None:
    clock = _Clock(platform)
    left = clock.left
    started = clock.started

    setup = _result(platform.manage("-m", "tests.hardening.faults", "prepare", timeout=left(150)))
    prepared = time.monotonic()
    platform.cluster.make_durable()
    platform.start()
    platform.wait_until_serving(timeout=left(60))
    serving = time.monotonic()

    tally, injected = _load_under_faults(
        platform, setup, give_up_at=serving + left(LOAD_SECONDS + WIND_DOWN_SECONDS)
    )

    # The operator's part after the crashes: stop the worker, put back what it left RUNNING
    # and the retries lost while PostgreSQL was down (the scheduler's work), start the worker
    # again and let the queue drain (retries after a failure wait their back-off).
    platform.stop_worker()
    swept = _result(platform.manage("-m", "tests.hardening.faults", "requeue", timeout=left(60)))
    platform.start_worker()
    _drain(platform, clock, swept)
    drained = time.monotonic()
    facts = _result(platform.manage("-m", "tests.hardening.faults", "check", timeout=left(90)))

    writes = tally.writes
    acknowledged = [w for w in writes if w.acknowledged]
    lost: list[str] = []
    duplicates: list[str] = []
    _check_incoming(facts, writes, lost, duplicates)
    undelivered = _check_outgoing(facts, writes, lost, duplicates)
    _check_dossiers(facts, writes, lost, duplicates)

    # Numbering: each register hands out 1..last, each number to exactly one document.
    gaps = [
        r
        for r in facts["registers"]
        if r["used"] != list(range(1, r["last"] + 1)) or r["documents"] != r["used"]
    ]

    # Jobs: none pending; every failed attempt was followed by a successful run.
    jobs = Counter(j["status"] for j in facts["jobs"])
    succeeded = {
        (j["task_path"], json.dumps(j["args_kwargs"]["args"]))
        for j in facts["jobs"]
        if j["status"] == "SUCCESSFUL"
    }
    unrecovered = [
        j
        for j in facts["jobs"]
        if j["status"] == "FAILED"
        and (j["task_path"], json.dumps(j["args_kwargs"]["args"])) not in succeeded
    ]

    elapsed = time.monotonic() - started
    FIGURES["faults injected"] += sum(injected.values())
    for kind in faults.FAULT_KINDS:
        FIGURES[f"faults injected: {kind}"] += injected[kind]
    FIGURES["fault run: requests sent"] += tally.requests
    FIGURES["fault run: requests failed (no answer or 5xx)"] += tally.failed_requests
    FIGURES["fault run: writes attempted"] += len(writes)
    FIGURES["acknowledged writes checked"] += len(acknowledged)
    FIGURES["fault run: writes confirmed by a state check after an error"] += sum(
        w.confirmed_by_check for w in writes
    )
    FIGURES["writes lost"] += len(lost)
    FIGURES["fault run: duplicates"] += len(duplicates)
    FIGURES["fault run: deliveries made"] += len(facts["deliveries"]) - len(undelivered)
    FIGURES["fault run: jobs requeued after the crashes"] += swept["requeued"]
    FIGURES["fault run: lost retries enqueued again"] += swept["lost retries"]
    FIGURES["fault run: failed job attempts retried"] += jobs["FAILED"]
    FIGURES["fault run: seconds"] += round(elapsed)
    print(
        f"\nfault run (seed {SEED}): {dict(injected)} injected, restarts {dict(platform.restarts)}"
        f", {tally.requests} requests ({tally.failed_requests} failed), {len(writes)} writes "
        f"({len(acknowledged)} acknowledged, {len(lost)} lost, {len(duplicates)} duplicated), "
        f"jobs {dict(jobs)}, swept {swept}, audit {facts['audit']}; "
        f"set-up {serving - started:.0f} s (migrations and demo data {prepared - started:.0f} s), "
        f"load {LOAD_SECONDS} s, wind-down and drain {drained - serving - LOAD_SECONDS:.0f} s, "
        f"{round(elapsed)} s in all"
    )

    assert set(injected) == set(faults.FAULT_KINDS), injected
    assert acknowledged, "no write was acknowledged: the load did not run"
    assert lost == [], lost
    assert duplicates == [], duplicates
    assert undelivered == [], undelivered
    assert gaps == [], gaps
    assert unrecovered == [], unrecovered
    assert facts["audit"]["ok"], facts["audit"]


def _load_under_faults(
    platform: faults.Platform, setup: dict[str, Any], *, give_up_at: float
) -> tuple[faults.Tally, Counter[str]]:
    """LOAD_SECONDS of API clients while processes are killed; then the clients finish the
    write in hand (by `give_up_at`). Returns what they did and the faults injected."""
    tally, stop, failures = faults.Tally(), threading.Event(), []
    tokens, agencies = setup["tokens"], setup["agencies"]
    made: list[faults.Client] = []

    def client(username: str) -> faults.Client:
        made.append(
            faults.Client(
                f"{username} #{len(made) + 1}", platform.base, tokens[username], tally, stop,
                give_up_at,
            )
        )  # fmt: skip
        return made[-1]

    def guarded(function: Any, *args: Any) -> None:
        try:
            function(*args)
        except BaseException as exc:  # reported by the test, not lost in a thread
            failures.append(exc)

    clients = [
        (faults.incoming_client, client("vanthu.stp"), setup, "D"),
        (faults.incoming_client, client("vanthu.tpcamau"), setup, "T"),
        (
            faults.outgoing_client,
            client("vanthu.stp"),
            setup,
            "stp",
            [agencies["stttt"], agencies["tpcamau"]],
        ),
        (
            faults.outgoing_client,
            client("vanthu.tpcamau"),
            setup,
            "tp",
            [agencies["stttt"], agencies["stp"]],
        ),
        (faults.onestop_client, client("motcua.stp"), client("truongphong.stp"), setup, "H"),
    ]
    # Daemon threads: a stuck one cannot keep the test process alive after the failure.
    threads = [threading.Thread(target=guarded, args=c, daemon=True) for c in clients]
    injected: Counter[str] = Counter()
    injector = threading.Thread(
        target=guarded, args=(_inject_faults, platform, stop, injected), daemon=True
    )
    for thread in [*threads, injector]:
        thread.start()
    time.sleep(LOAD_SECONDS)
    stop.set()
    for thread in [injector, *threads]:
        thread.join(timeout=max(0.0, give_up_at + 15 - time.monotonic()))
    stuck = [f"{c.name}: {c.doing} (last error: {c.last_error or 'none'})" for c in made]
    assert not injector.is_alive(), _stuck(platform, "the fault injector is stuck")
    assert not any(t.is_alive() for t in threads), _stuck(platform, f"a client is stuck: {stuck}")
    assert not failures, _stuck(platform, f"a client failed: {failures}")
    return tally, injected


def _drain(platform: faults.Platform, clock: _Clock, swept: dict[str, Any]) -> None:
    """Wait until the background queue is empty, within DRAIN_SECONDS of the last retry due."""
    # A job that failed while PostgreSQL was down waits its back-off (5 s, 10 s, 20 s...)
    # before it is tried again: the deadline is DRAIN_SECONDS after the last one is due,
    # keeping 20 s of the whole run's bound for the check.
    hard_deadline = time.monotonic() + clock.left(300) - 20
    deadline = min(time.monotonic() + DRAIN_SECONDS, hard_deadline)
    while True:
        try:
            pending, due, rows = platform.queue()
        except Exception as exc:  # reported when the time runs out
            pending, due, rows = -1, 0.0, [repr(exc)]
        if not pending:
            return
        if due > 0:  # a retry waiting its back-off
            deadline = min(max(deadline, time.monotonic() + due + DRAIN_SECONDS), hard_deadline)
        assert time.monotonic() < deadline, _stuck(
            platform, f"the queue did not drain: {pending} job(s) left: {rows}; swept {swept}"
        )
        time.sleep(0.5)


def _check_incoming(
    facts: dict[str, Any], writes: list[faults.Write], lost: list[str], duplicates: list[str]
) -> None:
    """Incoming registrations: each number registered once, every acknowledged one present."""
    for number, count in facts["incoming_counts"].items():
        if count > 1:
            duplicates.append(f"incoming {number} x{count}")
    for w in writes:
        if w.kind == "incoming" and facts["incoming"].get(w.key) != w.object_id:
            lost.append(f"incoming {w.key}")


def _check_outgoing(
    facts: dict[str, Any], writes: list[faults.Write], lost: list[str], duplicates: list[str]
) -> list[Any]:
    """Outgoing documents: one per subject, issued when acknowledged; one delivery and one
    received copy per recipient, made by the worker. Returns the deliveries not made."""
    outgoing = {o["pk"]: o for o in facts["outgoing"]}
    subjects = Counter(o["subject"] for o in facts["outgoing"])
    duplicates += [f"outgoing “{s}” x{n}" for s, n in subjects.items() if n > 1]
    for w in writes:
        if w.kind in {"outgoing", "issue"} and w.object_id not in outgoing:
            lost.append(f"{w.kind} {w.key}")
        if w.kind == "issue" and outgoing.get(w.object_id, {}).get("status") != "issued":
            lost.append(f"issue {w.key}")
    issued = [o for o in facts["outgoing"] if o["status"] == "issued"]
    pairs = Counter((d["outgoing_id"], d["recipient_id"]) for d in facts["deliveries"])
    duplicates += [f"delivery {pair} x{n}" for pair, n in pairs.items() if n > 1]
    copies = {(agency, subject): n for agency, subject, n in facts["received_copies"]}
    undelivered = [d for d in facts["deliveries"] if d["incoming_id"] is None]
    per_document = Counter(d["outgoing_id"] for d in facts["deliveries"])
    for document in issued:
        if per_document[document["pk"]] != 2:
            lost.append(f"deliveries of {document['pk']}: {per_document[document['pk']]}")
    recipients_of = {(d["outgoing_id"], d["recipient_id"]) for d in facts["deliveries"]}
    for outgoing_id, recipient in recipients_of:
        n = copies.get((recipient, outgoing[outgoing_id]["subject"]), 0)
        if n != 1:
            (duplicates if n > 1 else lost).append(f"copy of {outgoing_id} at {recipient}: {n}")
    return undelivered


def _check_dossiers(
    facts: dict[str, Any], writes: list[faults.Write], lost: list[str], duplicates: list[str]
) -> None:
    """Dossiers: one per idempotency key; received and assigned when acknowledged."""
    duplicates += [f"dossier {k} x{n}" for k, n in facts["dossier_keys"].items() if n > 1]
    codes = Counter(facts["codes"])
    duplicates += [f"dossier code {c} x{n}" for c, n in codes.items() if n > 1]
    handled = set(facts["handled"])
    for w in writes:
        dossier = facts["dossiers"].get(w.key)
        if w.kind in {"dossier", "receive", "assign"} and dossier is None:
            lost.append(f"{w.kind} {w.key}")
        elif w.kind == "receive" and dossier["status"] == "submitted":
            lost.append(f"receive {w.key}")
        elif w.kind == "assign" and dossier["id"] not in handled:
            lost.append(f"assign {w.key}")
        elif w.kind == "receive" and facts["steps_per_dossier"].get(str(dossier["id"])) != 3:
            duplicates.append(f"steps of dossier {dossier['id']}")
