#!/usr/bin/env python
"""Load benchmark: the platform served as in production, driven by officers and citizens.

    .venv/bin/python benchmarks/load.py --documents 100000 --duration 60
    .venv/bin/python benchmarks/load.py --scale 10000,100000,1000000 --chart docs/scale.png

For each size the script fills a PostgreSQL database with `lienthong generate_province` (a
throwaway cluster tuned as docs/performance.md advises, or a new database on the server of
DATABASE_URL), starts `lienthong serve` (nginx before gunicorn sync workers, the django-tasks
worker and the scheduler) with the production settings, signs in realistic users of several
agencies through the sign-in form and drives a closed-loop mixed workload over loopback for
`--duration` seconds: clerks, leaders and specialists open their queue, open documents, search
with and without tone marks, register incoming documents, assign and complete, and leaders open
the document statistics and their processing dashboard (/bao-cao/); citizens browse
the catalogue and track dossiers by code. It prints requests per second, p50/p95/p99 per action,
errors, the server's memory, and each action's ratio to its floor: a bare view of the same
framework behind the same middleware (benchmarks/urls.py), measured in the same run at the same
concurrency, plus the SQL the action runs, captured from the real view and timed directly in
PostgreSQL. With several sizes it adds generator speed per size, the scale curve table and, with
--chart, a PNG chart. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.documents import (  # noqa: E402
    PG_BIN,
    Cleanup,
    PgStatements,
    create_database,
    free_port,
    machine,
    run_pg,
    say,
    summarize,
)

SETTINGS = "benchmarks.settings"
PASSWORD = "lienthong-bench-2026"
# PostgreSQL settings for the machine of the run (docs/performance.md): memory for the cache,
# fsync on as in production.
PG_OPTIONS = (
    "-c shared_buffers=2GB -c effective_cache_size=8GB -c work_mem=16MB "
    "-c maintenance_work_mem=512MB -c max_wal_size=8GB -c checkpoint_timeout=15min "
    "-c random_page_cost=1.1 -c max_connections=200 "
    "-c shared_preload_libraries=pg_stat_statements"
)

# Searches the officers type: the same words with and without tone marks.
SEARCHES_PLAIN = ["quyet dinh", "dang ky kinh doanh", "tran van thoi", "ke hoach", "dam doi",
                  "bao cao", "chuyen doi so", "cai cach hanh chinh"]  # fmt: skip
SEARCHES_TONE = ["Quyết định", "đăng ký kinh doanh", "Trần Văn Thời", "kế hoạch", "Đầm Dơi",
                 "báo cáo", "chuyển đổi số", "cải cách hành chính"]  # fmt: skip
CATALOGUE_SEARCHES = ["", "giay phep", "bưu chính", "đăng ký", "xuat ban", "hộ tịch", "dat dai"]

# Each persona's mix of actions (weights).
MIXES: dict[str, dict[str, int]] = {
    "clerk": {"queue": 25, "document": 30, "search_plain": 10, "search_tone": 10, "register": 25},
    "leader": {
        "queue": 25,
        "document": 25,
        "search_plain": 5,
        "search_tone": 5,
        "assign": 30,
        "statistics": 5,
        "dashboard": 5,
    },
    "specialist": {
        "queue": 30,
        "document": 35,
        "search_plain": 10,
        "search_tone": 10,
        "complete": 15,
    },
    "citizen": {"catalogue": 60, "track": 40},
}
OFFICER_ACTIONS = ["queue", "document", "search_plain", "search_tone", "register", "assign",
                   "complete", "statistics", "dashboard"]  # fmt: skip
CITIZEN_ACTIONS = ["catalogue", "track"]
# The actions whose p95 must not grow with the data (issue #7): inbox, document page, search.
FLAT_ACTIONS = ["queue", "document", "search_plain", "search_tone"]
# Every action, in the order the tables print them.
TABLE_ACTIONS = [*FLAT_ACTIONS, "register", "assign", "complete", "statistics", "dashboard",
                 "catalogue", "track"]  # fmt: skip
PG_DATA: Path | None = None  # the data folder of the cluster this script started


# --- Prepare mode: a subprocess with Django set up ----------------------------------------------


def prepare_main(args: argparse.Namespace) -> int:
    """Read the generated province and write the work lists for the virtual users (which
    documents each may open, which the leaders may assign, which assignments the specialists
    may complete), and time the SQL of each action directly in PostgreSQL."""
    import django

    django.setup()
    manifest = json.loads(Path(args.manifest).read_text())
    plan = build_plan(manifest, args)
    plan["sql_floor_ms"] = sql_floors(plan, repeat=args.sql_repeat)
    Path(args.out).write_text(json.dumps(plan, ensure_ascii=False))
    return 0


def build_plan(manifest: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    from django.db.models import Exists, OuterRef

    from lienthong.accounts.models import User
    from lienthong.documents.constants import Direction
    from lienthong.documents.models import Document, DocumentType
    from lienthong.workflows.constants import AssignmentState
    from lienthong.workflows.models import Assignment
    from lienthong.workflows.querysets import awaiting_instruction

    rng = random.Random(args.seed)
    users: list[dict[str, Any]] = []
    agencies = manifest["agencies"]
    # (type, symbol): the symbol starts with the type's abbreviation; công văn has none.
    types = [
        [pk, f"{abbreviation}-UBND" if abbreviation else "UBND-VP"]
        for pk, abbreviation in DocumentType.objects.filter(
            is_active=True, is_copy_kind=False
        ).values_list("pk", "abbreviation")
    ]

    def documents_of(user: Any) -> list[int]:
        visible = Document.objects.visible_to(user).filter(direction=Direction.INCOMING)
        recent = list(visible.order_by("-id").values_list("pk", flat=True)[:200])
        if not recent:
            return []
        older: set[int] = set()
        top = recent[0]
        for _ in range(40):  # older documents too, from anywhere in the history
            pk = (
                visible.filter(pk__lte=rng.randint(1, top))
                .order_by("-pk")
                .values_list("pk", flat=True)[:1]
            )
            older.update(pk)
        return recent + sorted(older)

    for agency in agencies:
        people = [("clerk", agency["clerk"]), ("leader", agency["leader"])]
        people += [("specialist", name) for name in agency["specialists"]]
        for persona, username in people:
            user = User.objects.get(username=username)
            entry: dict[str, Any] = {
                "persona": persona,
                "username": username,
                "agency": agency["code"],
                "documents": documents_of(user),
                "totp_key": second_factor(user),
            }
            if persona == "clerk":
                entry["document_types"] = types
            elif persona == "leader":
                # Documents nobody was given yet: a unit that already has one (say for support
                # after a returned lead) may not be made its lead again, rightly.
                awaiting = awaiting_instruction(Document.objects.visible_to(user)).exclude(
                    Exists(Assignment.objects.filter(document=OuterRef("pk")))
                )
                assignable = list(
                    awaiting.order_by("-id").values_list("pk", flat=True)[: args.work_items]
                )
                if len(assignable) < MORNING_MAIL:  # a small province may have none waiting
                    assignable += morning_mail(agency["clerk"], types, MORNING_MAIL, rng)
                entry["assignable"] = assignable
                entry["units"] = [
                    f"unit:{pk}"
                    for pk in user.agency.units.filter(is_active=True).values_list("pk", flat=True)
                ]
            else:
                mine = Assignment.objects.visible_to(user).handled_by(user)
                open_ = mine.filter(state__in=[AssignmentState.OPEN, AssignmentState.IN_PROGRESS])
                completable = list(
                    open_.filter(assignee_user=user)
                    .order_by("-id")
                    .values_list("pk", flat=True)[: args.work_items]
                )
                if len(completable) < MORNING_MAIL and persona == "specialist":
                    completable += morning_work(user, agency, types, MORNING_MAIL, rng)
                entry["completable"] = completable
            users.append(entry)
    return {
        "password": manifest.get("password", PASSWORD),
        "documents": manifest.get("documents"),
        "users": users,
        "tracking": manifest.get("tracking", [])[:500],
    }


MORNING_MAIL = 20


def morning_mail(
    clerk_name: str, types: list[list[Any]], count: int, rng: random.Random
) -> list[int]:
    """Register `count` incoming documents through the service as the agency's clerk, so its
    leader has documents awaiting instructions however small the generated province is."""
    import datetime

    from lienthong.accounts.models import User
    from lienthong.documents import services
    from lienthong.documents.models import DocumentType

    clerk = User.objects.get(username=clerk_name)
    registered = []
    for _ in range(count):
        type_pk, notation = rng.choice(types)
        registration = services.register_incoming(
            actor=clerk,
            document_type=DocumentType.objects.get(pk=type_pk),
            issuer_name=rng.choice(ISSUERS),
            code_number=str(rng.randint(1, 9999)),
            code_notation=notation,
            issued_date=datetime.date.today(),
            subject=rng.choice(SUBJECTS),
            accept_duplicate=True,
        )
        assert registration.document is not None
        registered.append(registration.document.pk)
    return registered


def morning_work(
    specialist: Any, agency: dict[str, Any], types: list[list[Any]], count: int, rng: random.Random
) -> list[int]:
    """Work for a specialist who has none open (a small province, whose old work is finished):
    documents of the morning's mail, assigned by the leader to the specialist's unit and handed
    on by its unit leader, through the workflows services; returns the specialist's assignments."""
    from lienthong.accounts.constants import Role
    from lienthong.accounts.models import User
    from lienthong.documents.models import Document
    from lienthong.workflows import services
    from lienthong.workflows.constants import AssignmentRole

    leader = User.objects.get(username=agency["leader"])
    unit_leader = User.objects.filter(
        unit=specialist.unit, role_grants__role=Role.UNIT_LEADER, is_active=True
    ).first()
    if unit_leader is None or specialist.unit is None:
        return []
    work = []
    for pk in morning_mail(agency["clerk"], types, count, rng):
        (lead,) = services.assign(
            actor=leader,
            document=Document.objects.get(pk=pk),
            assignees=[services.Assignee(role=AssignmentRole.LEAD, unit=specialist.unit)],
            working_days=5,
        )
        (handed,) = services.reassign(
            actor=unit_leader,
            assignment=lead,
            assignees=[services.Assignee(role=AssignmentRole.LEAD, user=specialist)],
        )
        work.append(handed.pk)
    return work


