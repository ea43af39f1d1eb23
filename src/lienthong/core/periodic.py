"""Periodic housekeeping functions, registered by apps (in AppConfig.ready) and run by
`lienthong scheduler` every minute. Each must be idempotent and quick; long work is enqueued."""

from __future__ import annotations

from collections.abc import Callable

_REGISTRY: dict[str, Callable[[], object]] = {}


def register(name: str, function: Callable[[], object]) -> None:
    _REGISTRY[name] = function


def registered() -> dict[str, Callable[[], object]]:
    return dict(_REGISTRY)
