"""`lienthong axis_simulator --port 8766 --config systems.json --storage axis.sqlite3`: the
local simulator of the national document axis (exchange/axis_simulator.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienthong.exchange.axis_simulator import AxisSimulator, RunningAxisSimulator


class Command(BaseCommand):
    help = "Run the local simulator of the national document axis (docs/exchange.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--config",
            default="",
            help='JSON file of the connected systems: {"systems": {id: {secret, agencies}}} '
            "(default: axis-simulator.json in the data folder).",
        )
        parser.add_argument(
            "--storage",
            default="",
            help="SQLite file where the simulator keeps packages (default: in the data folder).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(settings.DATA_DIR)
        config_path = Path(options["config"] or data_dir / "axis-simulator.json")
        if not config_path.exists():
            raise CommandError(
                f"{config_path} does not exist: write the systems the simulator knows "
                "(`lienthong load_demo` writes the demo's)."
            )
        try:
            config = json.loads(config_path.read_text())
        except ValueError as exc:
            raise CommandError(f"{config_path}: {exc}") from exc
        storage = options["storage"] or str(data_dir / "axis-simulator.sqlite3")
        simulator = AxisSimulator.from_config(config, storage)
        running = RunningAxisSimulator(simulator, options["port"], host=options["host"])
        self.stdout.write(
            f"Document axis simulator on {running.url} ({len(simulator.systems)} systems, "
            f"storage {storage})"
        )
        try:
            running.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            running.server.server_close()
            simulator.close()