def second_factor(user: Any) -> str | None:
    """The authenticator secret of a user who must sign in with a second factor (leaders and
    administrators by default): enrolled once through the accounts service, as the user would
    from the enrolment page; the virtual user then types the code its "phone" shows."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lienthong.accounts import services
    from lienthong.accounts.permissions import two_factor_required

    if not two_factor_required(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return str(device.key)
    key = os.urandom(20).hex()
    services.enrol_totp(user=user, key=key, code=totp_code(key))
    return key


def totp_code(key: str, at: float | None = None) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def sql_floors(plan: dict[str, Any], *, repeat: int) -> dict[str, float]:
    """Each action served once through the real view (Django's test client, a rolled-back
    transaction for the writes), its SQL captured, then replayed `repeat` times directly on the
    database connection: the median total in ms is the action's SQL floor."""
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, Client] = {}
    by_persona = {u["persona"]: u for u in reversed(plan["users"]) if u.get("documents")}

    def client_for(persona: str) -> Client:
        if persona not in clients:
            clients[persona] = _signed_in_client(
                None if persona == "citizen" else by_persona[persona]
            )
        return clients[persona]

    class Rollback(Exception):
        pass

    floors: dict[str, float] = {}
    rng = random.Random(7)
    # PostgreSQL's own account of the replay: execution time summed over the page's statements
    # (pg_stat_statements, when the server preloads it), beside the wall time seen here.
    database = PgStatements() if connection.vendor == "postgresql" else None
    for action in [*OFFICER_ACTIONS, *CITIZEN_ACTIONS]:
        persona = {
            "register": "clerk",
            "assign": "leader",
            "complete": "specialist",
            "statistics": "leader",
            "dashboard": "leader",
        }.get(action, "citizen" if action in CITIZEN_ACTIONS else "specialist")
        if persona != "citizen" and persona not in by_persona:
            continue
        user = by_persona.get(persona, {})
        request = make_request(action, user, plan, rng)
        if request is None:
            continue
        method, url, data = request
        client = client_for(persona)
        # Every request is rolled back, reads too (a read counts a rate limit in the shared
        # cache's table), so that its statements replay below on the state they first ran on;
        # and the rate limits start afresh for each action.
        cache.clear()
        try:
            with CaptureQueriesContext(connection) as captured, transaction.atomic():
                response = client.generic(method, url) if not data else client.post(url, data)
                raise Rollback
        except Rollback:
            pass
        if response.status_code >= 400:
            say(f"SQL floor of {action}: the view answered {response.status_code}; skipped")
            continue
        statements = [
            q["sql"]
            for q in captured.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
        ]
        if database:
            database.reset()
        floors[action] = _replay_ms(statements, repeat)
        if database:
            floors[f"{action}:db_ms"] = database.totals()[0] / repeat
        if os.environ.get("LIENTHONG_LOAD_EXPLAIN"):  # which statement costs what
            _explain(action, statements)
        floors[f"{action}:queries"] = len(statements)
    return floors


