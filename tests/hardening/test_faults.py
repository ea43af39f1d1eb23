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

It starts its own cluster whatever DATABASE_URL says. It runs on demand, with
LIENTHONG_FAULT_RUN=1, on PostgreSQL (on SQLite, killing a database server means nothing)."""

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
SEED = random.randrange(1_000_000)

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="fault injection needs PostgreSQL (a database server to kill)",
    ),
    # On demand for now: one CI run hung after the load (a client thread never finished; the
    # cause is not found yet, docs/security.md "Faults"). Run it with
    # LIENTHONG_FAULT_RUN=1 ./scripts/test tests/hardening/test_faults.py
    pytest.mark.skipif(
        os.environ.get("LIENTHONG_FAULT_RUN") != "1",
        reason="the fault run is on demand: LIENTHONG_FAULT_RUN=1 (see docs/security.md)",
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


def test_killed_processes_lose_and_duplicate_nothing(platform: faults.Platform) -> None:
    started = time.monotonic()
    setup = _result(platform.manage("-m", "tests.hardening.faults", "prepare"))
    platform.start()
    platform.wait_until_serving()
    serving = time.monotonic()

    tally, stop, failures = faults.Tally(), threading.Event(), []
    tokens, agencies = setup["tokens"], setup["agencies"]

    def client(username: str) -> faults.Client:
        return faults.Client(platform.base, tokens[username], tally, stop)

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
    threads = [threading.Thread(target=guarded, args=c) for c in clients]
    injected: Counter[str] = Counter()
    injector = threading.Thread(target=_inject_faults, args=(platform, stop, injected))
    for thread in [*threads, injector]:
        thread.start()
    time.sleep(LOAD_SECONDS)
    stop.set()
    injector.join()
    for thread in threads:
        thread.join(timeout=180)
    assert not failures, failures
    assert not any(thread.is_alive() for thread in threads), "a client is stuck"

    # The operator's part after the crashes: stop the worker, put back what it left RUNNING,
    # start it again and let the queue drain (retries after a failure wait their back-off).
    platform.stop_worker()
    requeued = _result(platform.manage("-m", "tests.hardening.faults", "requeue"))["requeued"]
    platform.start_worker()
    # A job that failed while PostgreSQL was down waits its back-off (5 s, 10 s, 20 s...)
    # before it is tried again: the deadline is a minute after the last one is due.
    deadline = time.monotonic() + 60
    while True:
        pending, due, rows = platform.queue()
        if not pending:
            break
        if due > 0:  # a retry waiting its back-off
            deadline = max(deadline, time.monotonic() + due + 60)
        assert time.monotonic() < deadline, f"the queue did not drain: {rows}"
        time.sleep(0.5)
    drained = time.monotonic()
    facts = _result(platform.manage("-m", "tests.hardening.faults", "check"))

    writes = tally.writes
    acknowledged = [w for w in writes if w.acknowledged]
    lost: list[str] = []
    duplicates: list[str] = []

    # Incoming registrations: each number registered once, every acknowledged one present.
    for number, count in facts["incoming_counts"].items():
        if count > 1:
            duplicates.append(f"incoming {number} x{count}")
    for w in writes:
        if w.kind == "incoming" and facts["incoming"].get(w.key) != w.object_id:
            lost.append(f"incoming {w.key}")

    # Outgoing documents: one per subject, issued when acknowledged; one delivery and one
    # received copy per recipient, made by the worker.
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

    # Dossiers: one per idempotency key; received and assigned when acknowledged.
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
    FIGURES["fault run: jobs requeued after the crashes"] += requeued
    FIGURES["fault run: failed job attempts retried"] += jobs["FAILED"]
    FIGURES["fault run: seconds"] += round(elapsed)
    print(
        f"\nfault run (seed {SEED}): {dict(injected)} injected, restarts {dict(platform.restarts)}"
        f", {tally.requests} requests ({tally.failed_requests} failed), {len(writes)} writes "
        f"({len(acknowledged)} acknowledged), jobs {dict(jobs)}, audit {facts['audit']}; "
        f"set-up {serving - started:.0f} s, load and drain {drained - serving:.0f} s, "
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
