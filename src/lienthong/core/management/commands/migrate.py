"""Django's migrate, run as the database owner when LIENTHONG_MIGRATE_DATABASE_URL is set
(PostgreSQL: the application's own role then owns nothing), followed by the grants of the
application's role (`grant_app_role`)."""

from typing import Any

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from lienthong.core.db_roles import app_role, as_owner, grant_app_role


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("database", DEFAULT_DB_ALIAS) != DEFAULT_DB_ALIAS:
            super().handle(*args, **options)
            return
        role = app_role()  # before switching: the settings dict is the connection's
        with as_owner() as switched:
            super().handle(*args, **options)
            connection = connections[DEFAULT_DB_ALIAS]
            if switched and connection.vendor == "postgresql" and role:
                grant_app_role(connection, role)
                if options["verbosity"] >= 1:
                    self.stdout.write(f"Granted {role} its rights (grant_app_role).")
