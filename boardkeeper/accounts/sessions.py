"""Sessions in the database, as Django's `db` engine keeps them, read with one plain SELECT.

Every signed-in request reads its session first. Django's engine reads it through the ORM
(`Session.objects.get(...)`): building that query cost more than running it (bench/national.py's floor, a
signed-in page that reads nothing). This store sends the same SELECT, written once, with the expiry compared
as the ORM would write it for the database in use (`adapt_datetimefield_value`). Writing, deleting and
clearing sessions are Django's own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        if not self.session_key:  # no key, or not one Django could have made (the key's setter checks it)
            self._session_key = None
            return None
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return SimpleNamespace(session_data=row[0])  # what load() reads of the row
