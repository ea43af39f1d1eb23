#!/usr/bin/env python
"""The provincial portal's home under anonymous load, against its floor (issue 18).

    .venv/bin/python benchmarks/portal_home.py --users 16 --duration 20

Served as in production (`lienthong serve`: nginx before gunicorn, the production settings plus
the floor view of benchmarks/urls.py, exactly as benchmarks/load.py does) on a throwaway
PostgreSQL cluster (or a new database on DATABASE_URL's server) holding the demo province and
its portal. `--users` anonymous visitors, each a closed loop over loopback, first ask the floor
(`/_floor/`: a bare view behind the same middleware) for `--duration` seconds, then the
portal's home (`/`, the front door: the provincial portal's home, from the anonymous page
cache) for as long. Printed: requests per second and p50/p95 of each, and the home's cost
against the floor's (the floor's requests per second over the home's, at the same concurrency:
the issue asks for at most 1.5). `--no-cache` runs the home with LIENTHONG_PORTAL_CACHE_SECONDS=0
for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.documents import Cleanup, create_database, free_port, say, summarize  # noqa: E402
from benchmarks.load import SETTINGS, lienthong, start_cluster, start_server, stop_server  # noqa: E402

DEMO = (
    "from lienthong.demo.province import load_demo_province; "
    "from lienthong.portal.demo import load_demo_portal; "
    "load_demo_province(); load_demo_portal()"
)


async def _visitor(base: str, url: str, stop_at: float, record_from: float, out: list[float],
                   errors: list[int]) -> None:  # fmt: skip
    import aiohttp

    async with aiohttp.ClientSession(base) as session:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            async with session.get(url, allow_redirects=False) as response:
                await response.read()
                if response.status != 200:
                    errors.append(response.status)
            if time.monotonic() >= record_from:
                out.append((time.perf_counter() - started) * 1000)


async def phase(base: str, url: str, users: int, duration: float) -> dict[str, Any]:
    values: list[float] = []
    errors: list[int] = []
    start = time.monotonic()
    warm = 2.0
    await asyncio.gather(
        *(
            _visitor(base, url, start + warm + duration, start + warm, values, errors)
            for _ in range(users)
        )
    )
    return {**summarize(values), "rps": len(values) / duration, "errors": len(errors)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    cleanup = Cleanup()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = None
    try:
        folder = Path(tempfile.mkdtemp(prefix="lienthong-portal-"))
        cleanup.push(f"remove {folder}", lambda: shutil.rmtree(folder, True))
        given = os.environ.get("DATABASE_URL", "")
        database = create_database(
            given or start_cluster(cleanup, fsync=False), cleanup, drop=bool(given)
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "DATABASE_URL": database,
            "LIENTHONG_DATA_DIR": str(folder / "data"),
            "LIENTHONG_SECRET_KEY": os.urandom(32).hex(),
            "LIENTHONG_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "LIENTHONG_HTTPS": "0",
            "LIENTHONG_LOG_LEVEL": "WARNING",
            "LIENTHONG_PORTAL_CACHE_SECONDS": "0" if args.no_cache else "300",
        }
        say("migrating, collecting static files, loading the demo province and portal")
        lienthong(env, "migrate", "--noinput", "-v0")
        lienthong(env, "collectstatic", "--noinput", "-v0")
        lienthong(env, "shell", "-c", DEMO)
        port = free_port()
        server = start_server(env, port, args.web_workers, folder / "server.log")
        base = f"http://127.0.0.1:{port}"
        floor = asyncio.run(phase(base, "/_floor/", args.users, args.duration))
        home = asyncio.run(phase(base, "/", args.users, args.duration))
        ratio = floor["rps"] / home["rps"] if home["rps"] else float("inf")
        for name, r in (("floor /_floor/", floor), ("portal home /", home)):
            print(
                f"{name:16} {r['rps']:7.1f} req/s  p50 {r.get('p50', 0):6.1f} ms  "
                f"p95 {r.get('p95', 0):6.1f} ms  errors {r['errors']}"
            )
        cache = "off" if args.no_cache else "on"
        print(f"home cost / floor cost ({args.users} users, cache {cache}): {ratio:.2f}x")
        return 0
    finally:
        if server is not None:
            stop_server(server)
        cleanup.run()


if __name__ == "__main__":
    sys.exit(main())
