"""The fault-injection harness: a throwaway PostgreSQL cluster (fsync on once set up), the
platform served as in production (gunicorn with sync workers and `lienthong db_worker`), kept
running by a supervisor that restarts whatever dies (as systemd does), clients that send a load
over HTTP and retry, and a fault injector that kills processes with SIGKILL.

Run as a module in a Django process pointed at the cluster for the set-up and the final checks:
    python -m tests.hardening.faults prepare|requeue|check
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PYTHON = sys.executable
# Connection options for the harness's own reads of the queue: never wait long.
QUICK: dict[str, Any] = {"connect_timeout": 2, "options": "-c statement_timeout=5000"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class Stuck(AssertionError):
    """A bounded wait ran out: the message says what was stuck."""


# --- PostgreSQL ----------------------------------------------------------------------------------


class Cluster:
    """A PostgreSQL 15 cluster in a temporary folder, with fsync and full-page writes on (the
    defaults), so that a killed server has to recover from its write-ahead log. The set-up
    (migrations, demo data) may run with fsync off, to be quicker on a loaded machine:
    `make_durable` then restarts it with fsync on, before any fault."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lienthong-faults-pg."))
        self.dir.chmod(0o755)
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.durable = False
        if self.as_root:
            shutil.chown(self.dir, "postgres")

    def _run(self, *argv: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
        command = [str(PG_BIN / argv[0]), *argv[1:]]
        if self.as_root:
            quoted = " ".join(subprocess.list2cmdline([a]) for a in command)
            command = ["su", "postgres", "-s", "/bin/sh", "-c", quoted]
        try:
            return subprocess.run(
                command, capture_output=True, text=True, check=False, timeout=timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"{argv[0]} did not finish within {timeout} s") from exc

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/lienthong"

    def init(self) -> None:
        done = self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr}")
        self.start()
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "lienthong"
        )

    def start(self) -> None:
        fsync = "on" if self.durable else "off"
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync={fsync} "
            "-c synchronous_commit=on -c full_page_writes=on -c max_connections=100"
        )
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", str(self.dir / "pg.log"),
            "-o", options, "start",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {done.stdout} {done.stderr}")

    def make_durable(self) -> None:
        """Restart with fsync on (a clean shutdown first writes everything to disk)."""
        done = self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "stop", "-m", "fast")
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not stop: {done.stdout} {done.stderr}")
        self.durable = True
        self.start()

    def postmaster(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def running(self) -> bool:
        pid = self.postmaster()
        return pid is not None and Path(f"/proc/{pid}").exists() and not _zombie(pid)

    def kill(self) -> None:
        """SIGKILL the postmaster and every server process at once (a crash of the server:
        nothing is flushed or shut down)."""
        pid = self.postmaster()
        if pid is None:
            return
        # Stopped first, the postmaster cannot fork a server process that the kill would miss
        # (one left alive would hold the shared memory and keep the next server from starting).
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)
        processes = [pid, *_children(pid)]
        for process in processes:
            _kill(process)
        for _ in range(100):
            if all(not Path(f"/proc/{p}").exists() or _zombie(p) for p in processes):
                break
            time.sleep(0.05)
        # A postmaster left a zombie (in a container whose first process does not reap
        # orphans) still "exists" for the next one, which would refuse to start as its lock
        # file names a live process: the file goes (every server process is dead).
        if Path(f"/proc/{pid}").exists() and _zombie(pid):
            (self.data / "postmaster.pid").unlink(missing_ok=True)

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.data), "stop", "-m", "immediate", timeout=30)
        self.kill()  # if the stop did not do it
        shutil.rmtree(self.dir, ignore_errors=True)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


# --- The platform and its supervisor -------------------------------------------------------------


