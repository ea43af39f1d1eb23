"""The document axis simulator for the tests: two connected systems, the province (Cà Mau) and a
ministry, each answering for a few agencies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lienthong.exchange.axis import AxisSettings, HttpAxisClient
from lienthong.exchange.axis_simulator import AxisSimulator, RunningAxisSimulator, System

PROVINCE_SECRET = "test-only-province-secret"
MINISTRY_SECRET = "test-only-ministry-secret"


def systems(province_codes: list[tuple[str, str]]) -> list[System]:
    return [
        System(
            "camau",
            PROVINCE_SECRET,
            [{"code": c, "name": n, "pcode": "000.00.00.H12"} for c, n in province_codes],
        ),
        System(
            "botn",
            MINISTRY_SECRET,
            [
                {"code": "000.00.00.G01", "name": "Bộ Thử nghiệm", "pcode": ""},
                {
                    "code": "000.00.01.G01",
                    "name": "Văn phòng Bộ Thử nghiệm",
                    "pcode": "000.00.00.G01",
                },
            ],
        ),
    ]


@contextmanager
def running_axis(
    storage: Path, province_codes: list[tuple[str, str]]
) -> Iterator[RunningAxisSimulator]:
    simulator = AxisSimulator(systems(province_codes), storage)
    try:
        with RunningAxisSimulator(simulator) as running:
            yield running
    finally:
        simulator.close()


def client(url: str, system: str, secret: str) -> HttpAxisClient:
    return HttpAxisClient(AxisSettings("national", url, system, secret, timeout=5))
