"""`lienthong backup` then `lienthong restore` onto an empty installation, run as commands the
way an administrator runs them: every row of every table and every stored file comes back
identical, and the audit chain still verifies. On SQLite and on PostgreSQL (the database the
suite runs on).

The target has another SECRET_KEY (a new machine): the director's stored signing key still
signs there, because it is sealed with the key-encryption key, which the restore is given;
without that key the restore is refused before anything is written."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.conftest import copy_migrated

from .conftest import FIGURES

POPULATE = """
import io
from datetime import date
from lienthong.demo.province import load_demo_province
from lienthong.accounts.models import User
from lienthong.documents import services
from lienthong.documents.models import DocumentType
from tests.documents import files

load_demo_province()
clerk = User.objects.get(username="vanthu.stp")
for n in range(1, 4):
    document = services.register_incoming(
        actor=clerk, document_type=DocumentType.objects.get(name="Quyết định"),
        issuer_name="UBND tỉnh Cà Mau", code_number=str(n), code_notation="QĐ-UBND",
        issued_date=date(2026, 11, n), subject=f"Quyết định số {n}",
    ).document
    services.add_attachment(
        actor=clerk, document=document, upload=io.BytesIO(files.text_pdf(f"Văn bản {n}")),
        name=f"van-ban-{n}.pdf",
    )

# The director's signing certificate on file (PKCS#12, sealed at rest).
import tempfile
from pathlib import Path
from lienthong.accounts.models import Agency
from lienthong.signatures import services as signatures
from tests.conftest import free_port
from tests.signatures import pki

built = pki.start(Path(tempfile.mkdtemp()), free_port())
director = User.objects.get(username="lanhdao.stp")
signatures.register_credential(
    actor=None, kind="personal", agency=director.agency, user=director, source="pkcs12",
    pkcs12=built.pkcs12("director", "mat-khau"), passphrase="mat-khau",
)
built.stop()
"""

SIGN = """
from lienthong.accounts.models import User
from lienthong.signatures import services
from tests.signatures import pki

signed = services.sign_personal(
    actor=User.objects.get(username="lanhdao.stp"), data=pki.decision_pdf(), secret="mat-khau"
)
print("signed", len(signed))
"""


KEK = "YmFja3VwLXJlc3RvcmUtdGVzdC1vbmx5LWtleS0zMmI="  # 32 bytes, URL-safe base64
OTHER_KEK = "b3RoZXItbWFjaGluZS1rZXktZW5jcnlwdGlvbi1rZXk="


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lienthong", *args],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def installations(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str], Any]]:
    """Two installations on this suite's database engine: a source and an empty target; and a
    function reading every row of every table of one of them."""
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["DJANGO_SETTINGS_MODULE"] = "lienthong.conf.test"
    base["LIENTHONG_TSA_URL"] = ""
    base["LIENTHONG_KEY_ENCRYPTION_KEY"] = KEK
    src = {**base, "LIENTHONG_DATA_DIR": str(tmp_path / "src"), "LIENTHONG_SECRET_KEY": "a" * 50}
    # A new machine: another secret key, the same key-encryption key.
    dst = {**base, "LIENTHONG_DATA_DIR": str(tmp_path / "dst"), "LIENTHONG_SECRET_KEY": "b" * 50}
    url = os.environ.get("DATABASE_URL", "")
    created: list[str] = []
    if connection.vendor == "postgresql":
        import psycopg

        server = url.rsplit("/", 1)[0]
        names = [f"lt_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'CREATE DATABASE "{name}"')
                created.append(name)
        src["DATABASE_URL"], dst["DATABASE_URL"] = (f"{server}/{n}" for n in names)

        def rows(env: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
            with psycopg.connect(env["DATABASE_URL"]) as db:
                tables = [
                    r[0]
                    for r in db.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    )
                ]
                return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    else:

        def rows(env: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
            path = Path(env["LIENTHONG_DATA_DIR"]) / "lienthong.sqlite3"
            db = sqlite3.connect(path)
            try:
                tables = [
                    r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                ]
                return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}
            finally:
                db.close()

    yield src, dst, rows
    if created:
        import psycopg

        with psycopg.connect(f"{url.rsplit('/', 1)[0]}/postgres", autocommit=True) as admin:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _file_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_backup_then_restore_gives_back_every_row_and_file(
    installations: tuple[dict[str, str], dict[str, str], Any],
    tmp_path: Path,
    migrated_sqlite: Path,
) -> None:
    src, dst, rows = installations
    if connection.vendor == "sqlite":  # the migrated schema, rather than a minute of migrating
        copy_migrated(migrated_sqlite, Path(src["LIENTHONG_DATA_DIR"]))
    _ok(_run(src, "migrate", "-v0"))
    _ok(_run(src, "shell", "-c", POPULATE))
    backup = tmp_path / "backup"
    print(_ok(_run(src, "backup", str(backup))))
    assert (backup / "manifest.json").exists()

    # A tampered copy is refused before anything is written.
    tampered = tmp_path / "tampered"
    shutil.copytree(backup, tampered)
    stored = next(p for p in (tampered / "files").rglob("*") if p.is_file())
    stored.write_bytes(stored.read_bytes() + b"tampered")
    refused = _run(dst, "restore", str(tampered))
    assert refused.returncode != 0 and "hash" in refused.stderr, refused.stderr

    # Without the key-encryption key the stored signing keys were sealed with: refused, naming it.
    refused = _run({**dst, "LIENTHONG_KEY_ENCRYPTION_KEY": OTHER_KEK}, "restore", str(backup))
    assert refused.returncode != 0, refused.stdout
    assert "LIENTHONG_KEY_ENCRYPTION_KEY" in refused.stderr and "Nothing was restored" in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr

    print(_ok(_run(dst, "restore", str(backup))))
    before, after = rows(src), rows(dst)
    assert set(before) == set(after)
    for table in before:
        assert before[table] == after[table], f"{table} differs after the restore"
    media = _file_hashes(Path(src["LIENTHONG_DATA_DIR"]) / "media")
    assert media and media == _file_hashes(Path(dst["LIENTHONG_DATA_DIR"]) / "media")
    assert "Audit chain intact" in _ok(_run(dst, "verify_audit_chain"))
    FIGURES["backup round trips (rows compared)"] += sum(len(r) for r in before.values())
    # The director signs on the new machine, with the stored (sealed) key.
    assert "signed" in _ok(_run(dst, "shell", "-c", SIGN))
    after = rows(dst)

    # A second restore onto the now non-empty installation is refused, and changes nothing.
    refused = _run(dst, "restore", str(backup))
    assert refused.returncode != 0 and "empty" in refused.stderr
    assert rows(dst) == after
