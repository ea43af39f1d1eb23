"""The buffering front `lienthong serve` puts before gunicorn: nginx, run as the same (non-root)
user, on the public port, proxying to gunicorn on a unix socket in the data folder.

A sync gunicorn worker is held by its client for as long as the request takes to arrive and the
answer to leave: a hundred clients sending one byte a second would hold every worker and stop
the site. nginx reads each request whole (headers within CLIENT_HEADER_TIMEOUT, the body to a
temporary file with at most CLIENT_BODY_TIMEOUT between two reads, refused with 413 above the
route's cap) before gunicorn sees it, and takes the answer whole before handing it on at the
client's pace; a worker is busy only for the time the application needs.

The client's address: nginx replaces `X-Forwarded-For` with the one address it took the request
from (or the one a trusted proxy before it, `LIENTHONG_TRUSTED_PROXIES`, names), and
`X-Forwarded-Proto` with `https` only when such a proxy says so; the application believes the
header only on the unix socket (`core.middleware.TrustedFrontMiddleware`)."""

from __future__ import annotations

import fcntl
import ipaddress
import os
import pwd
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

CLIENT_HEADER_TIMEOUT = "10s"
CLIENT_BODY_TIMEOUT = "15s"  # between two reads of the body (nginx counts no total)
SEND_TIMEOUT = "30s"
# A request body on a route that takes no file: forms and JSON fit well within this.
DEFAULT_BODY = "1m"
# Anonymous POSTs (sign-in, sign-up, tracking, the payment gateway's notification): a few KB.
SMALL_BODY = "8k"
SMALL_BODY_ROUTES = (
    "payments:gateway-ipn",
    "login",
    "staff-login",
    "password-reset",
    "logout",
    "two-factor-verify",
    "set_language",
    "citizen:sign-up",
    "citizen:track",
    "v1:tracking",
)
# Pages whose forms carry files: the platform's upload limit per request (every file of one
# form together), plus room for the form's other fields.
UPLOAD_ROUTES = (
    "documents:register-incoming",
    "documents:record-outgoing",
    "documents:add-attachment",
    "drafting:create",
    "drafting:upload",
    "drafting:sign",
    "signatures:add-trust",
    "signatures:add-credential",
    "catalogue:import",
    "onestop:intake",
    "onestop:action",
    "citizen:file",
    "citizen:action",
)
# Areas under which uploads come in many routes: the API's resources that take files, and the
# administration.
UPLOAD_AREAS = ("v1:document-list", "v1:draft-list", "v1:signature-list", "v1:dossier-list")
UPLOAD_MARGIN_BYTES = 1024 * 1024


