"""Serve the demo RFC 3161 timestamp authority (demo only; `lienthong serve` starts it when
LIENTHONG_DEMO_TSA_PORT is set)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lienthong.signatures import demo
from lienthong.signatures.tsa_simulator import make_server


class Command(BaseCommand):
    help = (
        "Serve the demo timestamp authority (RFC 3161) of the demo PKI made by `load_demo`. "
        "Its tokens have no legal value."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.LIENTHONG_DEMO_TSA_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["port"]:
            raise CommandError("Give --port (or set LIENTHONG_DEMO_TSA_PORT).")
        try:
            server = make_server(options["host"], options["port"])
        except demo.DemoPkiUnavailable as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot listen on port {options['port']}: {exc}") from exc
        port = server.server_address[1]
        self.stdout.write(
            f"Demo timestamp authority (no legal value) at http://{options['host']}:{port}/"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
