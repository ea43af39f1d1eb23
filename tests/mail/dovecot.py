"""A real IMAP server for the tests: Debian's Dovecot run unprivileged with a temporary config.

`Dovecot(root).start()` writes a config under `root` (its own base_dir, a free loopback port,
plaintext authentication allowed on loopback, one passwd-file user whose mail is a maildir under
`root`), starts `dovecot -F` as the current user and waits until the port answers; `stop()` ends
that process (by its own pid). Messages are put in the maildir directly (`deliver`), as a local
delivery agent would, so Dovecot sees them as new mail on the next login.

If Dovecot is missing or cannot start, `start()` raises: the tests that need it fail, they are
never skipped (docs/email.md, "Tests")."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import free_port
from tests.mail.tlscerts import ServerCertificate

DOVECOT = shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin:" + os.environ.get("PATH", ""))

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = lienthong-test-{port}
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
imap_max_line_length = 1M
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
  user = {user}
  chroot =
}}
service imap {{
  user = {user}
}}
service anvil {{
  chroot =
  user = {user}
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
service stats {{
  user = {user}
}}
service log {{
  user = {user}
}}
service config {{
  user = {user}
}}
service dict {{
  user = {user}
}}
service dict-async {{
  user = {user}
}}
service indexer-worker {{
  user = {user}
}}
service imap-urlauth-login {{
  chroot =
  user = {user}
}}
service imap-urlauth {{
  user = {user}
}}
service imap-urlauth-worker {{
  user = {user}
}}
service pop3-login {{
  chroot =
}}
service submission-login {{
  chroot =
}}
service managesieve-login {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    root: Path
    host: str = "127.0.0.1"
    port: int = 0
    users: dict[str, str] = field(default_factory=dict)
    # With a certificate: STARTTLS on `port` and IMAPS on `tls_port` (plain login stays allowed
    # on `port` for the other tests).
    certificate: ServerCertificate | None = None
    tls_port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def account(self) -> pwd.struct_passwd:
        """Whom Dovecot runs as: the current user, or `nobody` when the tests run as root
        (Dovecot's login processes refuse root; a container's CI often is root)."""
        return pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())

    def _own(self, *paths: Path) -> None:
        if os.geteuid() == 0:
            for path in paths:
                os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def _own_tree(self) -> None:
        if os.geteuid() == 0:
            for folder, dirs, files in os.walk(self.root):
                self._own(Path(folder), *(Path(folder) / n for n in dirs + files))

    def add_user(self, name: str, password: str) -> None:
        self.users[name] = password
        self.root.mkdir(parents=True, exist_ok=True)
        uid, gid = self.account.pw_uid, self.account.pw_gid
        lines = [
            f"{user}:{secret}:{uid}:{gid}::{self.root}/home/{user}::"
            for user, secret in self.users.items()
        ]
        (self.root / "passwd").write_text("\n".join(lines) + "\n")
        for sub in ("cur", "new", "tmp"):
            (self.maildir(name) / sub).mkdir(parents=True, exist_ok=True)
        self._own_tree()

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        base = self.root / "mail" / user
        return base if folder == "INBOX" else base / f".{folder}"

    def deliver(self, user: str, raw: bytes) -> Path:
        """Put a message into the user's INBOX as new mail (maildir tmp/ then rename to new/)."""
        box = self.maildir(user)
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.lienthong-test"
        tmp = box / "tmp" / name
        tmp.write_bytes(raw)
        self._own(tmp)
        final = box / "new" / name
        tmp.rename(final)
        return final

    def start(self, timeout: float = 15.0) -> Dovecot:
        if DOVECOT is None:
            raise RuntimeError(
                "Dovecot is not installed (Debian package dovecot-imapd); the mail tests need it."
            )
        self.root.mkdir(parents=True, exist_ok=True)
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(exist_ok=True)
        if not (self.root / "passwd").exists():
            (self.root / "passwd").write_text("")
        self.root.chmod(0o755)
        self._own_tree()
        self.port = self.port or free_port()
        ssl = "ssl = no"
        if self.certificate is not None:
            self.tls_port = self.tls_port or free_port()
            for path in (self.certificate.cert_file, self.certificate.key_file):
                self._own(path)
            ssl = (
                f"ssl = yes\nssl_cert = <{self.certificate.cert_file}\n"
                f"ssl_key = <{self.certificate.key_file}\nssl_min_protocol = TLSv1.2"
            )
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                ssl=ssl,
                user=self.account.pw_name,
                group=grp.getgrgid(self.account.pw_gid).gr_name,
                uid=self.account.pw_uid,
                gid=self.account.pw_gid,
            )
        )
        self._own(config)
        command = [DOVECOT, "-F", "-c", str(config)]
        if os.geteuid() == 0:
            uid, gid = self.account.pw_uid, self.account.pw_gid
            command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *command]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot stopped at start-up: {self._diagnostics()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as conn:
                    if conn.recv(200).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Dovecot did not answer on port {self.port}: {self._diagnostics()}")

    def _diagnostics(self) -> str:
        log = self.root / "dovecot.log"
        text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        err = b""
        if self.process is not None and self.process.stderr is not None:
            try:
                err = self.process.stderr.read() if self.process.poll() is not None else b""
            except OSError:
                err = b""
        return (err.decode(errors="replace") + "\n" + text).strip()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None
