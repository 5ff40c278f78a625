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
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

Part = tuple[type[models.Model], str]  # a model, and its alias in the SQL


@functools.cache
def _columns(vendor: str, parts: tuple[Part, ...]) -> str:
    """The SELECT list: every concrete column of each model under its alias, in field order (written once
    a kind of database; `vendor` keys the quoting)."""
    quote = connections[router.db_for_read(parts[0][0])].ops.quote_name
    return ", ".join(
        f"{alias}.{quote(f.column)}" for model, alias in parts for f in model._meta.concrete_fields
    )


def select_models(parts: Sequence[Part], tail: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """`SELECT <every column of each part> <tail>` with `params`: each row as a tuple of instances (or None),
    one for each part. `tail` is the FROM and WHERE (and ORDER BY, LIMIT), written with the parts' aliases
    and `%s` placeholders; its values only ever come through `params`."""
    parts = tuple(parts)
    alias = router.db_for_read(parts[0][0])
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_columns(connection.vendor, parts)} {tail}", list(params))
        rows = cursor.fetchall()
    found = []
    for row in rows:
        instances: list[Any] = []
        start = 0
        for model, _ in parts:
            fields = model._meta.concrete_fields
            values = row[start : start + len(fields)]
            start += len(fields)
            pk_index = next(i for i, f in enumerate(fields) if f.primary_key)
            if values[pk_index] is None:
                instances.append(None)
                continue
            converted = [_converted(connection, f, v) for f, v in zip(fields, values, strict=True)]
            instances.append(model.from_db(alias, [f.attname for f in fields], converted))
        found.append(tuple(instances))
    return found


def _converted(connection: Any, field: Any, value: Any) -> Any:
    """A column's value as the ORM gives it."""
    if value is None:
        return None
    expression = field.get_col(field.model._meta.db_table)
    for convert in connection.ops.get_db_converters(expression) + field.get_db_converters(connection):
        value = convert(value, expression, connection)
    return value