def _signed_in_client(user: dict[str, Any] | None) -> Any:
    """A test client signed in as the plan's `user` (past the second factor if the user has
    one), or anonymous for a citizen (None)."""
    from django.test import Client

    from lienthong.accounts.models import User

    client = Client(raise_request_exception=True)
    if user is None:
        return client
    account = User.objects.get(username=user["username"])
    client.force_login(account)
    if user.get("totp_key"):  # as after the code page
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        session = client.session
        device = TOTPDevice.objects.get(user=account, confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _replay_ms(statements: list[str], repeat: int) -> float:
    """The median time in ms of the statements replayed `repeat` times, each run rolled back."""
    from django.db import connection, transaction

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            with transaction.atomic():
                for sql in statements:
                    cursor.execute(sql.replace("%", "%%"))
                transaction.set_rollback(True)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _explain(action: str, statements: list[str]) -> None:
    """LIENTHONG_LOAD_EXPLAIN: the two costliest statements of an action (and their plans)."""
    from django.db import connection

    with connection.cursor() as cursor:
        each = []
        for sql in statements:
            started = time.perf_counter()
            cursor.execute(sql.replace("%", "%%"))
            each.append(((time.perf_counter() - started) * 1000, sql))
    for ms, sql in sorted(each, reverse=True)[:2]:
        say(f"{action}: {ms:.1f} ms  {sql[:300]}")
        if os.environ["LIENTHONG_LOAD_EXPLAIN"] == "plan" and sql.startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + sql.replace("%", "%%"))
                say("\n".join(row[0] for row in cursor.fetchall()))


def make_request(
    action: str, user: dict[str, Any], plan: dict[str, Any], rng: random.Random
) -> tuple[str, str, dict[str, Any] | None] | None:
    """(method, path, form data) of one action by `user`; None when there is nothing to do."""
    if action in {"register", "assign", "complete"}:
        return _write_request(action, user, rng)
    return _read_request(action, user, plan, rng)


def _read_request(
    action: str, user: dict[str, Any], plan: dict[str, Any], rng: random.Random
) -> tuple[str, str, dict[str, Any] | None] | None:
    """The pages read (and the citizen's tracking look-up)."""
    if action == "queue":
        return "GET", "/xu-ly/", None
    if action == "document":
        if not user.get("documents"):
            return None
        return "GET", f"/van-ban/{rng.choice(user['documents'])}/", None
    if action == "search_plain":
        return "GET", "/tim-kiem/?" + _query(rng.choice(SEARCHES_PLAIN)), None
    if action == "search_tone":
        return "GET", "/tim-kiem/?" + _query(rng.choice(SEARCHES_TONE)), None
    if action == "statistics":  # the agency leader's documents by month and by type, this year
        return "GET", "/bao-cao/thong-ke/", None
    if action == "dashboard":  # the leader's processing dashboard, the default window
        return "GET", "/bao-cao/lanh-dao/", None
    if action == "catalogue":
        return "GET", "/thu-tuc/?" + _query(rng.choice(CATALOGUE_SEARCHES)), None
    if action == "track":
        if not plan["tracking"]:
            return None
        item = rng.choice(plan["tracking"])
        return "POST", "/cong-dan/tra-cuu/", {"code": item["code"], "factor": item["phone"]}
    raise ValueError(action)


def _write_request(
    action: str, user: dict[str, Any], rng: random.Random
) -> tuple[str, str, dict[str, Any] | None] | None:
    """The officers' writes: registering, assigning, completing."""
    if action == "register":
        number = rng.randint(1, 9999)
        document_type, notation = rng.choice(user["document_types"])
        return (
            "POST",
            "/van-ban-den/vao-so/",
            {
                "document_type": document_type,
                "issuer_name": rng.choice(ISSUERS),
                "code_number": str(number),
                "code_notation": notation,
                "issued_date": time.strftime("%Y-%m-%d"),
                "subject": rng.choice(SUBJECTS),
                "urgency": "0",
                "confidentiality": "0",
                "accept_duplicate": "on",
            },
        )
    if action == "assign":
        if not user.get("assignable") or not user.get("units"):
            return None
        pk = user["assignable"].pop() if user["assignable"] else None
        if pk is None:
            return None
        return (
            "POST",
            f"/xu-ly/van-ban/{pk}/giao/",
            {
                "lead": rng.choice(user["units"]),
                "instruction": "Đề nghị nghiên cứu, tham mưu xử lý theo quy định.",
                "working_days": "5",
            },
        )
    if action == "complete":
        if not user.get("completable"):
            return None
        pk = user["completable"].pop()
        return "POST", f"/xu-ly/giao-viec/{pk}/hoan-thanh/", {"note": "Đã xử lý xong."}
    raise ValueError(action)


