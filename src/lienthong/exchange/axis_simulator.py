"""A local simulator of the national document axis (or a provincial LGSP), serving the wire
protocol of `axis.HttpAxisClient` (docs/exchange.md) with its own storage (a SQLite file), so
that two installations of the platform exchange packages through it.

It checks what the real axis checks before it accepts a package: the calling system is known
and its secret right; the package is well-formed edXML; it is signed and the signature holds;
the sender agency (From/OrganId) is one of the calling system's agencies; every recipient
(To/OrganId, or the ResponseFor/OrganId of a status) is in its directory. A refusal is a 4xx
with {"error": code, "message": reason}; nothing refused is stored.

It is a plain WSGI application (no Django): `lienthong axis_simulator --port 8766 --config
systems.json --storage axis.sqlite3`, or inside a test (RunningAxisSimulator). Stop it and start
it again on the same storage: nothing is lost."""

from __future__ import annotations

import hmac
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from lienthong.core.simulators import ServedSimulator, json_response

from . import edxml

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
MAX_BODY = 200 * 1024 * 1024
PREFIX = "/api/v1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS packages (
    id TEXT PRIMARY KEY,
    sender_system TEXT NOT NULL,
    from_code TEXT NOT NULL,
    to_code TEXT NOT NULL,
    message_type TEXT NOT NULL,
    document_id TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS packages_waiting ON packages (to_code, message_type, state);