class Platform:
    """gunicorn (2 sync workers) and the background worker, restarted by a supervisor thread
    within a fraction of a second of dying, like `Restart=always` in a systemd unit; the
    PostgreSQL server likewise."""

    def __init__(self, cluster: Cluster, work: Path) -> None:
        self.cluster = cluster
        self.work = work
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
            "DATABASE_URL": cluster.url,
            "LIENTHONG_DATA_DIR": str(work / "data"),
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("PYTEST_CURRENT_TEST", None)
        self.commands = {
            "web": [
                PYTHON, "-m", "gunicorn", "lienthong.conf.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "30",
                "--graceful-timeout", "5",
            ],
            "worker": [PYTHON, "-m", "lienthong", "db_worker", "--queue-name", "*",
                       "--interval", "0.3"],
        }  # fmt: skip
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.supervisor: threading.Thread | None = None
        self.supervisor_errors: list[str] = []

    def manage(
        self, *argv: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(
                [PYTHON, *argv], env=self.env, cwd=ROOT, capture_output=True, text=True,
                check=False, timeout=timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise Stuck(f"{argv} did not finish within {timeout} s:\n{exc.stderr!r}") from exc
        if check and done.returncode != 0:
            raise RuntimeError(f"{argv} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def _spawn(self, name: str) -> None:
        log = (self.work / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            self.commands[name], env=self.env, cwd=ROOT, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip

    def start(self) -> None:
        for name in self.commands:
            self._spawn(name)
        self.supervisor = threading.Thread(target=self._supervise, daemon=True)
        self.supervisor.start()

    def _supervise(self) -> None:
        while not self.stopping.is_set():
            try:
                self._restart_the_dead()
            except Exception as exc:  # a supervisor keeps supervising
                self.supervisor_errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.2)

    def _restart_the_dead(self) -> None:
        with self.lock:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    # What is left of the service goes with it (systemd's default
                    # KillMode=control-group): a dead gunicorn master's workers.
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    self.restarts[name] += 1
                    self._spawn(name)
            if not self.cluster.running():
                try:
                    self.cluster.start()
                except RuntimeError as exc:  # tried again on the next round
                    self.supervisor_errors.append(str(exc)[:300])
                else:
                    self.restarts["postgresql"] += 1

    def wait_until_serving(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/api/v1/document-types/", timeout=5).status_code:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("the web server did not answer")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def web_workers(self) -> list[int]:
        master = self.processes["web"].pid
        return _children(master)

    def pending_jobs(self, statuses: tuple[str, ...] = ("READY", "RUNNING")) -> int:
        """Jobs not finished yet, queued (maybe for a later retry) or running; read with a
        plain connection (a Django process would take seconds to start)."""
        import psycopg

        with psycopg.connect(self.cluster.url, **QUICK) as db:
            row = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = ANY(%s)",
                [list(statuses)],
            ).fetchone()
        return int(row[0]) if row else 0

    def queue(self) -> tuple[int, float, list[Any]]:
        """The unfinished jobs: how many, in how many seconds the last one is due (a retry
        waits its back-off), and the rows themselves (to say which, if the queue never
        drains)."""
        import psycopg

        with psycopg.connect(self.cluster.url, **QUICK) as db:
            rows = db.execute(
                "SELECT task_path, status, args_kwargs::text,"
                " coalesce(extract(epoch FROM run_after - now()), 0)"
                " FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
            ).fetchall()
        due = max((float(r[3]) for r in rows), default=0.0)
        return len(rows), due, rows

    def wait_for_running_job(self, seconds: float) -> bool:
        """Watch the queue for a job being run, so the worker is killed in the middle of it."""
        import psycopg

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.pending_jobs(("RUNNING",)):
                    return True
            except psycopg.Error:
                return False
            time.sleep(0.01)
        return False

    def stop_worker(self) -> None:
        """Stop the background worker for good (the supervisor stops restarting it)."""
        with self.lock:
            process = self.processes.pop("worker")
            _kill(process.pid)
            process.wait(timeout=30)

    def start_worker(self) -> None:
        with self.lock:
            self._spawn("worker")

    def status(self) -> str:
        """What runs now, to say what was stuck when a wait runs out."""
        alive = {name: p.poll() is None for name, p in self.processes.items()}
        return (
            f"processes alive {alive}, web workers {len(self.web_workers())}, "
            f"PostgreSQL running {self.cluster.running()}, restarts {dict(self.restarts)}, "
            f"supervisor errors {self.supervisor_errors[-3:]}"
        )

    def log_tail(self, lines: int = 15) -> str:
        parts = []
        for path in [*sorted(self.work.glob("*.log")), self.cluster.dir / "pg.log"]:
            with contextlib.suppress(OSError):
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)

    def stop(self) -> None:
        self.stopping.set()
        if self.supervisor is not None:
            self.supervisor.join(timeout=90)  # it may be waiting for PostgreSQL to start
        for process in self.processes.values():
            for pid in [*_children(process.pid), process.pid]:
                _kill(pid)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


# --- Faults --------------------------------------------------------------------------------------

FAULT_KINDS = ["web worker", "web master", "background worker", "postgresql"]


def inject(platform: Platform, kind: str) -> bool:
    """SIGKILL one process of the given kind; False when there was none to kill. The
    background worker is preferably killed while it runs a job (jobs take milliseconds: a
    random moment would almost always find it idle)."""
    if kind == "background worker":
        platform.wait_for_running_job(3.0)
    with platform.lock:
        if kind == "web worker":
            workers = platform.web_workers()
            if not workers:
                return False
            _kill(random.choice(workers))
        elif kind == "web master":
            _kill(platform.processes["web"].pid)  # its workers exit when they see it gone
        elif kind == "background worker":
            if "worker" not in platform.processes:
                return False
            _kill(platform.processes["worker"].pid)
        elif kind == "postgresql":
            if not platform.cluster.running():
                return False
            platform.cluster.kill()
    return True


# --- Clients -------------------------------------------------------------------------------------


@dataclass
class Write:
    """One logical write a client wants done: acknowledged when a 2xx answer came back."""

    kind: str
    key: str
    attempts: int = 0
    acknowledged: bool = False
    confirmed_by_check: bool = False  # an error answer, but a state check found it done
    object_id: int | None = None


@dataclass
class Tally:
    writes: list[Write] = field(default_factory=list)
    requests: int = 0
    failed_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, ok: bool) -> None:
        with self.lock:
            self.requests += 1
            if not ok:
                self.failed_requests += 1


class Client:
    """An API client (token authentication) that retries a write until it is done: after a
    connection error or a 5xx it checks the state first when the API has no idempotency key.

    Every wait is bounded: each request has connect and read timeouts, and nothing is retried
    after `give_up_at` (a time.monotonic() value): the client raises Stuck, naming what it was
    doing and the last error it saw."""

    def __init__(
        self, name: str, base: str, token: str, tally: Tally, stop: threading.Event,
        give_up_at: float,
    ) -> None:  # fmt: skip
        import requests

        self.name = name
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.session.headers["Accept-Language"] = "vi"
        self.tally = tally
        self.stop = stop
        self.give_up_at = give_up_at
        self.doing = "starting"
        self.last_error = ""

    def call(self, method: str, path: str, **kwargs: Any) -> Any | None:
        """One HTTP request; None when it failed (no answer, or 5xx)."""
        import requests

        self.doing = f"{method} {path}"
        read = max(1.0, min(20.0, self.give_up_at - time.monotonic()))
        try:
            response = self.session.request(method, self.base + path, timeout=(5, read), **kwargs)
        except requests.RequestException as exc:
            self.tally.count(False)
            self.last_error = f"{method} {path}: {type(exc).__name__}: {str(exc)[:200]}"
            time.sleep(0.3)
            return None
        ok = response.status_code < 500
        self.tally.count(ok)
        if not ok:
            self.last_error = f"{method} {path}: {response.status_code}"
            time.sleep(0.3)
            return None
        return response

    def _check_time(self, what: str) -> None:
        if time.monotonic() > self.give_up_at:
            raise Stuck(
                f"client {self.name}: {what} still not done when the time ran out "
                f"(last error: {self.last_error or 'none'})"
            )

    def get(self, path: str) -> Any:
        """A read, repeated until it is answered (or the time runs out)."""
        while True:
            self._check_time(f"GET {path}")
            response = self.call("GET", path)
            if response is not None:
                return response

    def perform(
        self,
        write: Write,
        send: Callable[[], Any | None],
        done_already: Callable[[], int | None],
        accept: Callable[[Any], int | None],
    ) -> None:
        """Send until a 2xx comes (acknowledged), or until a state check after a failure
        shows the earlier attempt took effect (`done_already` gives its id)."""
        with self.tally.lock:
            self.tally.writes.append(write)
        failed_before = False
        while True:
            self._check_time(f"{write.kind} {write.key} (after {write.attempts} attempts)")
            if failed_before:
                found = done_already()
                if found is not None:
                    write.confirmed_by_check, write.object_id = True, found
                    return
            write.attempts += 1
            response = send()
            if response is None:
                failed_before = True
                continue
            object_id = accept(response)
            if object_id is not None:
                write.object_id = object_id
                write.acknowledged = 200 <= response.status_code < 300
                write.confirmed_by_check = not write.acknowledged
                return
            raise AssertionError(
                f"{write.kind} {write.key}: unexpected {response.status_code} {response.text[:500]}"
            )


def _created(response: Any) -> int | None:
    return response.json()["id"] if 200 <= response.status_code < 300 else None


def incoming_client(client: Client, setup: dict[str, Any], tag: str) -> None:
    """The clerk registers incoming documents. No idempotency key: the API's duplicate check
    (number, symbol, issuer) answers 409 naming the document if an earlier attempt committed."""
    n = 0
    while not client.stop.is_set():
        n += 1
        code = f"{tag}{n}"
        payload = {
            "document_type": setup["cong_van"],
            "issuer_name": "Ủy ban nhân dân huyện Thới Bình",
            "code_number": code,
            "code_notation": "UBND-VP",
            "issued_date": setup["today"],
            "subject": f"V/v báo cáo tình hình phòng, chống thiên tai (đợt {code})",
        }

        def accept(response: Any) -> int | None:
            if response.status_code == 409:  # an earlier attempt was stored
                return int(response.json()["duplicates"][0]["id"])
            return _created(response)

        client.perform(
            Write("incoming", code),
            send=lambda p=payload: client.call("POST", "/api/v1/documents/incoming/", json=p),
            done_already=lambda: None,  # the 409 answer says it
            accept=accept,
        )


def _find_outgoing(client: Client, subject: str) -> int | None:
    path = "/api/v1/documents/?direction=outgoing"
    for _page in range(4):
        body = client.get(path).json()
        for row in body["results"]:
            if row["subject"] == subject:
                return int(row["id"])
        if not body.get("next"):
            return None
        path = body["next"].split(client.base, 1)[-1]
    return None


def outgoing_client(client: Client, setup: dict[str, Any], tag: str, recipients: list[int]) -> None:
    """The clerk records an outgoing document to two agencies and issues it (numbering, and one
    delivery job per recipient). Before retrying a failed request the client reads the state:
    a document with its subject exists, or it is already issued."""
    n = 0
    while not client.stop.is_set():
        n += 1
        subject = f"V/v triển khai chuyển đổi số năm 2026 (văn bản {tag}{n})"
        payload = {
            "document_type": setup["cong_van"],
            "subject": subject,
            "drafting_unit": setup["units"][tag],
            "recipient_agencies": recipients,
            "signer_name": "Nguyễn Văn Ký",
            "signer_position": "Giám đốc",
        }
        record = Write("outgoing", f"{tag}{n}")
        client.perform(
            record,
            send=lambda p=payload: client.call("POST", "/api/v1/documents/outgoing/", json=p),
            done_already=lambda s=subject: _find_outgoing(client, s),
            accept=_created,
        )
        document_id = record.object_id

        def issued_already(d: int | None = document_id) -> int | None:
            body = client.get(f"/api/v1/documents/{d}/").json()
            return d if body["status"] == "issued" else None

        client.perform(
            Write("issue", f"{tag}{n}"),
            send=lambda d=document_id: client.call(
                "POST", f"/api/v1/documents/{d}/issue/", json={}
            ),
            done_already=issued_already,
            accept=_created,
        )


def onestop_client(counter: Client, leader: Client, setup: dict[str, Any], tag: str) -> None:
    """The one-stop counter files a dossier (idempotency key: resent as is), receives it (the
    steps are created), and the unit leader assigns its processing step to a specialist; before
    retrying a step the client reads the dossier."""
    n = 0
    while not counter.stop.is_set():
        n += 1
        key = str(uuid.uuid4())
        payload = {
            "procedure": setup["procedure"],
            "idempotency_key": key,
            "applicant_kind": "citizen",
            "applicant_name": f"Nguyễn Văn Tải {tag}{n}",
            "applicant_id_number": f"0961880{n:05d}",
            "applicant_phone": "0913000111",
            "applicant_email": "tai@example.vn",
            "applicant_address": "Phường 5, TP Cà Mau",
        }
        filed = Write("dossier", key)
        counter.perform(
            filed,
            send=lambda p=payload: counter.call("POST", "/api/v1/dossiers/", json=p),
            done_already=lambda: None,  # the same key gives back the same dossier
            accept=_created,
        )
        dossier = filed.object_id

        def state(d: int | None = dossier) -> dict[str, Any]:
            return dict(counter.get(f"/api/v1/dossiers/{d}/").json())

        counter.perform(
            Write("receive", key),
            send=lambda d=dossier: counter.call("POST", f"/api/v1/dossiers/{d}/receive/"),
            done_already=lambda d=dossier: d if state()["status"] != "submitted" else None,
            accept=_created,
        )

        def assigned(d: int | None = dossier) -> int | None:
            steps = state()["steps"]
            return d if any(s["state"] == "assigned" for s in steps) else None

        leader.perform(
            Write("assign", key),
            send=lambda d=dossier: leader.call(
                "POST", f"/api/v1/dossiers/{d}/assign/", json={"handler": setup["handler"]}
            ),
            done_already=assigned,
            accept=_created,
        )


# --- Inside the platform's database (subcommands) ------------------------------------------------


def prepare() -> dict[str, Any]:
    """Migrate, then the demo province, a procedure of Sở Tư pháp handled by its HCTP unit,
    API tokens (one Django process: each start costs seconds)."""
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from lienthong.accounts.models import Agency, Unit, User
    from lienthong.catalogue.constants import StepRole
    from lienthong.catalogue.models import Procedure, ProcedureStep, Sector
    from lienthong.demo.province import load_demo_province
    from lienthong.documents.models import DocumentType

    call_command("migrate", interactive=False, verbosity=0)
    load_demo_province()
    stp = Agency.objects.get(code="000.00.05.H12")
    hctp = Unit.objects.get(agency=stp, abbreviation="HCTP")
    procedure = Procedure.objects.create(
        national_code="T-CMU-TP-99",
        name="Chứng thực hợp đồng, giao dịch",
        sector=Sector.objects.create(code="TP-CT", name="Chứng thực"),
        agency=stp,
        level_2011=3,
        legal_basis="Nghị định 23/2015/NĐ-CP",
        processing_days=Decimal("2"),
        result_name="Hợp đồng được chứng thực",
        is_published=True,
    )
    for order, name, unit, role in [
        (1, "Tiếp nhận hồ sơ", None, StepRole.RECEPTION),
        (2, "Thẩm định hồ sơ", hctp, StepRole.PROCESSING),
        (3, "Trả kết quả", None, StepRole.RESULT),
    ]:
        ProcedureStep.objects.create(
            procedure=procedure, order=order, name=name, agency=stp, unit=unit, role=role,
            days=Decimal("1"),
        )  # fmt: skip

    def token(username: str) -> str:
        return Token.objects.get_or_create(user=User.objects.get(username=username))[0].key

    agencies = {a.code: a.pk for a in Agency.objects.all()}
    return {
        "tokens": {
            name: token(name)
            for name in ["vanthu.stp", "vanthu.tpcamau", "motcua.stp", "truongphong.stp"]
        },
        "cong_van": DocumentType.objects.get(name="Công văn").pk,
        "today": timezone.localdate().isoformat(),
        "procedure": procedure.pk,
        "handler": User.objects.get(username="chuyenvien.stp").pk,
        "agencies": {
            "stp": agencies["000.00.05.H12"],
            "stttt": agencies["000.00.11.H12"],
            "tpcamau": agencies["000.00.30.H12"],
        },
        "units": {
            "stp": Unit.objects.get(agency=stp, abbreviation="VP").pk,
            "tp": Unit.objects.get(agency__code="000.00.30.H12", abbreviation="VP").pk,
        },
    }


def requeue() -> dict[str, Any]:
    """What the scheduler does: put back the jobs left RUNNING by a killed worker (after
    LIENTHONG_JOB_TIMEOUT_MINUTES; here at once, as no worker runs) and the retries that could
    not be enqueued while PostgreSQL was down."""
    from datetime import timedelta

    from lienthong.core.jobs import enqueue_lost_retries, requeue_stuck_jobs

    return {
        "requeued": requeue_stuck_jobs(older_than=timedelta(0)),
        "lost retries": enqueue_lost_retries(),
    }


def check() -> dict[str, Any]:
    """The facts the test asserts, read from the database."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from lienthong.documents.constants import Direction, NumberStatus
    from lienthong.documents.models import Document, NumberAllocation, Register
    from lienthong.exchange.models import Delivery
    from lienthong.onestop.models import Dossier, DossierStep

    incoming = {
        d.code_number: d.pk
        for d in Document.objects.filter(direction=Direction.INCOMING, status="registered")
    }
    incoming_counts = Counter(
        Document.objects.filter(direction=Direction.INCOMING, status="registered").values_list(
            "code_number", flat=True
        )
    )
    outgoing = list(
        Document.objects.filter(direction=Direction.OUTGOING).values(
            "pk", "subject", "status", "register_id", "register_number"
        )
    )
    deliveries = list(
        Delivery.objects.values("outgoing_id", "recipient_id", "incoming_id", "status")
    )
    received_copies = Counter(
        Document.objects.filter(direction=Direction.INCOMING, issuer_agency__isnull=False)
        .exclude(status="registered")
        .values_list("agency_id", "subject")
    )
    registers = []
    for register in Register.objects.all():
        used = list(
            NumberAllocation.objects.filter(
                register=register, status=NumberStatus.USED
            ).values_list("number", flat=True)
        )
        numbers = sorted(
            Document.objects.filter(register=register).values_list(
                "arrival_number" if register.kind == "incoming" else "register_number", flat=True
            )
        )
        registers.append(
            {"id": register.pk, "kind": register.kind, "last": register.last_number,
             "used": sorted(used), "documents": numbers}
        )  # fmt: skip
    dossiers = {
        str(d.idempotency_key): {"id": d.pk, "status": d.status, "code": d.code}
        for d in Dossier.objects.all()
    }
    dossier_keys = Counter(
        str(k) for k in Dossier.objects.values_list("idempotency_key", flat=True)
    )
    handled = {
        s["dossier_id"]
        for s in DossierStep.objects.filter(handler__isnull=False).values("dossier_id")
    }
    steps_per_dossier = dict(
        DossierStep.objects.values_list("dossier_id")
        .annotate(n=Count("id"))
        .values_list("dossier_id", "n")
    )
    jobs = list(DBTaskResult.objects.values("status", "task_path", "args_kwargs"))
    from lienthong.core.audit import verify_chain

    audit = verify_chain()
    return {
        "incoming": incoming,
        "incoming_counts": dict(incoming_counts),
        "outgoing": outgoing,
        "deliveries": deliveries,
        "received_copies": [[a, s, n] for (a, s), n in received_copies.items()],
        "registers": registers,
        "dossiers": dossiers,
        "dossier_keys": dict(dossier_keys),
        "handled": sorted(handled),
        "steps_per_dossier": {str(k): v for k, v in steps_per_dossier.items()},
        "jobs": jobs,
        "audit": {"ok": audit.ok, "checked": audit.checked, "problem": str(audit.problem)},
        "codes": list(Dossier.objects.filter(code__isnull=False).values_list("code", flat=True)),
    }


def main() -> None:
    import django

    django.setup()
    command = sys.argv[1]
    result = {"prepare": prepare, "requeue": requeue, "check": check}[command]()
    sys.stdout.write("RESULT " + json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
