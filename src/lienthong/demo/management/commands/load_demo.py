from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lienthong.accounts.constants import DEMO_PASSWORD, Role
from lienthong.accounts.models import User
from lienthong.catalogue.demo import load_demo_catalogue
from lienthong.demo.province import DemoLogin, demo_backup_codes, load_demo_province
from lienthong.documents.doctypes import ensure_document_types
from lienthong.documents.models import DocumentType
from lienthong.dvcqg.demo import load_demo_dvcqg
from lienthong.exchange.demo import load_axis_demo
from lienthong.mail import demo as mail_demo
from lienthong.meetings.demo import load_demo_meetings
from lienthong.onestop.demo import load_demo_applicants
from lienthong.portal.demo import load_demo_portal
from lienthong.quality.demo import load_demo_quality
from lienthong.reports.demo import load_demo_reports
from lienthong.signatures.demo import (
    DEMO_SIGNING_PIN,
    ROOT_COMMON_NAME,
    load_demo_pki,
    remote_phone_url,
)
from lienthong.tasks.demo import load_demo_tasks
from lienthong.training.demo import load_demo_training


@dataclass
class _Signing:
    """Who signs how in the demo, for the notes printed beside the logins."""

    pin: str = ""
    signers: set[str] = field(default_factory=set)
    clerks: set[str] = field(default_factory=set)
    remote_signers: set[str] = field(default_factory=set)
    phone: str = ""


class Command(BaseCommand):
    help = (
        "Load the demo province (Cà Mau, 2012), and, when LIENTHONG_DEMO is on, the demo PKI "
        "(certificates with no legal value). Safe to run again: existing rows are kept."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        logins = self._load_province()
        self._load_catalogue()
        self._load_applicants()
        load_demo_tasks()
        load_demo_training()
        load_demo_quality()
        mail_demo.load()
        load_demo_meetings()
        load_demo_dvcqg()
        load_demo_reports()
        self.stdout.write(f"Document axis demo: {load_axis_demo()}")
        load_demo_portal()
        # Two-factor sign-in stays on; the demo's leaders and administrators sign in with the
        # backup codes printed below (no phone needed).
        backup_codes = demo_backup_codes(login.username for login in logins)
        signing = self._load_pki() if settings.LIENTHONG_DEMO else _Signing()
        if options["quiet_logins"]:
            return
        self._print_logins(logins, signing)
        self._print_backup_codes(logins, backup_codes)
        self._print_signing(signing)

    def _load_province(self) -> list[DemoLogin]:
        ensure_document_types(DocumentType)
        logins = load_demo_province()
        self.stdout.write(self.style.SUCCESS("Demo province loaded: tỉnh Cà Mau (2012)."))
        return logins

    def _load_catalogue(self) -> None:
        added = load_demo_catalogue()
        self.stdout.write(
            self.style.SUCCESS(f"Demo procedure catalogue: {added} procedures added.")
        )

    def _load_applicants(self) -> None:
        applicants = load_demo_applicants()
        if applicants:
            self.stdout.write(self.style.SUCCESS(f"Demo applicants: {', '.join(applicants)}."))

    def _load_pki(self) -> _Signing:
        """The demo PKI (LIENTHONG_DEMO only): who signs with a PIN, who remotely."""
        pki = load_demo_pki()
        remote_signers = set(pki.remote_signers)
        signing = _Signing(
            pin=DEMO_SIGNING_PIN,
            signers=set(pki.signers),
            remote_signers=remote_signers,
            phone=remote_phone_url() if remote_signers else "",
            clerks=set(User.objects.with_role(Role.CLERK).values_list("username", flat=True)),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo PKI: root “{ROOT_COMMON_NAME}” trusted (SHA-256 "
                f"{pki.root_fingerprint[:16]}…); {len(pki.personal_added)} personal "
                f"certificates and {len(pki.seals_added)} agency seals added."
            )
        )
        if pki.remote_added:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo remote signing: {', '.join(pki.remote_added)} signs at the remote "
                    "signing simulator (SmartCA stand-in)."
                )
            )
        return signing

    def _print_logins(self, logins: list[DemoLogin], signing: _Signing) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = _width(logins)
        for login in logins:
            note = ""
            if login.username in signing.remote_signers:
                note = f"  [ký số từ xa: xác nhận tại {signing.phone}]"
            elif login.username in signing.signers:
                note = f"  [PIN ký số: {signing.pin}]"
            elif login.username in signing.clerks:
                note = f"  [PIN con dấu: {signing.pin}]"
            self.stdout.write(f"  {login.username:<{width}}  {login.role} — {login.agency}{note}")

    def _print_backup_codes(
        self, logins: list[DemoLogin], backup_codes: dict[str, list[str]]
    ) -> None:
        if not backup_codes:
            return
        self.stdout.write(
            "Two-factor sign-in (xác thực hai yếu tố) is on for leaders and administrators. "
            "No phone needed in the demo: after the password, give one of the account's "
            "backup codes (mã dự phòng, each works once; `load_demo` prints those left and "
            "makes new ones when few remain):"
        )
        width = _width(logins)
        for login in logins:
            if login.username in backup_codes:
                codes = " ".join(backup_codes[login.username])
                self.stdout.write(f"  {login.username:<{width}}  {codes}")

    def _print_signing(self, signing: _Signing) -> None:
        if signing.pin:
            self.stdout.write(
                f"Digital signatures: every signer's certificate and every agency's seal "
                f"(demo CA, no legal value) opens with the PIN {signing.pin}."
            )
        if signing.remote_signers:
            self.stdout.write(
                f"Remote signing (ký số từ xa): {', '.join(sorted(signing.remote_signers))} "
                f"signs with “Ký số (từ xa)” on the draft page and confirms on the “phone”, the "
                f"simulator's page {signing.phone}"
            )


def _width(logins: list[DemoLogin]) -> int:
    """The width of the login column."""
    return max(len(login.username) for login in logins)