def _query(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


ISSUERS = ["UBND tỉnh Cà Mau", "Sở Tài chính", "Sở Nội vụ", "Bộ Thông tin và Truyền thông",
           "UBND huyện Đầm Dơi", "Sở Kế hoạch và Đầu tư", "Văn phòng Chính phủ"]  # fmt: skip
SUBJECTS = [
    "Về việc triển khai Kế hoạch chuyển đổi số năm 2027 trên địa bàn tỉnh",
    "Về việc báo cáo kết quả cải cách hành chính quý IV",
    "Về việc tăng cường công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
    "Về việc góp ý dự thảo Quyết định ban hành quy chế phối hợp",
    "Về việc cử cán bộ tham dự tập huấn sử dụng phần mềm một cửa điện tử",
]


# --- The load: asyncio + aiohttp, one session (cookie jar) per virtual user ---------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)


class VirtualUser:
    def __init__(self, base: str, user: dict[str, Any], plan: dict[str, Any], seed: int) -> None:
        import aiohttp

        self.base = base
        self.user = user
        self.plan = plan
        self.rng = random.Random(seed)
        self.session = aiohttp.ClientSession(
            base_url=base,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=60),
        )

    def csrf(self) -> str:
        for cookie in self.session.cookie_jar:
            if cookie.key == "csrftoken":
                return cookie.value
        return ""

    async def sign_in(self) -> None:
        async with self.session.get("/dang-nhap/") as response:
            await response.read()
        if self.user["persona"] == "citizen":
            async with self.session.get("/cong-dan/tra-cuu/") as response:
                await response.read()
            return
        data = {"username": self.user["username"], "password": self.plan["password"]}
        async with self.session.post(
            "/dang-nhap/", data=data, headers={"X-CSRFToken": self.csrf()}, allow_redirects=False
        ) as response:
            await response.read()
            if response.status != 302:
                raise SystemExit(
                    f"sign-in of {self.user['username']} failed with HTTP {response.status}"
                )
        if self.user.get("totp_key"):  # the code page, with the code the phone shows now
            for _attempt in range(2):
                code = await asyncio.to_thread(totp_code, self.user["totp_key"])
                async with self.session.post(
                    "/tai-khoan/xac-thuc-hai-yeu-to/",
                    data={"code": code},
                    headers={"X-CSRFToken": self.csrf()},
                    allow_redirects=False,
                ) as response:
                    await response.read()
                    if response.status == 302:
                        return
                # A code is good once: the same user signed in during this 30-second step
                # (an earlier size of the run); wait for the phone's next code.
                await asyncio.sleep(31 - time.time() % 30)
            raise SystemExit(f"second factor of {self.user['username']} refused")

    async def one(self, action: str, stats: Stats, *, record: bool) -> None:
        request = make_request(action, self.user, self.plan, self.rng)
        if request is None:
            if record:
                stats.skipped[action] += 1
            return
        method, path, data = request
        headers = {"X-CSRFToken": self.csrf()} if method == "POST" else None
        started = time.perf_counter()
        try:
            async with self.session.request(
                method, path, data=data, headers=headers, allow_redirects=False
            ) as response:
                body = await response.read()
                status = response.status
        except Exception as exc:  # a refused connection or a timeout is an error of the run
            status, body = 0, repr(exc).encode()
        elapsed = (time.perf_counter() - started) * 1000
        if not record:
            return
        expected = 302 if method == "POST" and action != "track" else 200
        if status == expected:
            stats.latencies[action].append(elapsed)
        else:
            stats.errors[action] += 1
            text = body.decode("utf-8", "replace")
            reasons = re.findall(
                r'class="(?:errorlist[^"]*|error" role="alert)">(.*?)</(?:ul|div)>', text, re.S
            )
            stats.samples.setdefault(f"{action} {status}", " | ".join(reasons) or text[:300])

    async def run(self, stop_at: float, record_from: float, stats: Stats) -> None:
        mix = MIXES[self.user["persona"]]
        actions, weights = list(mix), list(mix.values())
        while (now := time.perf_counter()) < stop_at:
            action = self.rng.choices(actions, weights)[0]
            await self.one(action, stats, record=now >= record_from)

    async def floor(self, stop_at: float, record_from: float, values: list[float]) -> None:
        while (now := time.perf_counter()) < stop_at:
            started = time.perf_counter()
            async with self.session.get("/_floor/") as response:
                await response.read()
                ok = response.status == 200
            if ok and now >= record_from:
                values.append((time.perf_counter() - started) * 1000)

    async def close(self) -> None:
        await self.session.close()


