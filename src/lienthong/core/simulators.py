"""Serving a simulator of a national system or engine (the payment gateway, the national
public-service portal, the document axis, task tracking, national reporting, Jitsi and
BigBlueButton) from a background thread: the standard library's WSGI server, threaded and quiet.
The tests use it as a context manager; `lienthong <name>_simulator` commands serve the same apps
in the foreground."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any, Generic, TypeVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

App = TypeVar("App", bound=Callable[..., Iterable[bytes]])


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class ServedSimulator(Generic[App]):
    """`simulator` (a WSGI application) served on `host`:`port` (0: any free port) in a
    background thread, from `__enter__` to `__exit__`."""

    def __init__(
        self, simulator: App, port: int = 0, host: str = "127.0.0.1", *, poll: float = 0.5
    ) -> None:
        self.simulator = simulator
        self.server = make_server(
            host, port, simulator, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.port = self.server.server_port
        self.url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": poll}, daemon=True
        )

    def __enter__(self) -> ServedSimulator[App]:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def json_response(start_response: Callable[..., Any], status: str, payload: Any) -> list[bytes]:
    """A JSON answer of a simulator (UTF-8, Vietnamese kept as is)."""
    data = json.dumps(payload, ensure_ascii=False).encode()
    start_response(
        status,
        [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]
