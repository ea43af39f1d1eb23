from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from lienthong.core.db_roles import app_role, as_owner, grant_app_role


class Command(BaseCommand):
    help = (
        "PostgreSQL: as the owner (LIENTHONG_MIGRATE_DATABASE_URL, or DATABASE_URL when that "
        "is the owner), grant the application's role every table except UPDATE, DELETE and "
        "TRUNCATE of the audit log. `lienthong migrate` runs it when the owner URL is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--role", default="", help="the application's role (default: DATABASE_URL's user)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"] or app_role()
        if connection.vendor != "postgresql":
            raise CommandError("Roles and grants are for PostgreSQL only.")
        if not role:
            raise CommandError("Name the application's role with --role.")
        with as_owner():
            grant_app_role(connection, role)
        self.stdout.write(
            self.style.SUCCESS(f"{role} may now only read and append to the audit log.")
        )
