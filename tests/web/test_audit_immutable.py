"""Audit events cannot be changed or deleted below the ORM (a red team rewrote them with a queryset's
update and delete): the database's own trigger refuses, on SQLite and on PostgreSQL alike. Removing an
account still clears its id from its events (they keep the username)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cast import Cast
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from boardkeeper.audit import immutable, recorder
from boardkeeper.audit.models import AuditEvent


@pytest.fixture
def locked() -> Iterator[None]:
    """As in production: no deletes (the suite's flush is allowed them on SQLite)."""
    immutable.erasable = False
    try:
        yield
    finally:
        immutable.erasable = True


def an_event(user: User) -> AuditEvent:
    with recorder.acting_as(user):
        recorder.event(AuditEvent.Action.EXPORT, detail="the action log")
    return AuditEvent.objects.filter(user=user, action=AuditEvent.Action.EXPORT).latest("pk")


def refused(sql: str, *params: object) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as e:
        assert immutable.REFUSAL in str(e)
        return True
    return False


@pytest.mark.usefixtures("locked")
def test_raw_sql_cannot_change_or_delete_an_audit_event(cast: Cast) -> None:
    event = an_event(cast.manager)
    assert refused("UPDATE audit_auditevent SET detail = 'nothing happened' WHERE id = %s", event.pk)
    assert refused(
        "UPDATE audit_auditevent SET username = 'someone else', user_id = NULL WHERE id = %s", event.pk
    )
    assert refused("DELETE FROM audit_auditevent WHERE id = %s", event.pk)
    event.refresh_from_db()
    assert event.detail == "the action log" and event.user_id == cast.manager.pk


@pytest.mark.usefixtures("locked")
def test_the_orm_cannot_either(cast: Cast) -> None:
    event = an_event(cast.manager)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditEvent.Action.SIGN_IN)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.usefixtures("locked")
def test_removing_an_account_clears_its_id_and_keeps_its_name(cast: Cast) -> None:
    user = User.objects.create_user("leaver", password="a long enough password 1")
    event = an_event(user)
    user.delete()
    event.refresh_from_db()
    assert (event.user_id, event.username, event.detail) == (None, "leaver", "the action log")
