"""Look-ups that run on every request, with their SQL compiled once per process.

Django builds and compiles a queryset's SQL each time it runs. For the look-up of the signed-in
user (every request with a session: the user, their roles and their agency) that work was 11 %
of the web workers' CPU under load, while PostgreSQL answered the primary-key read in a fraction
of that. A `CompiledLookup` compiles its queryset once per database alias, then runs the same
SQL with the caller's value and builds the objects as Django's own iterable does (the same
converters, the related objects of `select_related`, the annotations)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=models.Model)

# Stands for the caller's value while the queryset is compiled, to be found among its parameters
SENTINEL = -2_000_000_017  # within 32-bit integers, which PostgreSQL checks


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slot: int  # where the caller's value goes in `params`
    compiler: Any


class CompiledLookup(Generic[M]):
    """`build(value)` returns the queryset of at most one object for an integer `value`."""

    def __init__(self, build: Callable[[int], models.QuerySet[M]]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled] = {}
        self._lock = Lock()

    def _compile(self, using: str) -> _Compiled:
        with self._lock:
            if using in self._compiled:
                return self._compiled[using]
            compiler = self._build(SENTINEL).query.get_compiler(using)
            sql, params = compiler.as_sql()
            slots = [i for i, param in enumerate(params) if param == SENTINEL]
            if len(slots) != 1:
                raise ValueError(f"the look-up's value appears {len(slots)} times in its SQL")
            compiled = _Compiled(sql, tuple(params), slots[0], compiler)
            self._compiled[using] = compiled
            return compiled

    def get(self, value: Any, using: str = DEFAULT_DB_ALIAS) -> M | None:
        """The object, or None when there is none or `value` is not an integer."""
        try:
            value = int(value)
        except (TypeError, ValueError):
            return None
        compiled = self._compiled.get(using) or self._compile(using)
        params = list(compiled.params)
        params[compiled.slot] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        return self._materialize(compiled.compiler, list(row), using, connection)

    @staticmethod
    def _materialize(compiler: Any, row: list[Any], using: str, connection: Any) -> M:
        """What django.db.models.query.ModelIterable does with one row."""
        select = compiler.select
        fields = [s[0] for s in select[: compiler.col_count]]
        for position, (converters, expression) in compiler.get_converters(fields).items():
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        klass_info = compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[start:end]]
        obj: M = klass_info["model"].from_db(using, names, row[start:end])
        # django-stubs describe Django 6's signature (a fetch mode added); this is Django 5.2's.
        populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]
        for populator in populators:
            populator.populate(row, obj)
        for name, position in compiler.annotation_col_map.items():
            setattr(obj, name, row[position])
        return obj
