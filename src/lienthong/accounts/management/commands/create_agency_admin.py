import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lienthong.accounts import services
from lienthong.accounts.models import Agency


class Command(BaseCommand):
    help = "Create an agency administrator account for the agency with the given identifier code."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("agency_code", help="Electronic identifier code, e.g. 000.00.05.H12")
        parser.add_argument("username")
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency_code"]).first()
        if agency is None:
            raise CommandError(f"No agency has the code {options['agency_code']!r}.")
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
        try:
            user = services.create_agency_admin(
                actor=None,
                agency=agency,
                username=options["username"],
                full_name=options["full_name"],
                password=password,
                email=options["email"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created agency administrator {user.username} for {agency}.")
        )
