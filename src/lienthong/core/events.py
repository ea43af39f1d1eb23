"""Events: how a lower app makes something happen in an app above it without importing it.

The apps stand on layers (docs/architecture.md, "Layers"; `lint-imports` enforces them): an app
imports only from the layers below. When a lower app must let an upper one act (an issued
document must be delivered by `exchange`; a received PDF must be verified by `signatures`), it
defines a frozen dataclass event in its own `events.py` and `publish`es it; the upper app
`subscribe`s a handler in its `AppConfig.ready()`. The registry is explicit and typed: one list
of handlers per event class, no string names, no senders, no weak references.

Handlers run synchronously, in the order they subscribed, inside the publisher's call and
therefore inside its database transaction: what a handler writes commits or rolls back with the
publisher's own writes, and an exception a handler raises propagates to the publisher's caller
(a refusal stays a refusal). Work that must wait for the commit is the handler's business (a
job enqueued in the transaction, `transaction.on_commit`), as it was before the event existed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

__all__ = ["Event", "handlers_of", "publish", "subscribe"]


@dataclass(frozen=True)
class Event:
    """Base class of every event: subclass it as a frozen dataclass in the publishing app."""


E = TypeVar("E", bound=Event)

_handlers: dict[type[Event], list[Callable[[Event], None]]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call `handler(event)` each time an event of exactly `event_type` is published. Called from
    an `AppConfig.ready()`; subscribing the same handler twice keeps one subscription."""
    if not (isinstance(event_type, type) and issubclass(event_type, Event)):
        raise TypeError(f"{event_type!r} is not an Event class.")
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        # Stored as a handler of Event: publish calls it only with events of event_type.
        handlers.append(cast(Callable[[Event], None], handler))


def publish(event: Event) -> None:
    """Run every handler of the event's class, in subscription order, in the caller's
    transaction; a handler's exception propagates and the remaining handlers do not run."""
    for handler in tuple(_handlers.get(type(event), ())):
        handler(event)


def handlers_of(event_type: type[Event]) -> tuple[Callable[[Event], None], ...]:
    """The handlers subscribed to `event_type` (for the architecture tests and debugging)."""
    return tuple(_handlers.get(event_type, ()))