def personas(plan: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """`count` virtual users: about 60 % officers of several agencies (clerks, leaders and
    specialists as 1:1:3 of them) and 40 % citizens — the mix of a working morning."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for user in plan["users"]:
        by_kind[user["persona"]].append(user)
    cycle = ["specialist", "citizen", "clerk", "specialist", "citizen", "leader", "specialist",
             "citizen", "citizen", "specialist"]  # fmt: skip
    chosen: list[dict[str, Any]] = []
    used: dict[str, int] = defaultdict(int)
    for i in range(count):
        kind = cycle[i % len(cycle)]
        if kind == "citizen":
            chosen.append({"persona": "citizen", "username": f"citizen-{i}"})
            continue
        pool = by_kind[kind]
        chosen.append(pool[used[kind] % len(pool)])
        used[kind] += 1
    return chosen


async def drive(
    base: str,
    plan: dict[str, Any],
    args: argparse.Namespace,
    memory: MemorySampler,
    database_url: str,
) -> dict[str, Any]:
    users = [
        VirtualUser(base, u, plan, seed=args.seed + i)
        for i, u in enumerate(personas(plan, args.users))
    ]
    try:
        await asyncio.gather(*(u.sign_in() for u in users))
        # The floor first, at the same concurrency, by the same signed-in users.
        floor: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(u.floor(start + args.floor_seconds + 2, start + 2, floor) for u in users)
        )
        floor_rps = len(floor) / args.floor_seconds
        stats = Stats()
        memory.reset()
        statements = LoadStatements(database_url)
        start = time.perf_counter()
        await asyncio.gather(
            *(u.run(start + args.warmup + args.duration, start + args.warmup, stats) for u in users)
        )
        peak = memory.peak
        where = {**memory.cpu_account(), "wall_s": time.perf_counter() - start}
        where["database"] = statements.account()
    finally:
        await asyncio.gather(*(u.close() for u in users))
    actions = {
        a: {
            **summarize(stats.latencies[a]),
            "ok": len(stats.latencies[a]),
            "errors": stats.errors[a],
            "skipped": stats.skipped[a],
        }
        for a in [*OFFICER_ACTIONS, *CITIZEN_ACTIONS]
    }
    officer_ok = sum(len(stats.latencies[a]) for a in OFFICER_ACTIONS)
    citizen_ok = sum(len(stats.latencies[a]) for a in CITIZEN_ACTIONS)
    officer_all = [v for a in OFFICER_ACTIONS for v in stats.latencies[a]]
    return {
        "users": args.users,
        "duration_s": args.duration,
        "floor": {**summarize(floor), "rps": floor_rps},
        "actions": actions,
        "officer": {**summarize(officer_all), "rps": officer_ok / args.duration},
        "citizen_rps": citizen_ok / args.duration,
        "total_rps": (officer_ok + citizen_ok) / args.duration,
        "errors": sum(stats.errors.values()),
        "error_samples": stats.samples,
        "server_memory_mb": peak,
        "where": where,
    }


class LoadStatements:
    """PostgreSQL's own account of the measured load (pg_stat_statements, when the server
    preloads it): reset when the load starts, read when it ends. Every statement of every
    process counts — the web workers', the task worker's and the scheduler's — so the total
    shows whether the database is the busy part, and the blocks read whether it waits for the
    disk (a block not in shared buffers may still come from the system's page cache)."""

    TOP = 6

    def __init__(self, url: str) -> None:
        self.url = url if url.startswith("postgres") else ""
        if not self.url:
            return
        import psycopg

        try:
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("SELECT pg_stat_statements_reset()")
        except psycopg.Error as error:
            say(f"pg_stat_statements unavailable under load ({error}); no database account")
            self.url = ""

    def account(self) -> dict[str, Any] | None:
        if not self.url:
            return None
        import psycopg

        rows_of = (
            "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
            "WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'"
        )
        with psycopg.connect(self.url, autocommit=True) as conn:
            total = conn.execute(
                "SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(calls), 0), "
                "coalesce(sum(shared_blks_read), 0), coalesce(sum(shared_blks_hit), 0), "
                f"coalesce(sum(temp_blks_written), 0) {rows_of}"
            ).fetchone()
            top = conn.execute(
                "SELECT total_exec_time, calls, shared_blks_read, left(regexp_replace(query, "
                f"'\\s+', ' ', 'g'), 110) {rows_of} ORDER BY total_exec_time DESC LIMIT {self.TOP}"
            ).fetchall()
        assert total is not None
        return {
            "exec_ms": float(total[0]),
            "calls": int(total[1]),
            "blocks_read": int(total[2]),
            "blocks_hit": int(total[3]),
            "temp_blocks_written": int(total[4]),
            "top": [
                {"ms": float(ms), "calls": int(calls), "blocks_read": int(read), "query": query}
                for ms, calls, read, query in top
            ],
        }


# --- The server and its memory ------------------------------------------------------------------


def _processes() -> dict[int, list[str]]:
    """Each live process's /proc/PID/stat fields after its command's closing parenthesis: the
    parent is field 1, the CPU ticks in user and kernel mode 11 and 12, the resident pages 21."""
    found: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            found[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # ended meanwhile
            continue
    return found


class MemorySampler:
    """Peak resident memory (MB) of process trees (label → root pid), from /proc twice a second;
    and, between `reset` and `cpu_account`, the CPU seconds each tree used and how the whole
    machine spent its time (user, system, waiting for the disk, idle, taken by the host)."""

    TICK = os.sysconf("SC_CLK_TCK")
    PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.peak: dict[str, float] = {}
        self.cpu_start: dict[int, float] = {}
        self.machine_start: list[int] = []

    def reset(self) -> None:
        self.peak = {}
        self.cpu_start = {pid: self._cpu(fields) for pid, fields in _processes().items()}
        self.machine_start = self._machine()

    @staticmethod
    def _machine() -> list[int]:
        # user, nice, system, idle, iowait, irq, softirq, steal: clock ticks since boot
        return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]

    def _cpu(self, fields: list[str]) -> float:
        return (int(fields[11]) + int(fields[12])) / self.TICK

    def _labelled(self, processes: dict[int, list[str]]) -> dict[int, str]:
        """Each process under one of the roots (or this driver), with the root's label."""
        labels = {pid: label for label, pid in self.roots.items()}
        labels[os.getpid()] = "load driver"
        tree: dict[int, str] = {}
        for pid in processes:
            ancestor = pid
            while ancestor > 1 and ancestor not in labels:
                ancestor = int(processes[ancestor][1]) if ancestor in processes else 0
            if ancestor in labels:
                tree[pid] = labels[ancestor]
        return tree

    def cpu_account(self) -> dict[str, Any]:
        """CPU seconds per tree since `reset` (processes that ended meanwhile are not counted:
        gunicorn's workers and the database's connections live through the run), and the
        machine's time shares in %."""
        processes = _processes()
        seconds: dict[str, float] = defaultdict(float)
        for pid, label in self._labelled(processes).items():
            seconds[label] += self._cpu(processes[pid]) - self.cpu_start.get(pid, 0.0)
        machine = [b - a for a, b in zip(self.machine_start, self._machine(), strict=True)]
        total = sum(machine) or 1
        user, nice, system, idle, iowait, irq, softirq, steal = machine
        shares = {
            "user": 100 * (user + nice) / total,
            "system": 100 * (system + irq + softirq) / total,
            "iowait": 100 * iowait / total,
            "idle": 100 * idle / total,
            # a virtual machine's cores taken by its host's other guests
            "steal": 100 * steal / total,
        }
        return {"cpu_s": dict(seconds), "machine_pct": shares}

    def sample(self) -> dict[str, float]:
        """Resident memory (MB) of each tree now, the driver left out."""
        processes = _processes()
        totals: dict[str, float] = defaultdict(float)
        for pid, label in self._labelled(processes).items():
            if label != "load driver":
                totals[label] += int(processes[pid][21]) * self.PAGE_MB
        return dict(totals)

    async def run(self) -> None:
        while True:
            for key, value in self.sample().items():
                self.peak[key] = max(self.peak.get(key, 0.0), value)
            await asyncio.sleep(0.5)


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "lienthong",
            "serve",
            "--port",
            str(port),
            "--web-workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=handle,
        start_new_session=True,
    )
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 180  # gunicorn imports the whole platform in each worker
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=2):
                return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"the server did not answer within 180 s:\n{_tail(log)}")


def wait_for_tasks(url: str, limit: float = 900) -> float:
    """Wait until the task worker has run every task waiting (the virtual users' morning work
    enqueues the indexing of thousands of documents), so that the measured minute is the
    users' alone; the seconds waited."""
    if not url.startswith("postgres"):
        return 0.0
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = "
                "'RUNNING' OR (status = 'READY' AND (run_after <= now() "
                "OR run_after >= '9999-01-01'))"  # a task for later is not waited for
            ).fetchone()
            waiting = row[0] if row else 0
            if not waiting:
                break
            if time.monotonic() - started > limit:
                say(f"{waiting} tasks still waiting after {limit:.0f} s; measuring anyway")
                break
            time.sleep(1)
    waited = time.monotonic() - started
    if waited > 1:
        say(f"waited {waited:.0f} s for the task worker to finish the work's indexing")
    return waited


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- Orchestration --------------------------------------------------------------------------------


