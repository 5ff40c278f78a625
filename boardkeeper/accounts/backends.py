"""How a request's user is read: Django's ModelBackend, with the user's directory person read in the same
query (every page names the person signed in: `user.person.full_name` in the header)."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connections, router

from boardkeeper.directory.models import Person


@functools.cache
def _user_sql(vendor: str, quote: Any) -> str:
    """The SELECT of a user and their person, written once a database kind: every column of each, in the
    order of their models' concrete fields."""
    user, person = User._meta, Person._meta
    columns = [f"u.{quote(f.column)}" for f in user.concrete_fields] + [
        f"p.{quote(f.column)}" for f in person.concrete_fields
    ]
    user_id = quote(Person._meta.get_field("user").column)
    return (
        f"SELECT {', '.join(columns)} FROM {quote(user.db_table)} u"
        f" LEFT JOIN {quote(person.db_table)} p ON p.{user_id} = u.{quote(user.pk.column)}"
        f" WHERE u.{quote(user.pk.column)} = %s"
    )


class UserWithPersonBackend(ModelBackend):
    """ModelBackend (passwords, permissions, `is_active`) whose `get_user` reads the person with the user:
    one query a request, a plain SELECT written once (`_user_sql`). Every signed-in request makes it, and
    the ORM's building of the same query cost more than the query (bench/national.py's floor). The values
    go through the converters the ORM would apply (an aware `last_login` on SQLite) and become model
    instances by `Model.from_db`, as a queryset's rows do."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except Exception:
            return None
        alias = router.db_for_read(User)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(connection.vendor, connection.ops.quote_name), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user_fields, person_fields = User._meta.concrete_fields, Person._meta.concrete_fields
        values = [
            _converted(connection, f, v) for f, v in zip([*user_fields, *person_fields], row, strict=True)
        ]
        user = User.from_db(alias, [f.attname for f in user_fields], values[: len(user_fields)])
        person_values = values[len(user_fields) :]
        person = None
        if person_values[0] is not None:  # the person's id: there is one
            person = Person.from_db(alias, [f.attname for f in person_fields], person_values)
            Person._meta.get_field("user").set_cached_value(person, user)
        reverse: Any = User._meta.get_field("person")  # the person's one-to-one, seen from the user
        reverse.set_cached_value(user, person)  # as select_related leaves it: user.person, or DoesNotExist
        return user if self.user_can_authenticate(user) else None


def _converted(connection: Any, field: Any, value: Any) -> Any:
    """A column's value as the ORM would give it (`SQLCompiler.apply_converters`)."""
    if value is None:
        return None
    expression = field.get_col(field.model._meta.db_table)
    for convert in connection.ops.get_db_converters(expression) + field.get_db_converters(connection):
        value = convert(value, expression, connection)
    return value
