"""Model instances from one plain SELECT, for the few fixed queries every request makes: its user (with
their person) and its access (the role, the partnership, the board).

Building such a query through the ORM cost more than running it (bench/national.py: a signed-in page that
read nothing took 1.2 ms through the ORM, 0.6 ms this way), and these queries never change shape. So each is
written once, as SQL naming every concrete column of each model, and its row becomes instances the way a
queryset's would: each value through the converters the ORM applies (`SQLCompiler.apply_converters`: an
aware datetime on SQLite), then `Model.from_db`. A model whose primary key is NULL in the row (a LEFT JOIN
that found nothing) is None.

    user, person = select_models(
        [(User, "u"), (Person, "p")],
        "FROM auth_user u LEFT JOIN directory_person p ON p.user_id = u.id WHERE u.id = %s",
        [pk],
    )[0]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

# a model and its alias in the SQL, and optionally the attnames to read (the primary key among them: the
# rest are deferred, as `QuerySet.only` leaves them); without them, every concrete column
Part = tuple[type[models.Model], str] | tuple[type[models.Model], str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Read:
    """How one model's columns in a row become an instance: its attnames, where its primary key is, and
    each column's converters with the expression they are given (none for most)."""

    model: type[models.Model]
    attnames: list[str]
    pk_index: int
    converters: list[tuple[Any, list[Callable[..., Any]]]]


@functools.cache
def _plan(connection: BaseDatabaseWrapper, parts: tuple[Part, ...]) -> tuple[str, list[_Read]]:
    """The SELECT list (every concrete column of each model under its alias, in field order) and how each
    model is read back: made once a connection (each thread has its own), not on every request."""
    quote = connection.ops.quote_name
    selected: list[str] = []
    reads = []
    for model, alias, *only in parts:
        fields: list[Any] = list(model._meta.concrete_fields)
        if only:
            fields = [f for f in fields if f.attname in only[0] or f.primary_key]
        selected += [f"{alias}.{quote(f.column)}" for f in fields]
        pk_index = next(i for i, f in enumerate(fields) if f.primary_key)
        reads.append(_Read(model, [f.attname for f in fields], pk_index, _converters(connection, fields)))
    return ", ".join(selected), reads


def _converters(
    connection: BaseDatabaseWrapper, fields: Sequence[Any]
) -> list[tuple[Any, list[Callable[..., Any]]]]:
    """Each field's converters, with the expression they are given, as the ORM applies them."""
    found = []
    for f in fields:
        expression = f.get_col(f.model._meta.db_table)
        found.append(
            (expression, connection.ops.get_db_converters(expression) + f.get_db_converters(connection))
        )
    return found


def _convert(
    connection: BaseDatabaseWrapper,
    values: Sequence[Any],
    converters: list[tuple[Any, list[Callable[..., Any]]]],
) -> list[Any]:
    converted = []
    for value, (expression, functions) in zip(values, converters, strict=True):
        if value is not None:  # as the ORM gives it
            for convert in functions:
                value = convert(value, expression, connection)
        converted.append(value)
    return converted


def any_of(connection: BaseDatabaseWrapper, column: str, keys: Sequence[Any]) -> tuple[str, list[Any]]:
    """A test that `column` is one of `keys`, and its parameters: one array on PostgreSQL (the same SQL for
    any number of keys), a placeholder a key elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(keys)]
    return f"{column} IN ({', '.join(['%s'] * len(keys))})", list(keys)


Column = tuple[type[models.Model], str]  # a model and one of its attnames ('board_id', 'date')


@functools.cache
def _column_converters(
    connection: BaseDatabaseWrapper, columns: tuple[Column, ...]
) -> list[tuple[Any, list[Callable[..., Any]]]]:
    return _converters(connection, [model._meta.get_field(name) for model, name in columns])


def select_rows(columns: Sequence[Column], sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of a plain SELECT (`sql`, with `%s` placeholders and `params`), each value as the ORM would give
    that column of that model (`columns`, one for each value selected, in order): a date on SQLite a date, not
    its ISO text; a boolean a bool, not 0 or 1. What `values_list` gives, without building a queryset."""
    columns = tuple(columns)
    connection = connections[router.db_for_read(columns[0][0])]
    converters = _column_converters(connection, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    if not any(functions for _, functions in converters):
        return rows
    return [tuple(_convert(connection, row, converters)) for row in rows]


def select_models(
    parts: Sequence[Part], tail: str, params: Sequence[Any], *, extra: str = ""
) -> list[tuple[Any, ...]]:
    """`SELECT <every column of each part> <tail>` with `params`: each row as a tuple of instances (or None),
    one for each part. `tail` is the FROM and WHERE (and ORDER BY, LIMIT), written with the parts' aliases
    and `%s` placeholders; its values only ever come through `params`. `extra`, an expression of the parts
    (a scalar subquery), is selected after them and its value ends the tuple, as the database gives it."""
    parts = tuple(parts)
    alias = router.db_for_read(parts[0][0])
    connection = connections[alias]
    columns, reads = _plan(connection, parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}{', ' + extra if extra else ''} {tail}", list(params))
        rows = cursor.fetchall()
    found = []
    for row in rows:
        instances: list[Any] = []
        start = 0
        for read in reads:
            values = row[start : start + len(read.attnames)]
            start += len(read.attnames)
            if values[read.pk_index] is None:
                instances.append(None)
                continue
            instances.append(
                read.model.from_db(alias, read.attnames, _convert(connection, values, read.converters))
            )
        if extra:
            instances.append(row[start])
        found.append(tuple(instances))
    return found
