from __future__ import annotations

import fcntl
import importlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection, connections
from django.db.models.signals import post_migrate

from lienthong.accounts import services
from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.db_guards import install_audit_guards, remove_audit_guards
from lienthong.demo.province import DEMO_PASSWORD, load_demo_province
from tests import database_template
from tests.hardening.conftest import FIGURES, ORDER

PASSWORD = "correct-horse-battery-staple"


# Which half of ./scripts/test runs what (the markers are declared in pyproject.toml). Each half
# runs the whole suite on its database, except the tests that do not depend on the database
# backend, which run once: the browser flows (`e2e`, marked in tests/e2e/conftest.py) in the
# PostgreSQL half, the production database; the files below (`backend_independent`) in the
# SQLite half: their servers always run on SQLite (`serve` is started on a copied SQLite file,
# whatever DATABASE_URL says), or what they test is the demo PKI, the timestamp authority and
# the signing simulators, whose database work is plain ORM the other tests run on both. The fault
# run (`faults`) kills PostgreSQL under load with bounds meant for a quiet machine: it runs alone,
# after the parallel PostgreSQL half. The site-wide sweeps of who may call what (`sweep`: every
# URL name, method, role and object state, about 8,000 requests) decide by the permission
# predicates and the two-factor middleware, not by anything a backend does differently: they run
# once, in the PostgreSQL half (each app's own page and API tests run in both).
BACKEND_INDEPENDENT = {
    "tests/core/test_serve.py",
    "tests/core/test_serve_demo.py",
    "tests/signatures/test_demo_pki.py",
}
FAULTS = {"tests/hardening/test_faults.py"}
SWEEPS = {"tests/hardening/test_permission_matrix.py", "tests/hardening/test_otp_sweep.py"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects and pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        if path in BACKEND_INDEPENDENT:
            item.add_marker(pytest.mark.backend_independent)
        if path in FAULTS:
            item.add_marker(pytest.mark.faults)
        if path in SWEEPS:
            item.add_marker(pytest.mark.sweep)
        # Under pytest-xdist (`--dist loadgroup`), the tests of a module that share a
        # module-scoped fixture (a migrated database for `serve`, the hardening world, a moto
        # server) run in one worker, so that it is built once; the others spread test by test.
        # The browser flows run one at a time, in one worker (beside the other tests): two
        # Chromiums and live servers at once on two cores ran past the pages' timeouts.
        if path.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.xdist_group("e2e"))
        elif _uses_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(path))