def find_nginx() -> str | None:
    """nginx from Debian lives in /usr/sbin, which is not on an ordinary user's PATH."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which("nginx", path=path)


def trusted_proxies() -> list[str]:
    """The addresses (or networks) whose `X-Forwarded-For` and `X-Forwarded-Proto` the front
    believes; ValueError names a bad entry."""
    proxies = []
    for entry in settings.LIENTHONG_TRUSTED_PROXIES:
        try:
            proxies.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError as exc:
            raise ValueError(f"LIENTHONG_TRUSTED_PROXIES: {entry!r} is not an address") from exc
    return proxies


def _named_routes(
    patterns: Sequence[URLPattern | URLResolver], prefix: str, namespace: str
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, regex, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", regex


def route_regex(name: str) -> str:
    """The path regex a named route matches, for an nginx `location ~` (PCRE): anchored at
    both ends, its groups unnamed."""
    routes = _named_routes(get_resolver().url_patterns, "", "")
    found = [regex for full, regex in routes if full == name]
    if not found:
        raise ValueError(f"no route is named {name!r}")
    regex = found[0].replace(r"\Z", "$")
    return "^/" + re.sub(r"\(\?P<\w+>", "(?:", regex)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _listen(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True)
class Front:
    """Where the front keeps its files: its configuration, pid, temporary bodies and answers
    (all in `<data folder>/front/`, private to the user), and gunicorn's socket."""

    folder: Path

    @classmethod
    def in_data_dir(cls) -> Front:
        return cls(Path(settings.DATA_DIR) / "front")

    @property
    def socket(self) -> Path:
        return self.folder / "gunicorn.sock"

    @property
    def config(self) -> Path:
        return self.folder / "nginx.conf"

    def prepare(self, *, host: str, port: int) -> IO[bytes]:
        """Write the configuration; the lock returned (held while it is open) keeps a second
        `serve` on the same data folder from taking over the socket."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)  # the socket inside is the application's trusted door
        lock = (self.folder / "serve.lock").open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise ValueError(f"another `lienthong serve` uses {self.folder}") from None
        if len(os.fsencode(self.socket)) > 100:  # sun_path holds 108 bytes
            raise ValueError(f"the socket path is too long for a unix socket: {self.socket}")
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / "tmp" / name).mkdir(mode=0o700, parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)  # left by a killed gunicorn: not listening
        self.config.write_text(self.render(host=host, port=port))
        return lock

    def render(self, *, host: str, port: int) -> str:
        upload = settings.LIENTHONG_MAX_UPLOAD_BYTES + UPLOAD_MARGIN_BYTES
        locations = [_location(f"= {reverse(name)}", SMALL_BODY) for name in SMALL_BODY_ROUTES]
        locations += [
            _location(f"~ {_quoted(route_regex(name))}", str(upload)) for name in UPLOAD_ROUTES
        ]
        locations += [_location(reverse(name), str(upload)) for name in UPLOAD_AREAS]
        locations.append(_location(reverse("admin:index"), str(upload)))
        locations.append(_location("/", DEFAULT_BODY))
        trusted = trusted_proxies()
        folder, tmp = self.folder, self.folder / "tmp"
        # Run by root (a container), the workers would drop to `nobody`, who may not open the
        # socket: they stay the user who runs the application.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        return f"""# Written by `lienthong serve` at each start (core/front.py): edits are lost.
{user}daemon off;
master_process on;
worker_processes auto;
pid {folder / "nginx.pid"};
error_log stderr warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;  # gunicorn logs every request that reaches the application
    server_tokens off;
    client_body_temp_path {tmp / "body"};
    proxy_temp_path {tmp / "proxy"};
    fastcgi_temp_path {tmp / "fastcgi"};
    uwsgi_temp_path {tmp / "uwsgi"};
    scgi_temp_path {tmp / "scgi"};

    client_header_timeout {CLIENT_HEADER_TIMEOUT};
    client_body_timeout {CLIENT_BODY_TIMEOUT};
    send_timeout {SEND_TIMEOUT};
    keepalive_timeout 15s;
    reset_timedout_connection on;
    client_max_body_size {DEFAULT_BODY};

    # Whole requests to the application, whole answers from it.
    proxy_request_buffering on;
    proxy_buffering on;
    proxy_buffers 32 16k;
    proxy_connect_timeout 5s;
    proxy_read_timeout 120s;
    proxy_send_timeout 120s;

    # The client: the peer, or the address a trusted proxy before us names.
{_realip(trusted)}
    geo $realip_remote_addr $lienthong_trusted_peer {{
        default 0;
{"".join(f"        {network} 1;{chr(10)}" for network in trusted)}    }}
    map "$lienthong_trusted_peer:$http_x_forwarded_proto" $lienthong_forwarded_proto {{
        "1:https" https;
        default $scheme;
    }}
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $lienthong_forwarded_proto;
    # gunicorn believes these on its socket: only X-Forwarded-Proto says the scheme.
    proxy_set_header X-Forwarded-Ssl "";
    proxy_set_header X-Forwarded-Protocol "";

    upstream lienthong {{
        server unix:{self.socket};
    }}

    server {{
        listen {_listen(host, port)};
{"".join(locations)}    }}
}}
"""


def _realip(trusted: list[str]) -> str:
    if not trusted:
        return ""
    lines = [f"    set_real_ip_from {network};" for network in trusted]
    lines += ["    real_ip_header X-Forwarded-For;", "    real_ip_recursive on;"]
    return "\n".join(lines)


def _location(match: str, body: str) -> str:
    return (
        f"        location {match} {{\n"
        f"            client_max_body_size {body};\n"
        f"            proxy_pass http://lienthong;\n"
        f"        }}\n"
    )


def gunicorn_access_format() -> str:
    """gunicorn's access log line, with the client's address as the front passed it."""
    return '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def nginx_command(nginx: str, front: Front) -> list[str]:
    return [nginx, "-p", str(front.folder), "-c", str(front.config), "-e", "stderr"]
