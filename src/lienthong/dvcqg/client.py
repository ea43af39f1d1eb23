"""The client of the national public-service portal, behind an interface (docs/dvcqg.md).

`PortalClient` is what the services use; `HttpPortalClient` speaks the portal's adapter
protocol (reference §4.6): POST `{username, password}` to the auth endpoint for a session, then
POST `{session, madonvi, service, …}` to the integration endpoint; an answer with
`error_code` 0 is an acknowledgement. `get_client()` builds the configured one."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from .constants import (
    CONFIRM_SERVICE,
    NEW_DOSSIERS_SERVICE,
    PROCEDURE_SERVICE,
    PROGRESS_SERVICE,
    SYNC_SERVICE,
)

# The simulator's (and, as far as known, the adapter's) code of an expired or unknown session.
SESSION_EXPIRED = 401


class PortalUnavailable(Exception):
    """The portal could not be reached or gave no usable answer: try again later.
    `maybe_delivered`: the request may have reached the portal (its answer was lost)."""

    def __init__(self, message: str, *, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


class PortalRefusal(Exception):
    """The portal answered and refused (a non-zero error code): resending the same data is
    useless until it is corrected."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Ack:
    duplicate: bool
    message: str


class PortalClient(Protocol):
    def push_dossier(self, *, agency_code: str, record: dict[str, Any]) -> Ack:
        """`DongBoHoSoMC` with isUpdating: the dossier record, with its TrangThaiHoSo."""
        ...

    def new_dossiers(self, *, agency_code: str) -> list[dict[str, Any]]:
        """The dossiers filed on the portal for the agency, not yet confirmed received."""
        ...

    def confirm_received(self, *, agency_code: str, tracking_code: str, local_code: str) -> None:
        """Tell the portal a pulled dossier is in our queue (it then stops listing it)."""
        ...

    def push_progress(self, *, agency_code: str, record: dict[str, Any]) -> Ack:
        """`CapNhatTienDoHoSoMC`: one step of the processing of a dossier the portal knows."""
        ...

    def procedure_info(self, *, agency_code: str, code: str) -> dict[str, Any]:
        """`LayThuTuc`: the procedure as the national database holds it (TENTTHC…);
        PortalRefusal when the code is unknown there."""
        ...

    def fetch_file(self, *, url: str, max_bytes: int) -> bytes:
        """A paper of a dossier filed on the portal (`DuongDanTaiTepTin`), at most `max_bytes`
        (PortalRefusal when larger, or when the address is not the portal's)."""
        ...


class HttpPortalClient:
    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        auth_endpoint: str = "/auth",
        integration_endpoint: str = "/integration",
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.auth_url = self.base_url + auth_endpoint
        self.integration_url = self.base_url + integration_endpoint
        self.timeout = timeout
        self._session: str | None = None
        self._lock = threading.Lock()

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 (the configured adapter address)
            url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise PortalUnavailable(
                f"HTTP {exc.code} from the portal", maybe_delivered=exc.code >= 500
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PortalUnavailable(f"Portal unreachable: {reason}") from exc
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise PortalUnavailable("Unreadable answer", maybe_delivered=True) from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("error_code"), int):
            raise PortalUnavailable("Answer without error_code", maybe_delivered=True)
        return answer

    def _login(self) -> str:
        answer = self._post(self.auth_url, {"username": self.username, "password": self.password})
        if answer["error_code"] != 0 or not answer.get("session"):
            raise PortalRefusal(answer["error_code"], str(answer.get("message", "login refused")))
        return str(answer["session"])

    def call(self, service: str, agency_code: str, **body: Any) -> dict[str, Any]:
        """One integration call, logging in first (and once more if the session expired)."""
        for _attempt in range(2):
            with self._lock:
                if self._session is None:
                    self._session = self._login()
                session = self._session
            answer = self._post(
                self.integration_url,
                {"session": session, "madonvi": agency_code, "service": service, **body},
            )
            if answer["error_code"] == SESSION_EXPIRED:
                with self._lock:
                    self._session = None
                continue
            if answer["error_code"] != 0:
                raise PortalRefusal(answer["error_code"], str(answer.get("message", "")))
            return answer
        raise PortalUnavailable("The portal keeps refusing our session")

    def push_dossier(self, *, agency_code: str, record: dict[str, Any]) -> Ack:
        answer = self.call(SYNC_SERVICE, agency_code, isUpdating=True, data=[record])
        return Ack(duplicate=bool(answer.get("duplicate")), message=str(answer.get("message", "")))

    def new_dossiers(self, *, agency_code: str) -> list[dict[str, Any]]:
        answer = self.call(NEW_DOSSIERS_SERVICE, agency_code)
        data = answer.get("data")
        if not isinstance(data, list):
            raise PortalUnavailable("The list of new dossiers is not a list")
        return data

    def confirm_received(self, *, agency_code: str, tracking_code: str, local_code: str) -> None:
        self.call(CONFIRM_SERVICE, agency_code, MaHoSo=tracking_code, SoBienNhan=local_code)

    def push_progress(self, *, agency_code: str, record: dict[str, Any]) -> Ack:
        answer = self.call(PROGRESS_SERVICE, agency_code, data=[record])
        return Ack(duplicate=bool(answer.get("duplicate")), message=str(answer.get("message", "")))

    def procedure_info(self, *, agency_code: str, code: str) -> dict[str, Any]:
        answer = self.call(PROCEDURE_SERVICE, agency_code, maTTHC=code)
        data = answer.get("data")
        if not isinstance(data, dict):
            raise PortalUnavailable("The procedure is not an object")
        return data

    def fetch_file(self, *, url: str, max_bytes: int) -> bytes:
        """GET the file with the session in the `session` header. Only addresses on the
        portal's own host are fetched: a record cannot make us call elsewhere."""
        absolute = urljoin(self.base_url + "/", url)
        target, portal = urlsplit(absolute), urlsplit(self.base_url)
        if (target.scheme, target.netloc) != (portal.scheme, portal.netloc):
            raise PortalRefusal(0, f"file address outside the portal: {url[:200]}")
        for _attempt in range(2):
            with self._lock:
                if self._session is None:
                    self._session = self._login()
                session = self._session
            request = urllib.request.Request(absolute, headers={"session": session})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    data: bytes = response.read(max_bytes + 1)
            except urllib.error.HTTPError as exc:
                if exc.code == SESSION_EXPIRED:
                    with self._lock:
                        self._session = None
                    continue
                if exc.code in (404, 410):
                    raise PortalRefusal(
                        exc.code, f"file not found on the portal: {url[:200]}"
                    ) from exc
                raise PortalUnavailable(f"HTTP {exc.code} from the portal") from exc
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise PortalUnavailable(f"Portal unreachable: {reason}") from exc
            if len(data) > max_bytes:
                raise PortalRefusal(0, f"file larger than {max_bytes} bytes: {url[:200]}")
            return data
        raise PortalUnavailable("The portal keeps refusing our session")


def is_enabled() -> bool:
    return bool(settings.LIENTHONG_DVCQG_URL)


def get_client() -> PortalClient:
    return HttpPortalClient(
        base_url=settings.LIENTHONG_DVCQG_URL,
        username=settings.LIENTHONG_DVCQG_USERNAME,
        password=settings.LIENTHONG_DVCQG_PASSWORD,
        auth_endpoint=settings.LIENTHONG_DVCQG_AUTH_ENDPOINT,
        integration_endpoint=settings.LIENTHONG_DVCQG_INTEGRATION_ENDPOINT,
        timeout=settings.LIENTHONG_DVCQG_TIMEOUT,
    )