def _uses_module_fixture(item: pytest.Item) -> bool:
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    if fixtureinfo is None:
        return False
    return any(
        fixturedef.scope in ("module", "class", "package")
        for fixturedefs in fixtureinfo.name2fixturedefs.values()
        for fixturedef in fixturedefs
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: add up the hardening figures each worker counted (tests/hardening)."""
    FIGURES.update(getattr(node, "workeroutput", {}).get("hardening_figures", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The hardening suite's figures (matrix cells, requests fuzzed, faults injected, ...)."""
    if not FIGURES:
        return
    terminalreporter.section("hardening figures")
    for key in ORDER + sorted(set(FIGURES) - set(ORDER)):
        if key in FIGURES or (key == "writes lost" and "faults injected" in FIGURES):
            terminalreporter.write_line(f"{key}: {FIGURES[key]}")


@pytest.fixture
def province(db: Any) -> Agency:
    return services.create_agency(
        actor=None,
        code="000.00.00.H12",
        name="Ủy ban nhân dân tỉnh Cà Mau",
        abbreviation="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        place_name="Cà Mau",
    )


@pytest.fixture
def agency_factory(province: Agency) -> Callable[..., Agency]:
    counter = iter(range(1, 99))

    def make(name: str = "Sở Tư pháp", abbreviation: str = "STP", **fields: Any) -> Agency:
        code = fields.pop("code", f"000.00.{next(counter):02d}.H12")
        return services.create_agency(
            actor=None,
            code=code,
            name=name,
            abbreviation=abbreviation,
            kind=AgencyKind.DEPARTMENT,
            place_name="Cà Mau",
            parent=province,
            **fields,
        )

    return make


@pytest.fixture
def user_factory(db: Any) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(
        agency: Agency | None,
        roles: list[Role] | None = None,
        unit: Unit | None = None,
        username: str | None = None,
        password: str = PASSWORD,
    ) -> User:
        n = next(counter)
        return services.create_user(
            actor=None,
            username=username or f"user{n}",
            full_name=f"Nguyễn Văn {n}",
            password=password,
            agency=agency,
            unit=unit,
            roles=roles or [Role.SPECIALIST],
        )

    return make


@pytest.fixture
def two_agencies(agency_factory: Callable[..., Agency]) -> tuple[Agency, Agency]:
    return agency_factory("Sở Tư pháp", "STP"), agency_factory("Sở Nội vụ", "SNV")


@pytest.fixture
def demo(db: Any) -> None:
    load_demo_province()


@pytest.fixture
def demo_password() -> str:
    return DEMO_PASSWORD


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (just now), for servers the tests start."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every pytest-xdist worker of this run shares."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


@pytest.fixture(scope="session")
def django_db_keepdb() -> bool:
    """Open the test database as it is: `django_db_modify_db_settings` has just made it a copy of
    a database migrated once per run (tests/database_template.py). `drop_worker_database`
    removes it at the end (pytest-django's --reuse-db has no effect)."""
    return True


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from django.conf import settings

    settings_dict = settings.DATABASES["default"]
    if database_template.is_sqlite(settings_dict):
        database_template.copy_sqlite(request.getfixturevalue("migrated_sqlite"), settings_dict)
    else:
        database_template.clone_postgresql(shared_tmp(tmp_path_factory), settings_dict)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file with every migration applied by `lienthong migrate`, for the tests
    that start the platform as a process (`serve`, backups): they copy it rather than migrate
    again (about a minute of CPU each with Wagtail's migrations). Made once per test run: the
    first pytest-xdist worker that needs it makes it while the others wait on a file lock."""
    root = shared_tmp(tmp_path_factory)
    made = root / "migrated-sqlite" / "lienthong.sqlite3"
    with open(root / "migrated-sqlite.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            building = root / "migrated-sqlite-building"
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update(
                {
                    "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
                    "LIENTHONG_DATA_DIR": str(building),
                }
            )
            subprocess.run(
                [sys.executable, "-m", "lienthong", "migrate", "-v0"],
                env=env,
                check=True,
                timeout=600,
            )
            made.parent.mkdir()
            os.replace(building / "lienthong.sqlite3", made)
    return made


def copy_migrated(migrated_sqlite: Path, data_dir: Path) -> Path:
    """Put the migrated database into an installation's data folder (LIENTHONG_DATA_DIR)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(migrated_sqlite, data_dir / "lienthong.sqlite3")
    return data_dir


def table_counts() -> dict[str, int]:
    """Row counts of every table: the “database unchanged” check after a refused request.

    One query per hundred tables (the permission matrix takes this snapshot twice per cell)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        tables = [
            table
            for table in connection.introspection.table_names(cursor)
            # sign-in bookkeeping and rate-limit counts, not domain data
            if not table.startswith(("django_session", "axes_", "lienthong_cache"))
        ]
        for start in range(0, len(tables), 100):
            chunk = tables[start : start + 100]
            # Table names come from the database's own catalogue.
            selects = [f"SELECT '{table}', COUNT(*) FROM \"{table}\"" for table in chunk]
            cursor.execute(" UNION ALL ".join(selects))
            counts.update({str(name): int(count) for name, count in cursor.fetchall()})
    return counts


@pytest.fixture
def db_snapshot() -> Callable[[], dict[str, int]]:
    return table_counts


# Data migrations that load reference data (idempotent `load(apps, schema_editor)` functions).
REFERENCE_DATA_MIGRATIONS = [
    "lienthong.documents.migrations.0002_load_document_types",
    "lienthong.records.migrations.0002_load_retention_table",
    "lienthong.catalogue.migrations.0003_result_kinds_and_one_stop_rules",
    "lienthong.training.migrations.0002_skills_standard_modules",
    "lienthong.quality.migrations.0002_standard_versions",
]


# Transactional tests (browser tests with a live server) end with a flush of every table, which
# the append-only audit log refuses. Lift its guards just before that flush; Django's flush
# emits post_migrate, which puts them back for the next test.
def _restore_audit_guards(using: str = "default", **kwargs: Any) -> None:
    install_audit_guards(connections[using])


post_migrate.connect(_restore_audit_guards, dispatch_uid="tests_restore_audit_guards")


@pytest.fixture(autouse=True)
def _transactional_test_data(request: pytest.FixtureRequest, _django_db_helper: Any) -> Any:
    """Transactional tests start from tables another one may have flushed: put back the data
    migrations' reference data, and lift the audit log's guards before the closing flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if transactional:
        for module in REFERENCE_DATA_MIGRATIONS:
            importlib.import_module(module).load(django_apps, None)
    yield
    if transactional:
        cache.clear()  # the shared cache's table outlives the closing flush (rate-limit counts)
        remove_audit_guards(connection)


def run_queued_jobs() -> None:
    """Run every queued background job with django-tasks-db's own worker loop, in the calling
    thread's connection, until the queue is empty (what `lienthong serve`'s worker does)."""
    from django_tasks_db.management.commands import db_worker

    db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def run_tasks(db: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Run the queued jobs inside this test's transaction (the worker's connection recycling
    would otherwise close it)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return run_queued_jobs


@pytest.fixture(scope="session", autouse=True)
def _close_connections_before_teardown(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """PostgreSQL refuses to drop the test database while a session is still connected: the
    live server's request threads may still hold keep-alive connections when the browser
    closes. End those sessions, close ours, then remove this worker's database."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connections.close_all()
        database_template.drop_worker_database(
            shared_tmp(tmp_path_factory), connection.settings_dict
        )


@pytest.fixture
def in_november_2026(time_machine: Any) -> None:
    """The clock at 27/11/2026 10:00 in Vietnam, ticking: for tests whose documents are dated in
    2026 and issued, since a number is only given in the register of the current year. The suite
    runs with the clock moved to later years (conf/test.py); these tests move it back."""
    time_machine.move_to(
        datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=True
    )
