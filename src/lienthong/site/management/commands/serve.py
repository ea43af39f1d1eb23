"""Serve the platform as in production: the buffering front (nginx, core/front.py) on the port,
gunicorn behind it on a unix socket, the background worker and the scheduler (and, when
LIENTHONG_DEMO_TSA_PORT is set, the demo timestamp authority: `tsa_simulator`; when
LIENTHONG_DEMO_REMOTE_SIGNING_PORT is set, the remote signing simulator with the configuration
`load_demo` wrote into the demo PKI folder: `remote_signing_simulator`; when
LIENTHONG_DEMO_PAYMENT_PORT is set, the payment gateway simulator: `payment_simulator`). It
reports ready once the first page answers (the web workers warm up first, conf/wsgi.py) and
prints how long that first page took. If any of them
stops, the others are stopped and the command exits with status 1 (a supervisor such as systemd
with `Restart=always` starts it all again); Ctrl-C or SIGTERM stops them all, exit status 0.

`--no-front` (development only) puts gunicorn straight on the port, as before: slow clients
can then hold its workers."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lienthong.core import front as front_module
from lienthong.signatures.demo import remote_config_path

SOCKET_WAIT_SECONDS = 60


def _wait_for_port(port: int, child: subprocess.Popen[bytes], stopped: Any) -> None:
    """Until a demo service answers on its port (at most SOCKET_WAIT_SECONDS), or it exits."""
    deadline = time.monotonic() + SOCKET_WAIT_SECONDS
    while time.monotonic() < deadline and child.poll() is None and not stopped():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)


FIRST_PAGE = "/dang-nhap/"  # a page rendered with its templates, translations and database


def _first_request(
    host: str, port: int, children: dict[str, subprocess.Popen[bytes]], stopped: Any
) -> tuple[str, int, float] | None:
    """Wait (at most SOCKET_WAIT_SECONDS) until the platform answers /health/, then time the
    first page a visitor asks for: (path, status, seconds); None if it never answered."""
    deadline = time.monotonic() + SOCKET_WAIT_SECONDS
    while time.monotonic() < deadline and not stopped():
        if any(child.poll() is not None for child in children.values()):
            return None
        try:
            _get(host, port, "/health/")
            break
        except OSError:
            time.sleep(0.2)
    else:
        return None
    started = time.monotonic()
    try:
        status = _get(host, port, FIRST_PAGE)
    except OSError:
        return None
    return FIRST_PAGE, status, time.monotonic() - started


def _get(host: str, port: int, path: str) -> int:
    """The status of a GET (redirects not followed); OSError when nothing answers."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = connection.getresponse()
        response.read()
        if response.status >= 500 and path == "/health/":
            raise OSError(f"/health/ answered {response.status}")
        return response.status
    except http.client.HTTPException as exc:
        raise OSError(str(exc)) from exc
    finally:
        connection.close()


