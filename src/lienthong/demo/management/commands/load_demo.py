from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lienthong.accounts.constants import DEMO_PASSWORD, Role
from lienthong.accounts.models import User
from lienthong.catalogue.demo import load_demo_catalogue
from lienthong.demo.province import demo_backup_codes, load_demo_province
from lienthong.documents.doctypes import ensure_document_types
from lienthong.documents.models import DocumentType
from lienthong.onestop.demo import load_demo_applicants
from lienthong.signatures.demo import (
    DEMO_SIGNING_PIN,
    ROOT_COMMON_NAME,
    load_demo_pki,
    remote_phone_url,
)


class Command(BaseCommand):
    help = (
        "Load the demo province (Cà Mau, 2012), and, when LIENTHONG_DEMO is on, the demo PKI "
        "(certificates with no legal value). Safe to run again: existing rows are kept."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_document_types(DocumentType)
        logins = load_demo_province()
        self.stdout.write(self.style.SUCCESS("Demo province loaded: tỉnh Cà Mau (2012)."))
        added = load_demo_catalogue()
        self.stdout.write(
            self.style.SUCCESS(f"Demo procedure catalogue: {added} procedures added.")
        )
        applicants = load_demo_applicants()
        if applicants:
            self.stdout.write(self.style.SUCCESS(f"Demo applicants: {', '.join(applicants)}."))
        signers: set[str] = set()
        clerks: set[str] = set()
        pin = ""
        remote_signers: set[str] = set()
        phone = ""
        # Two-factor sign-in stays on; the demo's leaders and administrators sign in with the
        # backup codes printed below (no phone needed).
        backup_codes = demo_backup_codes(login.username for login in logins)
        if settings.LIENTHONG_DEMO:
            pki = load_demo_pki()
            pin = DEMO_SIGNING_PIN
            signers = set(pki.signers)
            remote_signers = set(pki.remote_signers)
            phone = remote_phone_url() if remote_signers else ""
            clerks = set(User.objects.with_role(Role.CLERK).values_list("username", flat=True))
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
        if options["quiet_logins"]:
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.username) for login in logins)
        for login in logins:
            note = ""
            if login.username in remote_signers:
                note = f"  [ký số từ xa: xác nhận tại {phone}]"
            elif login.username in signers:
                note = f"  [PIN ký số: {pin}]"
            elif login.username in clerks:
                note = f"  [PIN con dấu: {pin}]"
            self.stdout.write(f"  {login.username:<{width}}  {login.role} — {login.agency}{note}")
        if backup_codes:
            self.stdout.write(
                "Two-factor sign-in (xác thực hai yếu tố) is on for leaders and administrators. "
                "No phone needed in the demo: after the password, give one of the account's "
                "backup codes (mã dự phòng, each works once; `load_demo` prints those left and "
                "makes new ones when few remain):"
            )
            for login in logins:
                if login.username in backup_codes:
                    codes = " ".join(backup_codes[login.username])
                    self.stdout.write(f"  {login.username:<{width}}  {codes}")
        if pin:
            self.stdout.write(
                f"Digital signatures: every signer's certificate and every agency's seal "
                f"(demo CA, no legal value) opens with the PIN {pin}."
            )
        if remote_signers:
            self.stdout.write(
                f"Remote signing (ký số từ xa): {', '.join(sorted(remote_signers))} signs with "
                f"“Ký số (từ xa)” on the draft page and confirms on the “phone”, the "
                f"simulator's page {phone}"
            )
