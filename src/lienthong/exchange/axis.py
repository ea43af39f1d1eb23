"""The client of the national document axis (Trục liên thông văn bản quốc gia, VDXP) or of a
provincial integration platform (LGSP): the operations the axis offers, behind an interface.

A deployment configures one route (settings LIENTHONG_AXIS_*): `national` (straight to the
Government Office's axis) or `lgsp` (through the province's platform, which relays to the axis).
Both speak the same operations; they differ in endpoint, system id and credentials only.

The wire protocol implemented by HttpAxisClient is the JSON/HTTP form of the axis SDK's calls
(sendEdoc, getReceivedEdocList, getEdoc, updateStatus, getAgenciesList) described in
docs/exchange.md and served by `lienthong axis_simulator`; a real endpoint whose transport
differs is connected by writing another AxisClient and naming it in LIENTHONG_AXIS_CLIENT."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Literal, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

MessageType = Literal["edoc", "status"]
HubStatus = Literal["done", "fail", "processing"]


class AxisError(Exception):
    """The axis did not do what was asked. `retryable`: try again later (unreachable, busy,
    5xx); otherwise the axis refused the request (`code`, `reason`) and a retry would not help."""

    def __init__(self, reason: str, *, code: str = "", retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class DirectoryEntry:
    code: str
    name: str
    parent_code: str = ""
    code102: str = ""


class AxisClient(Protocol):
    def send(self, package: bytes, *, sender_code: str, message_type: MessageType) -> str:
        """Hand a signed package to the axis; its id at the axis (DocID)."""
        ...

    def waiting(self, message_type: MessageType) -> list[str]:
        """Ids of the packages waiting for this system's agencies."""
        ...

    def fetch(self, doc_id: str) -> bytes:
        """The package as the axis holds it (the original bytes)."""
        ...

    def acknowledge(self, doc_id: str, status: HubStatus = "done") -> None:
        """Tell the axis a package was taken (done) or could not be used (fail)."""
        ...

    def agencies(self) -> list[DirectoryEntry]:
        """The agency directory of the axis."""
        ...


@dataclass(frozen=True)
class AxisSettings:
    route: str
    endpoint: str
    system_id: str
    secret: str
    timeout: float = 20.0

    @classmethod
    def from_settings(cls) -> AxisSettings:
        return cls(
            route=settings.LIENTHONG_AXIS_ROUTE,
            endpoint=settings.LIENTHONG_AXIS_ENDPOINT.rstrip("/"),
            system_id=settings.LIENTHONG_AXIS_SYSTEM_ID,
            secret=settings.LIENTHONG_AXIS_SECRET,
            timeout=settings.LIENTHONG_AXIS_TIMEOUT,
        )

    @property
    def configured(self) -> bool:
        return bool(self.endpoint and self.system_id and self.secret)


class HttpAxisClient:
    """The axis over HTTP(S), as the simulator serves it (docs/exchange.md, "Wire protocol")."""

    def __init__(self, config: AxisSettings) -> None:
        self.config = config

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> tuple[bytes, str]:
        url = f"{self.config.endpoint}{path}"
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310
        request.add_header("X-Axis-System", self.config.system_id)
        request.add_header("X-Axis-Secret", self.config.secret)
        if body is not None:
            request.add_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:  # noqa: S310
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = {}
            reason = answer.get("message") or f"HTTP {exc.code}"
            raise AxisError(
                reason, code=answer.get("error", str(exc.code)), retryable=exc.code >= 500
            ) from None
        except (OSError, TimeoutError) as exc:
            raise AxisError(
                f"axis unreachable: {exc}", code="unreachable", retryable=True
            ) from None

    def _json(self, method: str, path: str, **kwargs: object) -> dict[str, object]:
        raw, _type = self._request(method, path, **kwargs)  # type: ignore[arg-type]
        try:
            answer = json.loads(raw)
        except ValueError:
            raise AxisError("the axis answered something other than JSON", retryable=True) from None
        if not isinstance(answer, dict):
            raise AxisError("unexpected answer from the axis", retryable=True)
        return answer

    def send(self, package: bytes, *, sender_code: str, message_type: MessageType) -> str:
        answer = self._json(
            "POST",
            f"/api/v1/edocs?messagetype={message_type}",
            body=package,
            content_type="application/xml",
            headers={"X-Axis-From": sender_code},
        )
        return str(answer["docId"])

    def waiting(self, message_type: MessageType) -> list[str]:
        answer = self._json("GET", f"/api/v1/edocs?messagetype={message_type}")
        ids = answer.get("docIds", [])
        return [str(i) for i in ids] if isinstance(ids, list) else []

    def fetch(self, doc_id: str) -> bytes:
        raw, _type = self._request("GET", f"/api/v1/edocs/{urllib.parse.quote(doc_id)}")
        return raw

    def acknowledge(self, doc_id: str, status: HubStatus = "done") -> None:
        self._json(
            "POST",
            f"/api/v1/edocs/{urllib.parse.quote(doc_id)}/status",
            body=json.dumps({"status": status}).encode(),
        )

    def agencies(self) -> list[DirectoryEntry]:
        answer = self._json("GET", "/api/v1/agencies")
        rows = answer.get("agencies", [])
        entries = []
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("code") and row.get("name"):
                entries.append(
                    DirectoryEntry(
                        code=str(row["code"]).strip(),
                        name=str(row["name"]).strip()[:200],
                        parent_code=str(row.get("pcode") or "").strip(),
                        code102=str(row.get("code102") or "").strip(),
                    )
                )
        return entries


def get_client() -> AxisClient:
    """The configured client (LIENTHONG_AXIS_CLIENT, HttpAxisClient by default)."""
    config = AxisSettings.from_settings()
    if not config.configured:
        raise AxisError(
            "the document axis is not configured", code="not_configured", retryable=False
        )
    factory = import_string(settings.LIENTHONG_AXIS_CLIENT)
    client: AxisClient = factory(config)
    return client