def lienthong(env: dict[str, str], *arguments: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lienthong", *arguments], env=env, check=True)  # noqa: S603
    return time.perf_counter() - started


def start_cluster(cleanup: Cleanup, *, fsync: bool) -> str:
    """A throwaway PostgreSQL 15 cluster with production-like memory settings."""
    import shutil

    if not (PG_BIN / "initdb").exists():
        raise SystemExit("PostgreSQL 15 is not installed (apt-get install postgresql-15)")
    folder = Path(tempfile.mkdtemp(prefix="lienthong-load-pg-"))
    cleanup.push(f"remove {folder}", lambda: shutil.rmtree(folder, ignore_errors=True))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    global PG_DATA
    PG_DATA = data
    port = free_port()
    say(f"starting a PostgreSQL 15 cluster on port {port} ({folder})")
    run_pg(["initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8"])  # fmt: skip
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
        f"-c fsync={'on' if fsync else 'off'} {PG_OPTIONS}"
    )
    cleanup.push(
        "stop PostgreSQL",
        lambda: run_pg(["pg_ctl", "-D", str(data), "stop", "-m", "fast"], check=False),
    )
    run_pg(["pg_ctl", "-D", str(data), "-w", "-l", str(folder / "pg.log"), "-o", options, "start"])
    return f"postgres://postgres@127.0.0.1:{port}/postgres"


def _find_local_cluster(url: str) -> None:
    """When the given server runs on this machine, its memory is measured too."""
    import psycopg

    global PG_DATA
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    folder = Path(row[0]) if row else None
    if folder is not None and (folder / "postmaster.pid").is_file():
        PG_DATA = folder


def run_size(
    size: int, env: dict[str, str], folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    manifest = folder / "manifest.json"
    say(f"generating the province up to {size:,} documents")
    generate_args = ["generate_province", "--documents", str(size), "--seed", str(args.seed),
                     "--password", PASSWORD, "--manifest", str(manifest)]  # fmt: skip
    if not sys.stderr.isatty():
        generate_args.append("--no-progress")
    generated = lienthong(env, *generate_args)
    plan_path = folder / f"plan-{size}.json"
    say("preparing the virtual users' work and timing the SQL floors")
    allowed = env.get("LIENTHONG_ALLOWED_HOSTS", "127.0.0.1,localhost")
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            __file__,
            "--prepare",
            "--manifest",
            str(manifest),
            "--out",
            str(plan_path),
            "--seed",
            str(args.seed),
            "--work-items",
            str(args.work_items),
            "--sql-repeat",
            str(args.sql_repeat),
        ],
        env={**env, "LIENTHONG_ALLOWED_HOSTS": f"{allowed},testserver"},
        check=True,
    )
    plan = json.loads(plan_path.read_text())
    port = free_port()
    say(f"serving on port {port} with {args.web_workers} gunicorn workers; {args.users} users")
    server = start_server(env, port, args.web_workers, folder / "server.log")
    waited = wait_for_tasks(env["DATABASE_URL"])
    load_before = os.getloadavg()[0]
    try:
        result = asyncio.run(
            _drive_with_memory(f"http://127.0.0.1:{port}", plan, args, server, env["DATABASE_URL"])
        )
    finally:
        stop_server(server)
    result["load_average"] = [load_before, os.getloadavg()[0]]
    result["tasks_drained_s"] = waited
    result["documents"] = size
    result["generate_s"] = generated
    result["sql_floor_ms"] = plan["sql_floor_ms"]
    result["database_mb"] = _database_mb(env["DATABASE_URL"])
    for action, figures in result["actions"].items():
        sql = plan["sql_floor_ms"].get(action)
        floor = result["floor"].get("p50")
        if sql is not None and floor and figures.get("p50"):
            figures["floor_ms"] = floor + sql
            figures["ratio"] = figures["p50"] / (floor + sql)
    return result


def _database_mb(url: str) -> float | None:
    """The size of the benchmark's database on disk (tables, indexes, TOAST), in MB."""
    if not url.startswith("postgres"):
        return None
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return row[0] / 1e6 if row else None


async def _drive_with_memory(
    base: str,
    plan: dict[str, Any],
    args: argparse.Namespace,
    server: subprocess.Popen[bytes],
    database_url: str,
) -> dict[str, Any]:
    roots = {"web, worker, scheduler": server.pid}
    if PG_DATA is not None:  # our own cluster (not a server given by DATABASE_URL)
        roots["postgresql"] = int((PG_DATA / "postmaster.pid").read_text().split()[0])
    memory = MemorySampler(roots)
    sampler = asyncio.create_task(memory.run())
    try:
        return await drive(base, plan, args, memory, database_url)
    finally:
        sampler.cancel()


def report(result: dict[str, Any]) -> str:
    lines = [
        f"== {result['documents']:,} documents — {result['users']} users, "
        f"{result['duration_s']} s, {result['web_workers']} web workers ==",
        f"  floor (bare view, same middleware): p50 {result['floor']['p50']:.1f} ms, "
        f"p95 {result['floor']['p95']:.1f} ms, {result['floor']['rps']:.0f} requests/s",
        f"  {'action':<14}{'ok':>7}{'err':>5}{'skip':>6}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'SQL ms':>8}{'DB ms':>7}{'queries':>8}{'ratio':>7}",
    ]
    for action, f in result["actions"].items():
        if not f["ok"] and not f["errors"]:
            lines.append(f"  {action:<14}{0:>7}{0:>5}{f['skipped']:>6}   (nothing to do)")
            continue
        sql = result["sql_floor_ms"].get(action)
        queries = result["sql_floor_ms"].get(f"{action}:queries")
        db = result["sql_floor_ms"].get(f"{action}:db_ms")
        lines.append(
            f"  {action:<14}{f['ok']:>7}{f['errors']:>5}{f['skipped']:>6}"
            f"{f.get('p50', 0):>8.1f}{f.get('p95', 0):>8.1f}{f.get('p99', 0):>8.1f}"
            f"{sql if sql is not None else float('nan'):>8.1f}"
            f"{db if db is not None else float('nan'):>7.1f}"
            f"{queries if queries is not None else 0:>8}"
            f"{f.get('ratio', float('nan')):>7.1f}"
        )
    officer = result["officer"]
    memory = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(result["server_memory_mb"].items()))
    lines += [
        f"  officers: {officer['rps']:.1f} requests/s, p50 {officer.get('p50', 0):.1f} ms, "
        f"p95 {officer.get('p95', 0):.1f} ms, p99 {officer.get('p99', 0):.1f} ms",
        f"  citizens: {result['citizen_rps']:.1f} requests/s; all: {result['total_rps']:.1f}/s; "
        f"errors: {result['errors']}",
        f"  server peak memory: {memory}"
        + (f"; database {result['database_mb']:,.0f} MB" if result.get("database_mb") else ""),
        f"  generator: {result['generate_s']:.0f} s to reach this size; load average before/after "
        f"{result['load_average'][0]:.1f}/{result['load_average'][1]:.1f}"
        + (
            f"; {result['tasks_drained_s']:.0f} s waited for the task queue"
            if result.get("tasks_drained_s") is not None
            else ""
        ),
    ]
    lines += where_report(result.get("where"))
    for key, body in result["error_samples"].items():
        lines.append(f"  error sample {key}: {body[:160]!r}")
    return "\n".join(lines)


