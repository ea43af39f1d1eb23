"""The shared cache every web process counts rate limits and sign-in failures in.

By default Django's database cache (a table in the platform's database, created by `migrate`:
see `ensure_cache_tables`), so that several gunicorn workers, or several servers, see the same
counts; Redis when `LIENTHONG_REDIS_URL` is set. A per-process memory cache would let each worker
count on its own (issue 15: the first refusal came at the 17th try of 10 with two workers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.module_loading import import_string


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache whose `incr` is atomic across processes and keeps the entry's
    expiry (Django's reads the value, then writes it back with the default timeout: two workers
    counting at once lose a count, and a counter's window would restart at each count)."""

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self.table_name = table

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        made = self.make_and_validate_key(key, version=version)
        # On SQLite the transaction takes the database's write lock at once (IMMEDIATE mode);
        # elsewhere the row lock holds other workers until this one has written.
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote('expires')} FROM {quote(self.table_name)} "  # noqa: S608
                    f"WHERE {quote('cache_key')} = %s{lock}",
                    [made],
                )
                row = cursor.fetchone()
            value = self.get(key, version=version)
            if row is None or value is None:
                raise ValueError(f"Key '{key}' not found")
            expires = row[0]
            expression = models.Expression(output_field=models.DateTimeField())
            for converter in connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection):
                expires = converter(expires, expression, connection)
            remaining = (expires - timezone.now()).total_seconds()
            new_value = int(value) + delta
            self.set(key, new_value, timeout=max(remaining, 1), version=version)
        return new_value


def ensure_cache_tables(using: str = "default", **kwargs: Any) -> None:
    """Create the database cache's table if it is missing (after every `migrate`)."""
    backends = [import_string(config["BACKEND"]) for config in settings.CACHES.values()]
    if any(issubclass(backend, DjangoDatabaseCache) for backend in backends):
        call_command("createcachetable", database=using, verbosity=0)
