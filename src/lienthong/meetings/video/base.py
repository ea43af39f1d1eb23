"""What every video engine does for a meeting."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Self


class VideoError(Exception):
    """The engine refused a call or could not be reached; the message says which."""


@dataclass(frozen=True)
class Recording:
    record_id: str
    url: str
    started_at: str = ""


@dataclass(frozen=True)
class JoinUser:
    """Who joins, as the engine is told: our user id, name, e-mail, and whether they moderate
    (the chair)."""

    id: int
    name: str
    email: str
    moderator: bool


class VideoProviderClient(ABC):
    @classmethod
    @abstractmethod
    def from_settings(cls) -> Self: ...

    @abstractmethod
    def ensure_room(self, *, room: str, title: str) -> None:
        """Make sure the room exists on the engine (idempotent)."""

    @abstractmethod
    def join_url(self, *, room: str, user: JoinUser) -> str:
        """The address that lets this user in (signed for them)."""

    @abstractmethod
    def end(self, *, room: str) -> None: ...

    @abstractmethod
    def recordings(self, *, room: str) -> list[Recording]: ...

    def verify_webhook(self, *, url: str, body: bytes, params: dict[str, Any]) -> bool:
        """Whether a join/leave callback really comes from the engine (engines without
        callbacks: never)."""
        return False