def where_report(where: dict[str, Any] | None) -> list[str]:
    """Where the measured load's time went: the machine's shares, each process tree's CPU, and
    the database's statements."""
    if not where:
        return []
    shares = where["machine_pct"]
    wall = where["wall_s"]
    cpus = ", ".join(
        f"{label} {seconds:.0f} s ({seconds / wall:.2f} cores)"
        for label, seconds in sorted(where["cpu_s"].items(), key=lambda item: -item[1])
    )
    lines = [
        f"  machine: user {shares['user']:.0f} %, system {shares['system']:.0f} %, "
        f"waiting for the disk {shares['iowait']:.0f} %, idle {shares['idle']:.0f} %, "
        f"taken by the host {shares.get('steal', 0):.0f} %",
        f"  CPU over {wall:.0f} s: {cpus}",
    ]
    database = where.get("database")
    if database:
        blocks = database["blocks_read"] + database["blocks_hit"]
        lines.append(
            f"  database: {database['exec_ms'] / 1000:.1f} s in {database['calls']:,} statements "
            f"({database['exec_ms'] / wall / 1000:.2f} busy connections on average); "
            f"{database['blocks_read'] * 8 / 1024:,.0f} MB read outside shared buffers "
            f"({100 * database['blocks_read'] / (blocks or 1):.1f} % of blocks), "
            f"{database['temp_blocks_written'] * 8 / 1024:,.0f} MB of temporary files"
        )
        for row in database["top"]:
            lines.append(
                f"    {row['ms'] / 1000:7.1f} s {row['calls']:>7,} calls "
                f"{row['ms'] / max(row['calls'], 1):8.2f} ms {row['blocks_read']:>8,} read  "
                f"{row['query']}"
            )
    return lines


def scale_table(results: list[dict[str, Any]]) -> str:
    header = f"  {'p95 ms':<14}" + "".join(f"{r['documents']:>12,}" for r in results)
    lines = ["== scale curve ==", header]
    for action in TABLE_ACTIONS:
        row = f"  {action:<14}"
        for r in results:
            p95 = r["actions"][action].get("p95")
            row += f"{p95:>12.1f}" if p95 is not None else f"{'—':>12}"
        if len(results) > 1:
            first, last = (results[0]["actions"][action].get("p95"),
                           results[-1]["actions"][action].get("p95"))  # fmt: skip
            if first and last:
                row += f"   x{last / first:.2f}"
        lines.append(row)
    lines.append(
        f"  {'officer rps':<14}" + "".join(f"{r['officer']['rps']:>12.1f}" for r in results)
    )
    # Each page's p50 over its floor (bare view + its SQL) at each size; the last column is the
    # largest size's ratio over the smallest's (the scale target: within 1.3).
    lines.append(f"  {'ratio':<14}" + "".join(f"{r['documents']:>12,}" for r in results))
    for action in TABLE_ACTIONS:
        ratios = [r["actions"][action].get("ratio") for r in results]
        row = f"  {action:<14}" + "".join(
            f"{v:>12.2f}" if v is not None else f"{'—':>12}" for v in ratios
        )
        if len(results) > 1 and ratios[0] and ratios[-1]:
            row += f"   x{ratios[-1] / ratios[0]:.2f}"
        lines.append(row)
    return "\n".join(lines)


