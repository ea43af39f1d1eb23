"""Counting attempts in the shared cache (core.cache), the same count for every web process.

A counter starts at the first attempt and lasts `window` seconds from then; `hit` counts one
attempt and says whether it is still within the limit. Keys are hashed, so that any text (a user
name, a dossier code, an address) makes a valid cache key of fixed length."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def digest(subject: str) -> str:
    """A fixed-length stand-in for any text in a cache key."""
    return hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _key(scope: str, subject: str) -> str:
    return f"limit:{scope}:{digest(subject)}"


def hit(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Count one attempt of `subject` in `scope`; False once there were more than `limit` in
    the window (the attempt that goes over is refused, and so is every one after it)."""
    return add(scope, subject, window=window) <= limit


def add(scope: str, subject: str, *, window: int) -> int:
    """Count one attempt; returns the count in the window, this one included."""
    key = _key(scope, subject)
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def count(scope: str, subject: str) -> int:
    """The attempts counted in the current window (none counted by asking)."""
    return int(cache.get(_key(scope, subject)) or 0)


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))
