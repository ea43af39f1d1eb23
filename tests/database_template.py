"""Each test process's database is a copy of one migrated once per run.

Migrating an empty database (Wagtail's and our ~400 migrations) costs about 90 s of CPU; with one
database per pytest-xdist worker that used to be paid by every worker on both backends. Now:

- SQLite: the `migrated_sqlite` file (made once per run by `lienthong migrate`, under a file
  lock) is copied to the worker's test database file.
- PostgreSQL: the first worker makes a template database (`<test name>_tpl_<random>`) with
  `lienthong migrate`; every worker then creates its database with `CREATE DATABASE … TEMPLATE`.
  The workers count themselves in a file beside the lock; the last one to finish drops the
  template (a worker killed mid-run leaves it behind on a server given by DATABASE_URL; the
  throwaway cluster of ./scripts/test goes away whole).

Django then opens the copy with `keepdb`, so its `migrate` finds nothing to apply but still runs
what every setup runs (post_migrate handlers, the cache table, serialisation). At the end of the
session the worker's copy is removed (`drop_worker_database`).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

STATE = "pg-template.json"
# The database this process made (copied or cloned): the only one `drop_worker_database` drops,
# whatever the connection's settings say by then.
made: dict[str, str] = {}


def is_sqlite(settings_dict: dict[str, Any]) -> bool:
    return str(settings_dict["ENGINE"]).endswith("sqlite3")


def worker_database_name(settings_dict: dict[str, Any]) -> str:
    """The name Django gives the test database (pytest-django has added the worker's suffix)."""
    return str(settings_dict["TEST"].get("NAME") or "test_" + str(settings_dict["NAME"]))


@contextmanager
def locked(shared: Path) -> Iterator[None]:
    with open(shared / "pg-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def copy_sqlite(template: Path, settings_dict: dict[str, Any]) -> None:
    name = Path(worker_database_name(settings_dict))
    for leftover in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
        leftover.unlink(missing_ok=True)
    name.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, name)
    made["sqlite"] = str(name)


def _server(settings_dict: dict[str, Any]) -> Any:
    """An autocommit connection to the server's maintenance database."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _migrate_template(name: str) -> None:
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "DATABASE_URL": urlunsplit(url._replace(path="/" + name)),
        "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
    }
    subprocess.run(
        [sys.executable, "-m", "lienthong", "migrate", "-v0"], env=env, check=True, timeout=900
    )


def clone_postgresql(shared: Path, settings_dict: dict[str, Any]) -> None:
    """Create this worker's database from the run's template, making the template if needed."""
    target = worker_database_name(settings_dict)
    state_file = shared / STATE
    with locked(shared):
        state = json.loads(state_file.read_text()) if state_file.exists() else None
        with _server(settings_dict) as server:
            if state is None:
                template = f"{target}_tpl_{secrets.token_hex(4)}"[:63]
                server.execute(f"CREATE DATABASE {_quote(template)}")
                try:
                    _migrate_template(template)
                except BaseException:
                    server.execute(f"DROP DATABASE IF EXISTS {_quote(template)}")
                    raise
                state = {"template": template, "users": 0}
            server.execute(f"DROP DATABASE IF EXISTS {_quote(target)} WITH (FORCE)")
            server.execute(f"CREATE DATABASE {_quote(target)} TEMPLATE {_quote(state['template'])}")
        state["users"] += 1
        state_file.write_text(json.dumps(state))
    made["postgresql"] = target


def drop_worker_database(shared: Path, settings_dict: dict[str, Any]) -> None:
    """Remove this process's copy (its connections already closed); on PostgreSQL the last
    worker out drops the template too."""
    if "sqlite" in made:
        name = made.pop("sqlite")
        for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
    if "postgresql" not in made:
        return
    name = made.pop("postgresql")
    state_file = shared / STATE
    with locked(shared), _server(settings_dict) as server:
        server.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
        if not state_file.exists():
            return
        state = json.loads(state_file.read_text())
        state["users"] -= 1
        if state["users"] > 0:
            state_file.write_text(json.dumps(state))
            return
        server.execute(f"DROP DATABASE IF EXISTS {_quote(state['template'])} WITH (FORCE)")
        state_file.unlink()