class Command(BaseCommand):
    help = (
        "Run nginx (the buffering front), gunicorn, the background worker and the scheduler "
        "(and, in the demo, the demo timestamp authority, the remote signing simulator and the "
        "payment gateway simulator); stop "
        "them all on Ctrl-C, or when one of them stops."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument(
            "--no-front",
            action="store_true",
            help="Development only: gunicorn on the port without nginx (slow clients can hold "
            "every worker).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        nginx, front, bind = self._prepare_front(host, port, no_front=options["no_front"])
        children = {"gunicorn": self._start_gunicorn(bind, options["web_workers"])}
        self.stopping = False
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        if nginx is not None:
            self._start_nginx(nginx, front, children)
        self._start_simulators(children)
        self._start_worker(children)
        expected = self._expected(nginx)
        if set(children) == expected:
            self._report_ready(host, port, children)
        self._supervise(children, expected)
        ended = self._stop_children(children)
        if not self.stopping:  # a child ended on its own (or never started): report the failure
            missing = sorted(expected - set(children))
            self.stderr.write(
                f"Stopped: {', '.join(ended + missing) or 'a process'} ended unexpectedly."
            )
            sys.exit(1)

    def _stop(self, signum: int, frame: Any) -> None:
        """SIGINT/SIGTERM: stop supervising, then stop every child."""
        self.stopping = True

    def _prepare_front(
        self, host: str, port: int, *, no_front: bool
    ) -> tuple[str | None, front_module.Front, list[str]]:
        """nginx (None with --no-front), the front's folder, and where gunicorn binds: on the
        front's unix socket (its configuration written and checked), or on the port."""
        nginx = None if no_front else front_module.find_nginx()
        if not no_front and nginx is None:
            raise CommandError(
                "nginx is not installed (apt-get install nginx): it is the front that keeps slow "
                "clients away from the application. For development only, --no-front serves "
                "without it."
            )
        front = front_module.Front.in_data_dir()
        if nginx is None:
            self.stderr.write(
                "Warning: serving without the front (--no-front): a few slow clients can hold "
                "every web worker. Do not use this in production."
            )
            return nginx, front, ["--bind", f"{host}:{port}"]
        try:
            # Held until the command ends: one `serve` per data folder.
            self.front_lock = front.prepare(host=host, port=port)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        checked = subprocess.run(  # noqa: S603
            [*front_module.nginx_command(nginx, front), "-t", "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode != 0:
            raise CommandError(f"the front's configuration is refused:\n{checked.stderr}")
        bind = ["--bind", f"unix:{front.socket}"]
        bind += ["--access-logformat", front_module.gunicorn_access_format()]
        return nginx, front, bind

    def _start_gunicorn(self, bind: list[str], workers: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lienthong.conf.wsgi:application",
                *bind,
                "--workers",
                str(workers),
                # The application is loaded and warmed once (conf/wsgi.py), before the workers
                # are forked: each starts warm, and no worker's boot runs into its timeout.
                "--preload",
                "--access-logfile",
                "-",
            ]
        )

    def _start_nginx(
        self, nginx: str, front: front_module.Front, children: dict[str, subprocess.Popen[bytes]]
    ) -> None:
        """nginx starts once gunicorn listens, so that the first requests find it."""
        web = children["gunicorn"]
        deadline = time.monotonic() + SOCKET_WAIT_SECONDS
        while not front.socket.exists() and web.poll() is None and not self.stopping:
            if time.monotonic() > deadline:
                self.stderr.write("gunicorn did not open its socket in time.")
                break
            time.sleep(0.1)
        if front.socket.exists() and web.poll() is None and not self.stopping:
            # In a process group of its own: its workers outlive a killed master.
            children["nginx"] = subprocess.Popen(  # noqa: S603
                front_module.nginx_command(nginx, front), process_group=0
            )

    def _start_simulators(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        """Demo only: the simulators whose port is configured, each waited for until it
        answers (the worker and the scheduler use them from their first job)."""
        python = sys.executable
        if settings.LIENTHONG_DEMO_TSA_PORT:
            # Demo only: the demo timestamp authority (RFC 3161) of the demo PKI, before the
            # worker, so that signatures are timestamped (PAdES B-T).
            children["tsa"] = subprocess.Popen(  # noqa: S603
                [
                    python,
                    "-m",
                    "lienthong",
                    "tsa_simulator",
                    "--port",
                    str(settings.LIENTHONG_DEMO_TSA_PORT),
                ]
            )
        remote_port = settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT
        if remote_port:
            # Demo only: the stand-in for VNPT SmartCA where the demo's remote signer confirms.
            children["remote-signing"] = subprocess.Popen(  # noqa: S603
                [
                    *(python, "-m", "lienthong", "remote_signing_simulator"),
                    *("--config", str(remote_config_path()), "--port", str(remote_port)),
                ]
            )
        payment_port = settings.LIENTHONG_DEMO_PAYMENT_PORT
        if payment_port:
            # Demo only: the payment gateway simulator, where a level-4 fee is paid; it calls the
            # platform's IPN address (LIENTHONG_SITE_URL) with the signed result.
            children["payment-gateway"] = subprocess.Popen(  # noqa: S603
                [python, "-m", "lienthong", "payment_simulator", "--port", str(payment_port)]
            )
        dvcqg_port = settings.LIENTHONG_DEMO_DVCQG_PORT
        if dvcqg_port:
            # Demo only: the national public-service portal simulator (docs/dvcqg.md).
            children["dvcqg-portal"] = subprocess.Popen(  # noqa: S603
                [python, "-m", "lienthong", "dvcqg_simulator", "--port", str(dvcqg_port)]
            )
        axis_port = settings.LIENTHONG_DEMO_AXIS_PORT
        if axis_port:
            # Demo only: the national document axis simulator (the configuration and storage
            # `load_demo` wrote into the data folder; exchange/demo.py).
            children["document-axis"] = subprocess.Popen(  # noqa: S603
                [python, "-m", "lienthong", "axis_simulator", "--port", str(axis_port)]
            )
        for name, command, port in (
            (
                "task-tracking",
                "task_tracking_simulator",
                settings.LIENTHONG_DEMO_TASK_TRACKING_PORT,
            ),
            ("jitsi", "jitsi_simulator", settings.LIENTHONG_DEMO_JITSI_PORT),
            ("bbb", "bbb_simulator", settings.LIENTHONG_DEMO_BBB_PORT),
            (
                "national-reporting",
                "national_reporting_simulator",
                settings.LIENTHONG_DEMO_NATIONAL_REPORTING_PORT,
            ),
        ):
            if port:
                # Demo only: the national task-tracking system (docs/tasks.md) and the video
                # engines (docs/meetings.md).
                children[name] = subprocess.Popen(  # noqa: S603
                    [python, "-m", "lienthong", command, "--port", str(port)]
                )
        for name, demo_port in (
            ("tsa", settings.LIENTHONG_DEMO_TSA_PORT),
            ("remote-signing", remote_port),
            ("payment-gateway", payment_port),
            ("dvcqg-portal", dvcqg_port),
            ("document-axis", axis_port),
            ("task-tracking", settings.LIENTHONG_DEMO_TASK_TRACKING_PORT),
            ("jitsi", settings.LIENTHONG_DEMO_JITSI_PORT),
            ("bbb", settings.LIENTHONG_DEMO_BBB_PORT),
            ("national-reporting", settings.LIENTHONG_DEMO_NATIONAL_REPORTING_PORT),
        ):
            if name in children:  # the worker and the scheduler use them from their first job
                _wait_for_port(demo_port, children[name], lambda: self.stopping)

    def _start_worker(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        """The background worker and the scheduler."""
        python = sys.executable
        children["worker"] = subprocess.Popen(  # noqa: S603
            [python, "-m", "lienthong", "db_worker", "--queue-name", "*", "--interval", "1"]
        )
        children["scheduler"] = subprocess.Popen(  # noqa: S603
            [python, "-m", "lienthong", "scheduler", "--interval", "60"]
        )

    def _expected(self, nginx: str | None) -> set[str]:
        """The children that must all be running."""
        expected = {"gunicorn", "worker", "scheduler"} | ({"nginx"} if nginx else set())
        expected |= {"tsa"} if settings.LIENTHONG_DEMO_TSA_PORT else set()
        expected |= {"remote-signing"} if settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT else set()
        expected |= {"payment-gateway"} if settings.LIENTHONG_DEMO_PAYMENT_PORT else set()
        expected |= {"dvcqg-portal"} if settings.LIENTHONG_DEMO_DVCQG_PORT else set()
        expected |= {"document-axis"} if settings.LIENTHONG_DEMO_AXIS_PORT else set()
        expected |= {"task-tracking"} if settings.LIENTHONG_DEMO_TASK_TRACKING_PORT else set()
        expected |= {"jitsi"} if settings.LIENTHONG_DEMO_JITSI_PORT else set()
        expected |= {"bbb"} if settings.LIENTHONG_DEMO_BBB_PORT else set()
        expected |= (
            {"national-reporting"} if settings.LIENTHONG_DEMO_NATIONAL_REPORTING_PORT else set()
        )
        return expected

    def _report_ready(
        self, host: str, port: int, children: dict[str, subprocess.Popen[bytes]]
    ) -> None:
        """Ready when the first request answers: the web workers warm up before they accept
        (conf/wsgi.py); the time of the first page is printed for the operator."""
        local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        first = _first_request(local, port, children, lambda: self.stopping)
        if first is not None:
            path, status, seconds = first
            self.stdout.write(
                f"First request: GET {path} answered {status} in {seconds * 1000:.0f} ms."
            )
        self.stdout.write(f"Serving http://{host}:{port}/ (Ctrl-C stops)")

    def _supervise(self, children: dict[str, subprocess.Popen[bytes]], expected: set[str]) -> None:
        """Until a signal, or until one of the children ends (or one never started)."""
        while not self.stopping and set(children) == expected:
            if any(child.poll() is not None for child in children.values()):
                break
            time.sleep(0.3)

    def _stop_children(self, children: dict[str, subprocess.Popen[bytes]]) -> list[str]:
        """SIGTERM to every child still running, the front first; kill those that do not end
        within 20 s. Returns the names of those that had ended on their own."""
        ended = [name for name, child in children.items() if child.poll() is not None]
        order = sorted(children, key=lambda name: name != "nginx")  # the front stops first
        for name in order:
            if children[name].poll() is None:
                children[name].send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if "nginx" in children:  # the front's workers, if its master was killed
            with contextlib.suppress(ProcessLookupError):
                os.killpg(children["nginx"].pid, signal.SIGKILL)
        return ended