def chart(results: list[dict[str, Any]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["documents"] for r in results]
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.2))
    for action in TABLE_ACTIONS[: -len(CITIZEN_ACTIONS)]:
        values = [r["actions"][action].get("p95") for r in results]
        if all(v is not None for v in values):
            left.plot(sizes, values, marker="o", label=action)
        ratios = [r["actions"][action].get("ratio") for r in results]
        if all(v is not None for v in ratios):
            middle.plot(sizes, ratios, marker="o", label=action)
    left.set_ylabel("p95 latency (ms)")
    left.set_title("p95 per action under load")
    middle.set_ylabel("p50 / (floor view p50 + SQL floor)")
    middle.set_title("ratio to the floor (same run)")
    middle.set_ylim(bottom=0)
    right.plot(sizes, [r["officer"]["rps"] for r in results], marker="o", label="officers")
    right.plot(sizes, [r["total_rps"] for r in results], marker="o", label="all users")
    right.set_ylabel("requests per second")
    right.set_title(f"throughput, {results[0]['users']} users")
    right.set_ylim(bottom=0)
    for axis in (left, middle, right):
        axis.set_xscale("log")
        axis.set_xlabel("documents in the database")
        axis.legend(fontsize=8)
        axis.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--scale", help="sizes, comma-separated, e.g. 10000,100000,1000000")
    parser.add_argument("--duration", type=int, default=60, help="seconds of measured load")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--floor-seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=16, help="concurrent virtual users")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work-items", type=int, default=3000)
    parser.add_argument("--sql-repeat", type=int, default=20)
    parser.add_argument("--pg-fsync", choices=["on", "off"], default="on")
    parser.add_argument(
        "--existing-database",
        action="store_true",
        help="use the database of DATABASE_URL as it is, grown to the size",
    )
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="first serve the code of this commit on the same database (a git worktree), "
        "then this checkout's, and print both side by side",
    )
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--chart", help="write the scale chart (PNG) to this file")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless every action ran without an error (CI)")  # fmt: skip
    parser.add_argument("--combine", nargs="+", metavar="JSON",
                        help="print and chart the results of earlier runs together")  # fmt: skip
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--manifest", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.prepare:
        return prepare_main(args)
    if args.combine:  # results of earlier runs (--json) as one scale curve
        return combine_main(args)
    sizes = sorted(int(s) for s in args.scale.split(",")) if args.scale else [args.documents]
    cleanup = Cleanup()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        folder = Path(tempfile.mkdtemp(prefix="lienthong-load-"))
        cleanup.push(f"remove {folder}", lambda: __import__("shutil").rmtree(folder, True))
        database = _database(args, cleanup)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "DATABASE_URL": database,
            "LIENTHONG_DATA_DIR": str(folder / "data"),
            "LIENTHONG_SECRET_KEY": os.urandom(32).hex(),
            "LIENTHONG_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "LIENTHONG_HTTPS": "0",
            "LIENTHONG_LOG_LEVEL": "WARNING",
            # Every simulated citizen comes from 127.0.0.1: the per-address tracking limit
            # would refuse them after ten look-ups.
            "LIENTHONG_TRACKING_LIMIT": "1000000000",
        }
        say("migrating and collecting static files")
        lienthong(env, "migrate", "--noinput", "-v0")
        lienthong(env, "collectstatic", "--noinput", "-v0")
        results = []
        baseline_env = _baseline_env(args, env, folder, cleanup)
        for size in sizes:
            before = None
            if baseline_env is not None:  # the same database, served by the old code first
                say(f"the baseline {args.baseline} at {size:,} documents")
                before = run_size(size, baseline_env, folder, args)
                before["web_workers"] = args.web_workers
                before["code"] = args.baseline
                print(report(before), flush=True)
            result = run_size(size, env, folder, args)
            result["web_workers"] = args.web_workers
            if before is not None:
                result["baseline"] = before
            results.append(result)
            print(report(result), flush=True)
            if before is not None:
                print(compare_table(before, result, args.baseline), flush=True)
        if len(results) > 1:
            print(scale_table(results), flush=True)
        if args.chart:
            chart(results, args.chart)
            say(f"chart written to {args.chart}")
        if args.json:
            Path(args.json).write_text(
                json.dumps({"machine": machine(), "results": results}, indent=2)
            )
        if args.check and not _every_action_ran(results):
            return 1
        return 0
    finally:
        cleanup.run()


def _baseline_env(
    args: argparse.Namespace, env: dict[str, str], folder: Path, cleanup: Cleanup
) -> dict[str, str] | None:
    """--baseline REF: a detached git worktree of REF in the run's folder, and the environment
    that serves its code (its src/ first on PYTHONPATH; the same database and data folder).
    Its compiled translations are this checkout's (build artifacts, not in git)."""
    if not args.baseline:
        return None
    tree = folder / "baseline"
    subprocess.run(  # noqa: S603
        ["git", "worktree", "add", "--detach", str(tree), args.baseline],  # noqa: S607
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    cleanup.push(
        f"remove the worktree {tree}",
        lambda: subprocess.run(  # noqa: S603
            ["git", "worktree", "remove", "--force", str(tree)],  # noqa: S607
            cwd=ROOT, check=False, capture_output=True,
        ),
    )  # fmt: skip
    for compiled in (ROOT / "src" / "lienthong" / "locale").glob("*/LC_MESSAGES/*.mo"):
        target = tree / compiled.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compiled.read_bytes())
    paths = [str(tree / "src"), env["PYTHONPATH"]]
    return {**env, "PYTHONPATH": os.pathsep.join(paths)}


def compare_table(before: dict[str, Any], after: dict[str, Any], ref: str) -> str:
    """The baseline's figures beside this code's, measured back to back on one database."""
    lines = [
        f"== before ({ref}) / after, {after['documents']:,} documents ==",
        f"  {'action':<14}{'p50 ms':>16}{'p95 ms':>16}{'ratio':>12}{'queries':>10}",
    ]
    for action in TABLE_ACTIONS:
        old, new = before["actions"][action], after["actions"][action]
        queries = [r["sql_floor_ms"].get(f"{action}:queries") for r in (before, after)]
        lines.append(
            f"  {action:<14}"
            f"{old.get('p50', 0):>8.0f}/{new.get('p50', 0):<7.0f}"
            f"{old.get('p95', 0):>8.0f}/{new.get('p95', 0):<7.0f}"
            f"{old.get('ratio', float('nan')):>6.1f}/{new.get('ratio', float('nan')):<5.1f}"
            f"{queries[0] or 0:>5}/{queries[1] or 0:<4}"
        )
    old_rps, new_rps = before["officer"]["rps"], after["officer"]["rps"]
    lines.append(
        f"  officers' requests/s {old_rps:.1f} -> {new_rps:.1f} (x{new_rps / old_rps:.2f}), "
        f"p95 {before['officer'].get('p95', 0):.0f} -> {after['officer'].get('p95', 0):.0f} ms; "
        f"floor view p50 {before['floor']['p50']:.0f} -> {after['floor']['p50']:.0f} ms"
    )
    return "\n".join(lines)


def combine_main(args: argparse.Namespace) -> int:
    """--combine: the results of earlier runs (--json) printed and charted as one curve."""
    results = sorted(
        (r for path in args.combine for r in json.loads(Path(path).read_text())["results"]),
        key=lambda r: r["documents"],
    )
    for result in results:
        print(report(result))
    print(scale_table(results))
    if args.chart:
        chart(results, args.chart)
    return 0


def _database(args: argparse.Namespace, cleanup: Cleanup) -> str:
    """The URL of the database to load: DATABASE_URL as it is (--existing-database), or a
    fresh database on the given server or on a throwaway cluster started here."""
    given = os.environ.get("DATABASE_URL", "")
    server_url = given or start_cluster(cleanup, fsync=args.pg_fsync == "on")
    if args.existing_database:
        if not given:
            raise SystemExit("--existing-database needs DATABASE_URL")
        _find_local_cluster(given)
        return given  # filled before (the generator appends only what is missing)
    return create_database(server_url, cleanup, drop=bool(given))


def _every_action_ran(results: list[dict[str, Any]]) -> bool:
    """--check: every action ran, somewhere in the run, and none erred."""
    errors = [
        f"{r['documents']}:{a}" for r in results for a, f in r["actions"].items() if f["errors"]
    ]
    never = [a for a in results[0]["actions"] if not any(r["actions"][a]["ok"] for r in results)]
    if errors or never:
        say(f"actions with errors: {errors}; actions that never succeeded: {never}")
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
