"""`lienthong payment_simulator --port 8765`: the local payment gateway simulator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from lienthong.payments.simulator import GatewaySimulator, RunningSimulator


class Command(BaseCommand):
    help = "Run the local simulator of the payment gateway (docs/payments.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--ipn-url",
            default="",
            help="Where to send notifications (default: LIENTHONG_SITE_URL + the IPN path).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        secret = settings.LIENTHONG_PAYMENT_SECRET
        merchant = settings.LIENTHONG_PAYMENT_MERCHANT_CODE
        if not secret or not merchant:
            raise CommandError(
                "Set LIENTHONG_PAYMENT_MERCHANT_CODE and LIENTHONG_PAYMENT_SECRET first."
            )
        ipn_url = options["ipn_url"] or (
            settings.LIENTHONG_SITE_URL.rstrip("/") + reverse("payments:gateway-ipn")
        )
        simulator = GatewaySimulator(merchant_code=merchant, secret=secret, ipn_url=ipn_url)
        running = RunningSimulator(simulator, options["port"], host=options["host"])
        self.stdout.write(f"Payment gateway simulator on {running.url}, IPN to {ipn_url}")
        try:
            running.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            running.server.server_close()