"""


@dataclass
class System:
    """A system connected to the axis: its secret and the agencies it answers for."""

    system_id: str
    secret: str
    agencies: list[dict[str, str]] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        return {a["code"] for a in self.agencies}


class Refused(Exception):
    def __init__(self, status: str, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class AxisSimulator:
    def __init__(self, systems: list[System], storage: str | Path = ":memory:") -> None:
        self.systems = {s.system_id: s for s in systems}
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(storage), check_same_thread=False, isolation_level=None)
        self._db.executescript(SCHEMA)
        self.refusals: list[tuple[str, str]] = []  # (code, message), for tests and the log

    @classmethod
    def from_config(cls, config: dict[str, Any], storage: str | Path) -> AxisSimulator:
        systems = [
            System(system_id=sid, secret=spec["secret"], agencies=list(spec.get("agencies", [])))
            for sid, spec in config.get("systems", {}).items()
        ]
        return cls(systems, storage)

    def close(self) -> None:
        self._db.close()

    # --- the axis' side ----------------------------------------------------------------------
    def directory(self) -> list[dict[str, str]]:
        rows = []
        for system in self.systems.values():
            for agency in system.agencies:
                rows.append({**agency, "system": system.system_id})
        return sorted(rows, key=lambda r: r["code"])

    def _owner_of(self, code: str) -> System | None:
        return next((s for s in self.systems.values() if code in s.codes), None)

    def _authenticate(self, environ: dict[str, Any]) -> System:
        system = self.systems.get(environ.get("HTTP_X_AXIS_SYSTEM", ""))
        secret = environ.get("HTTP_X_AXIS_SECRET", "")
        if system is None or not hmac.compare_digest(system.secret.encode(), secret.encode()):
            raise Refused("401 Unauthorized", "unknown_system", "unknown system or wrong secret")
        return system

    def accept(self, system: System, body: bytes, message_type: str) -> list[str]:
        """Check and store a package; one stored copy per recipient agency. Returns the ids."""
        if message_type not in {"edoc", "status"}:
            raise Refused("400 Bad Request", "bad_type", "messagetype must be edoc or status")
        try:
            parsed = edxml.parse(body)
        except edxml.PackageRefused as exc:
            raise Refused(
                "400 Bad Request", "malformed", f"malformed package: {exc.reason}"
            ) from None
        check = edxml.verify(body)
        if not check.present:
            raise Refused("400 Bad Request", "unsigned", "the package is not signed")
        if not check.valid:
            raise Refused("400 Bad Request", "bad_signature", f"signature invalid: {check.problem}")
        if parsed.kind != ("message" if message_type == "edoc" else "status"):
            raise Refused("400 Bad Request", "bad_type", "messagetype does not match the package")
        if parsed.message is not None:
            sender = parsed.message.sender.organ_id
            recipients = [o.organ_id for o in parsed.message.recipients]
        else:
            assert parsed.status is not None
            sender = parsed.status.sender.organ_id
            recipients = [parsed.status.response_for.organ_id]
        if sender not in system.codes:
            raise Refused(
                "403 Forbidden", "foreign_sender", f"{sender} is not an agency of this system"
            )
        unknown = [code for code in recipients if self._owner_of(code) is None]
        if unknown:
            raise Refused(
                "422 Unprocessable Entity",
                "unknown_recipient",
                f"unknown agency code: {', '.join(unknown)}",
            )
        now = datetime.now(UTC).isoformat()
        ids = []
        with self._lock:
            for code in recipients:
                doc_id = str(uuid.uuid4())
                self._db.execute(
                    "INSERT INTO packages (id, sender_system, from_code, to_code, message_type,"
                    " document_id, body, received_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc_id,
                        system.system_id,
                        sender,
                        code,
                        message_type,
                        parsed.document_id,
                        body,
                        now,
                        now,
                    ),
                )
                ids.append(doc_id)
        return ids

    def waiting(self, system: System, message_type: str) -> list[str]:
        codes = sorted(system.codes)
        if not codes:
            return []
        marks = ",".join("?" * len(codes))
        with self._lock:
            rows = self._db.execute(
                f"SELECT id FROM packages WHERE message_type = ? AND state != 'done'"  # noqa: S608
                f" AND state != 'fail' AND to_code IN ({marks}) ORDER BY received_at, rowid",
                (message_type, *codes),
            ).fetchall()
        return [r[0] for r in rows]

    def _own_package(self, system: System, doc_id: str) -> tuple[bytes, str]:
        with self._lock:
            row = self._db.execute(
                "SELECT body, to_code FROM packages WHERE id = ?", (doc_id,)
            ).fetchone()
        if row is None or row[1] not in system.codes:
            raise Refused("404 Not Found", "not_found", "no such package for this system")
        return bytes(row[0]), row[1]

    def set_state(self, system: System, doc_id: str, state: str) -> None:
        if state not in {"done", "fail", "processing"}:
            raise Refused(
                "400 Bad Request", "bad_status", "status must be done, fail or processing"
            )
        self._own_package(system, doc_id)
        with self._lock:
            self._db.execute(
                "UPDATE packages SET state = ?, updated_at = ? WHERE id = ?",
                (state, datetime.now(UTC).isoformat(), doc_id),
            )

    def stored(self) -> list[dict[str, Any]]:
        """Everything stored (tests, the benchmark)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, from_code, to_code, message_type, document_id, state FROM packages"
                " ORDER BY received_at, rowid"
            ).fetchall()
        keys = ("id", "from_code", "to_code", "message_type", "document_id", "state")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # --- WSGI --------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/health":
            return _respond(start_response, "200 OK", b"ok", "text/plain")
        try:
            system = self._authenticate(environ)
            return self._route(system, method, path, environ, start_response)
        except Refused as exc:
            self.refusals.append((exc.code, exc.message))
            return json_response(
                start_response, exc.status, {"error": exc.code, "message": exc.message}
            )

    def _route(
        self,
        system: System,
        method: str,
        path: str,
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> list[bytes]:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == f"{PREFIX}/agencies" and method == "GET":
            return json_response(start_response, "200 OK", {"agencies": self.directory()})
        if path == f"{PREFIX}/edocs" and method == "POST":
            ids = self.accept(system, _body(environ), query.get("messagetype", "edoc"))
            return json_response(start_response, "201 Created", {"docId": ids[0], "docIds": ids})
        if path == f"{PREFIX}/edocs" and method == "GET":
            ids = self.waiting(system, query.get("messagetype", "edoc"))
            return json_response(start_response, "200 OK", {"docIds": ids})
        if path.startswith(f"{PREFIX}/edocs/"):
            rest = unquote(path[len(f"{PREFIX}/edocs/") :])
            if rest.endswith("/status") and method == "POST":
                try:
                    state = json.loads(_body(environ) or b"{}").get("status", "")
                except ValueError:
                    state = ""
                self.set_state(system, rest[: -len("/status")], str(state))
                return json_response(start_response, "200 OK", {"ok": True})
            if method == "GET" and "/" not in rest:
                body, _code = self._own_package(system, rest)
                return _respond(start_response, "200 OK", body, "application/xml")
        raise Refused("404 Not Found", "not_found", "no such operation")


def _body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY:
        raise Refused("413 Request Entity Too Large", "too_large", "package larger than 200 MB")
    return environ["wsgi.input"].read(length) if length else b""


def _respond(
    start_response: StartResponse, status: str, data: bytes, content_type: str
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


class RunningAxisSimulator(ServedSimulator[AxisSimulator]):
    """The simulator served on host:port in a background thread (port 0: any free port); it
    stops within 50 ms."""

    def __init__(self, simulator: AxisSimulator, port: int = 0, host: str = "127.0.0.1") -> None:
        super().__init__(simulator, port, host, poll=0.05)
