"""Shared pieces of the hardening suite: the figures it prints at the end of the run."""

from __future__ import annotations

from collections import Counter
from typing import Any

FIGURES: Counter[str] = Counter()

ORDER = [
    "matrix cells",
    "requests fuzzed",
    "hostile inputs tried",
    "faults injected",
    "acknowledged writes checked",
    "writes lost",
]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("hardening figures")
    for key in ORDER + sorted(set(FIGURES) - set(ORDER)):
        if key in FIGURES or (key == "writes lost" and "faults injected" in FIGURES):
            terminalreporter.write_line(f"{key}: {FIGURES[key]}")
