"""How a request's user is read: Django's ModelBackend, with the user's directory person read in the same
query (every page names the person signed in: `user.person.full_name` in the header)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User

from boardkeeper.directory.models import Person
from boardkeeper.lib.plain_sql import select_models

_USER_WITH_PERSON = (
    f"FROM {User._meta.db_table} u LEFT JOIN {Person._meta.db_table} p ON p.user_id = u.id WHERE u.id = %s"
)


class UserWithPersonBackend(ModelBackend):
    """ModelBackend (passwords, permissions, `is_active`) whose `get_user` reads the person with the user:
    one query a request, a plain SELECT written once (`lib.plain_sql`): every signed-in request makes it,
    and the ORM's building of the same query cost more than the query (bench/national.py's floor)."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except Exception:
            return None
        found = select_models([(User, "u"), (Person, "p")], _USER_WITH_PERSON, [pk])
        if not found:
            return None
        user, person = found[0]
        if person is not None:
            Person._meta.get_field("user").set_cached_value(person, user)
        reverse: Any = User._meta.get_field("person")  # the person's one-to-one, seen from the user
        reverse.set_cached_value(user, person)  # as select_related leaves it: user.person, or DoesNotExist
        return user if self.user_can_authenticate(user) else None
