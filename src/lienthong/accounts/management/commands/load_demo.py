from typing import Any

from django.core.management.base import BaseCommand

from lienthong.accounts.demo import DEMO_PASSWORD, load_demo_province
from lienthong.catalogue.demo import load_demo_catalogue
from lienthong.documents.doctypes import ensure_document_types
from lienthong.documents.models import DocumentType
from lienthong.onestop.demo import load_demo_applicants


class Command(BaseCommand):
    help = "Load the demo province (Cà Mau, 2012). Safe to run again: existing rows are kept."

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
        if options["quiet_logins"]:
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role} — {login.agency}")
