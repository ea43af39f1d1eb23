"""The events registry (core/events.py): how a lower app makes an upper one act without
importing it. Handlers run in order, in the publisher's call; an exception stops the publisher."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest

from lienthong.core.backup import Restored
from lienthong.core.events import Event, handlers_of, publish, subscribe
from lienthong.documents.events import FileAttached, OutgoingIssued
from lienthong.documents.subscribers import check_restored_blobs
from lienthong.exchange.subscribers import deliver_issued
from lienthong.signatures.subscribers import verify_incoming_file


@dataclass(frozen=True)
class Pinged(Event):
    text: str


@dataclass(frozen=True)
class Other(Event):
    pass


def test_handlers_run_in_order_with_the_event_and_only_for_their_class() -> None:
    seen: list[tuple[str, str]] = []

    def first(event: Pinged) -> None:
        seen.append(("first", event.text))

    def second(event: Pinged) -> None:
        seen.append(("second", event.text))

    subscribe(Pinged, first)
    subscribe(Pinged, second)
    subscribe(Pinged, first)  # twice: still one subscription
    publish(Pinged("hello"))
    publish(Other())  # nobody listens: nothing happens
    assert seen == [("first", "hello"), ("second", "hello")]
    assert handlers_of(Pinged) == (first, second)


def test_a_handlers_exception_reaches_the_publisher_and_stops_the_rest() -> None:
    @dataclass(frozen=True)
    class Refused(Event):
        pass

    ran: list[str] = []

    def refuse(event: Refused) -> None:
        raise ValueError("no")

    def after(event: Refused) -> None:
        ran.append("after")

    subscribe(Refused, refuse)
    subscribe(Refused, after)
    with pytest.raises(ValueError, match="no"):
        publish(Refused())
    assert ran == []


def test_events_are_frozen_and_only_event_classes_can_be_subscribed() -> None:
    with pytest.raises(FrozenInstanceError):
        Pinged("a").text = "b"  # type: ignore[misc]
    with pytest.raises(TypeError):
        subscribe(str, print)  # type: ignore[arg-type]


def test_the_upper_apps_subscribe_at_start_up() -> None:
    """The wiring docs/architecture.md lists: documents announce, exchange and signatures act;
    core announces a restore, documents check their files."""
    assert deliver_issued in handlers_of(OutgoingIssued)
    assert verify_incoming_file in handlers_of(FileAttached)
    assert check_restored_blobs in handlers_of(Restored)
