"""Fast inserts of model rows: COPY FROM STDIN on PostgreSQL (psycopg 3), executemany on SQLite.

Django's `bulk_create` spends most of its time compiling expressions for every value; here each
value goes through its field's own `get_db_prep_save` (so dates, times, JSON and foreign keys are
written exactly as the ORM writes them) and straight to the database. Primary keys are handed
out beforehand (from the table's sequence on PostgreSQL; after the largest id on SQLite, where the
generator is the only writer while it runs), so rows can point at each other before they are
written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.base import ModelState
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class _Blueprint:
    """What `Model.__init__` works out for every object of a model, worked out once."""

    def __init__(self, model: type[models.Model]) -> None:
        self.constant: dict[str, Any] = {}
        self.computed: list[tuple[str, Callable[[], Any]]] = []
        self.relations: dict[str, str] = {}  # field name → attname (e.g. document → document_id)
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                self.computed.append((f.attname, f.get_default))
            else:
                self.constant[f.attname] = f.get_default()
            if f.is_relation:
                self.relations[f.name] = f.attname


_BLUEPRINTS: dict[type[models.Model], _Blueprint] = {}


def build(model: type[M], **values: Any) -> M:
    """`model(**values)` for the generator's rows, without `Model.__init__`'s per-call work
    (a quarter of the generator's time): defaults, then the values; a related object given by
    its field name sets the id and is cached as `__init__` caches it. Models whose instances
    need `pre_init`/`post_init` signals (none of the generated ones) must not be built here."""
    blueprint = _BLUEPRINTS.get(model)
    if blueprint is None:
        blueprint = _BLUEPRINTS[model] = _Blueprint(model)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    fields = dict(blueprint.constant)
    for attname, default in blueprint.computed:
        fields[attname] = default()
    relations = blueprint.relations
    for name, value in values.items():
        column = relations.get(name)
        if column is None:
            fields[name] = value
        else:
            fields[column] = None if value is None else value.pk
            state.fields_cache[name] = value
    obj.__dict__.update(fields)
    return obj


class BulkWriter:
    def __init__(self) -> None:
        self.postgresql = connection.vendor == "postgresql"
        self.next_id: dict[str, int] = {}
        self.columns: dict[tuple[type[models.Model], bool], list[models.Field[Any, Any]]] = {}

    def assign_ids(self, objects: Sequence[models.Model]) -> None:
        """Give each unsaved object the primary key it will have."""
        if not objects:
            return
        meta = type(objects[0])._meta
        assert meta.pk is not None
        table, column = meta.db_table, str(meta.pk.column)
        with connection.cursor() as cursor:
            if self.postgresql:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, column, len(objects)],
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:
                if table not in self.next_id:
                    quoted = connection.ops.quote_name
                    cursor.execute(f"SELECT max({quoted(column)}) FROM {quoted(table)}")  # noqa: S608
                    largest = cursor.fetchone()[0] or 0
                    # AUTOINCREMENT never reuses an id, not even a deleted row's.
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                    self.next_id[table] = max(largest, row[0] if row else 0) + 1
                first = self.next_id[table]
                ids = list(range(first, first + len(objects)))
                self.next_id[table] = first + len(objects)
        for obj, pk in zip(objects, ids, strict=True):
            obj.pk = pk

    def _fields(self, model: type[models.Model], with_pk: bool) -> list[models.Field[Any, Any]]:
        key = (model, with_pk)
        if key not in self.columns:
            self.columns[key] = [
                f for f in model._meta.concrete_fields if with_pk or not f.primary_key
            ]
        return self.columns[key]

    def update(self, objects: Sequence[models.Model], fields: Sequence[str]) -> None:
        """Write these fields of rows already in the database, one statement per row sent in
        a pipeline (`bulk_update`'s CASE … WHEN expressions cost more than the rows here)."""
        if not objects:
            return
        meta = type(objects[0])._meta
        db = connections[DEFAULT_DB_ALIAS]
        quote = db.ops.quote_name
        columns = [f for f in meta.concrete_fields if f.name in fields]
        assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in columns)
        pk = meta.pk
        assert pk is not None
        rows = [
            [f.get_db_prep_save(getattr(obj, f.attname), db) for f in columns] + [obj.pk]
            for obj in objects
        ]
        with db.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {quote(str(pk.column))} = %s",
                rows,
            )

    def _plain_types(self, f: models.Field[Any, Any]) -> set[type]:
        """The exact value types `get_db_prep_save` of this field returns unchanged (so the call,
        the most expensive part of building a row, can be skipped for them). A text field's
        set grows with the `TextChoices` classes it meets (`insert`)."""
        simple = (type(None),)
        if not type(f).__module__.startswith("django.db.models."):
            return set()  # a field class of our own may prepare values its own way
        if isinstance(f, models.ForeignKey | models.AutoField | models.IntegerField):
            return {*simple, int}
        if isinstance(f, models.BooleanField):
            return {*simple, bool}
        if isinstance(f, models.CharField | models.TextField):
            return {*simple, str}
        if self.postgresql and isinstance(f, models.DateTimeField):
            return {*simple, datetime}  # aware: passed as is (SQLite: as text)
        if self.postgresql and isinstance(f, models.DateField):
            return {*simple, date}
        return set()

    def insert(self, objects: Sequence[models.Model], *, with_pk: bool = True) -> None:
        """Write the objects (their pks set by `assign_ids` when `with_pk`)."""
        if not objects:
            return
        model = type(objects[0])
        fields = self._fields(model, with_pk)
        db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-access proxy
        now = timezone.now()
        prepared = []
        for f in fields:
            automatic = isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
            plain = self._plain_types(f)
            textual = str in plain
            prepared.append((f.attname, f.get_db_prep_save, automatic, plain, textual))
        rows = []
        for obj in objects:
            row = []
            values = obj.__dict__
            for attname, prep, automatic, plain, textual in prepared:
                value = values[attname]
                if value is None and automatic:
                    value = now
                    setattr(obj, attname, value)
                if type(value) not in plain:
                    if textual and isinstance(value, str):
                        # A `TextChoices` member: Django's text fields pass any str through
                        # (lazy translations are not str), so its class is plain from now on.
                        plain.add(type(value))
                    else:
                        value = prep(value, db)
                row.append(value)
            rows.append(row)
        quote = db.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(str(f.column)) for f in fields)
        with db.cursor() as cursor:
            if self.postgresql:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        for obj in objects:
            obj._state.adding = False
            obj._state.db = db.alias
