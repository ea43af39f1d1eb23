"""Backup and restore of an installation: the database (pg_dump for PostgreSQL, SQLite's online
backup API for SQLite), every stored file, and a manifest with their SHA-256 hashes and the
audit chain's head.

Consistency: the database is copied first, as one snapshot; the stored files are content-
addressed and never rewritten, so every file the snapshot names exists when the files are
copied just after. A restore refuses a non-empty installation, checks every hash, and checks
that every stored-file row of the restored database has its file.

Not in a backup: the secrets (LIENTHONG_SECRET_KEY, the key-encryption key that seals the stored
signing keys, TLS keys), docs/operations.md. The manifest names the key-encryption keys by
fingerprint, and a restore refuses, before writing anything, to go on without them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

from . import db_roles, sealing
from .events import Event, publish
from .models import AuditEvent

FORMAT = 2  # 2: the key-encryption keys' fingerprints (1: before them, keys sealed by SECRET_KEY)
READABLE_FORMATS = {1, 2}
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Restored(Event):
    """`restore_backup` has put the database and the stored files back; it reports success
    after the handlers. Each app whose rows name stored files checks that they match
    (`documents`: every `Blob`'s file against its SHA-256); a handler refuses with BackupError."""

    files: frozenset[str]


@dataclass(frozen=True)
class BackupReport:
    files: int
    database: str
    audit_events: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_names(prefix: str = "") -> list[str]:
    try:
        directories, files = default_storage.listdir(prefix)
    except FileNotFoundError:  # a new installation's storage folder is made on first save
        return []
    names = [f"{prefix}{name}" for name in files]
    for directory in directories:
        names.extend(_stored_names(f"{prefix}{directory}/"))
    return sorted(names)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"{name} is not installed (Debian: postgresql-client).")


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    return env, args


def _audit_head() -> dict[str, Any]:
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "entry_hash").first()
    return {"events": AuditEvent.objects.count(), "last": last}


def make_backup(dest: Path) -> BackupReport:
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty.")
    dest.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "sqlite":
        database = dest / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)  # one consistent snapshot, writers may go on
        finally:
            target.close()
    elif vendor == "postgresql":
        database = dest / "database.dump"
        env, args = _pg_env()
        subprocess.run(  # noqa: S603  (our own settings, no shell)
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", *args,
             "--file", str(database)],
            env=env, check=True,
        )  # fmt: skip
    else:
        raise BackupError(f"No backup for the {vendor} database.")
    audit = _audit_head()
    files: dict[str, dict[str, Any]] = {}
    for name in _stored_names():
        target_path = dest / "files" / name
        target_path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as src, target_path.open("wb") as out:
            shutil.copyfileobj(src, out)
        files[name] = {"sha256": sha256_of(target_path), "size": target_path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(),
        "database": {"vendor": vendor, "file": database.name, "sha256": sha256_of(database)},
        "audit": audit,
        # The keys themselves are never written here: keep them with the other secrets.
        "key_encryption_keys": {
            "setting": "LIENTHONG_KEY_ENCRYPTION_KEY",
            "fingerprints": sealing.fingerprints(),
        },
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return BackupReport(files=len(files), database=database.name, audit_events=audit["events"])


def _check_empty() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database already has {len(tables)} tables: restore only onto an empty one."
        )
    if _stored_names():
        raise BackupError("The file storage is not empty: restore only onto an empty one.")


def _check_key_encryption_keys(manifest: dict[str, Any]) -> None:
    """The stored signing keys in the backup open only with the keys that sealed them: every key
    the backed-up installation had must be configured here (any order, new ones may be added)."""
    needed = manifest.get("key_encryption_keys", {}).get("fingerprints", [])
    present = set(sealing.fingerprints())
    missing = [f for f in needed if f not in present]
    if missing:
        raise BackupError(
            "The stored signing keys in this backup are sealed with a key-encryption key this "
            "installation does not have. Set LIENTHONG_KEY_ENCRYPTION_KEY to the key of the "
            f"backed-up installation (fingerprint {', '.join(missing)}; this installation has "
            f"{', '.join(sorted(present))}) and run the restore again; if that key is lost, "
            "--without-key-encryption-key restores without the use of the stored signing keys. "
            "Nothing was restored."
        )


def _restore_database(database: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(database)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()
        env, args = _pg_env()
        subprocess.run(  # noqa: S603  (our own settings, no shell)
            [_pg_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error",
             "--single-transaction", *args, str(database)],
            env=env, check=True,
        )  # fmt: skip


def restore_backup(src: Path, *, check_keys: bool = True) -> BackupReport:
    """`check_keys=False`: restore although the key-encryption keys the backup names are not
    configured (they are lost): the stored signing keys will not open, and signing with them is
    refused until each certificate is registered again."""
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} holds no readable {MANIFEST}.") from exc
    if manifest.get("format") not in READABLE_FORMATS:
        raise BackupError("Unknown backup format.")
    if check_keys:
        _check_key_encryption_keys(manifest)
    info = manifest["database"]
    database = src / info["file"]
    if sha256_of(database) != info["sha256"]:
        raise BackupError(f"{database.name} does not match its hash in the manifest.")
    for name, entry in manifest["files"].items():
        if sha256_of(src / "files" / name) != entry["sha256"]:
            raise BackupError(f"The stored file {name} does not match its hash.")
    if info["vendor"] != connection.vendor:
        raise BackupError(f"A {info['vendor']} backup cannot go into {connection.vendor}.")
    role = db_roles.app_role()
    with db_roles.as_owner() as switched:  # PostgreSQL: the tables belong to the owner role
        _check_empty()
        _restore_database(database)
        if switched and connection.vendor == "postgresql" and role:
            db_roles.grant_app_role(connection, role)
    for name in manifest["files"]:
        with (src / "files" / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"The storage renamed {name} to {saved}.")
    publish(Restored(files=frozenset(manifest["files"])))
    return BackupReport(
        files=len(manifest["files"]), database=database.name, audit_events=_audit_head()["events"]
    )
