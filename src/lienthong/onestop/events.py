"""What `onestop` announces to the apps above it (lienthong.core.events): they subscribe in
their AppConfig.ready(); the handlers run in the publishing service's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lienthong.accounts.models import User
from lienthong.core.events import Event

from .models import Dossier, HandOver


@dataclass(frozen=True)
class DossierStatusChanged(Event):
    """A dossier's status changed (`previous` is None for its first history entry); published
    from `_record` once the history entry is written. `dvcqg` queues the change for the
    national public-service portal."""

    dossier: Dossier
    previous: str | None
    status: str
    at: datetime
    actor: User | None


@dataclass(frozen=True)
class DossierProgressed(Event):
    """A history entry was written (a step of the processing, after its status change if
    any); published from `_record`. `dvcqg` pushes the progress to the national portal."""

    dossier: Dossier
    entry: HandOver
