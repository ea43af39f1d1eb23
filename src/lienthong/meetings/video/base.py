"""What every video engine does for a meeting."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self


class VideoError(Exception):
    """The engine refused a call or could not be reached; the message says which."""


@dataclass(frozen=True)
class Recording:
    """A recording as the engine lists it: its id, the playback address, when it started
    (milliseconds since the epoch, as BigBlueButton gives it), its length in minutes, the
    playback format and whether it is published (unpublished ones are not shown)."""

    record_id: str
    url: str
    started_at: str = ""
    length_minutes: int = 0
    playback_format: str = ""
    published: bool = True

    @property
    def started(self) -> datetime | None:
        if not self.started_at.isdigit():
            return None
        return datetime.fromtimestamp(int(self.started_at) / 1000, tz=UTC)


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
