"""Audit events cannot be changed or deleted below the ORM: a trigger on the table refuses an UPDATE or a
DELETE, on PostgreSQL and on SQLite, whoever sends it (a queryset's `.update()`, raw SQL, a console).

One change is let through: an account's removal clears `user_id` (the event keeps the username). On SQLite
a DELETE is let through while this process says so (`erasable`): Django's test runner empties tables with
DELETE between tests (PostgreSQL's TRUNCATE fires no row trigger). A connection without the function (the
sqlite3 shell) cannot delete at all.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
REFUSAL = "audit events cannot be changed or deleted"
KEPT = (
    "id",
    "at",
    "username",
    "ip",
    "action",
    "model",
    "object_id",
    "object_repr",
    "partnership_id",
    "changes",
    "detail",
)

erasable = False  # the test suite's flush only (tests/web/conftest.py)


def _erasable() -> int:
    return 1 if erasable else 0


def register_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new SQLite connection, the function the DELETE trigger asks (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("boardkeeper_audit_erasable", 0, _erasable)


def _only_the_account_cleared(new: str, old: str) -> str:
    same = " AND ".join(f"{new}.{c} IS {old}.{c}" for c in KEPT)
    return f"{new}.user_id IS NULL AND {same}"


SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT ({_only_the_account_cleared("NEW", "OLD")})
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT boardkeeper_audit_erasable()
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]

PG_CREATE = [
    f"""CREATE OR REPLACE FUNCTION audit_auditevent_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
           AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    f"""CREATE TRIGGER audit_auditevent_immutable BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_immutable()""",
]
PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_auditevent_immutable()",
]


def install(schema_editor: Any) -> None:
    for sql in {"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def uninstall(schema_editor: Any) -> None:
    for sql in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)
