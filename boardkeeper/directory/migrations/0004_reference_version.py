"""ReferenceVersion: a token per partnership that the database changes whenever a board, meeting, person or
organisation of the partnership is written, changed in what the list pages show of it, or deleted. The pages
cache what they read of those (boardkeeper.lib.reference) under it, and read it with the user's role.

The token is written by triggers alone, never by the application, so that every way those rows change
(save(), QuerySet.update(), bulk_create(), raw SQL, a restore) changes it:

- a partnership written gets its row;
- a board, meeting, person or organisation inserted or deleted, or changed in a watched column (WATCHED),
  gives its partnership (or both, when it moves) a new random token. Random, not a counter: a database
  restored from a backup, or a test's rolled-back partnership whose id is used again, cannot come back to a
  token that a running process has cached other rows under.

On PostgreSQL the triggers run once a statement (transition tables), so loading a year of meetings changes
each partnership's token once, not once a meeting.

A later migration that remakes one of these tables on SQLite (some AlterField operations do) loses its
triggers with the old table: it drops them first (`drop_triggers`) and creates them again after
(`create_triggers`). tests/web/test_reference_cache.py fails if a change stops changing the token.
"""

import django.db.models.deletion
from django.db import migrations, models

VERSION = "directory_referenceversion"
PARTNERSHIP = "directory_partnership"
BOARD = "directory_board"
# a watched table: how a row names its partnership (its own column, or through its board), and the columns
# whose change the pages would show
WATCHED = {
    "directory_board": ("partnership_id", ("name", "partnership_id")),
    "directory_organisation": ("partnership_id", ("name", "partnership_id")),
    "directory_person": ("partnership_id", ("full_name", "organisation_id", "partnership_id")),
    "meetings_meeting": ("board_id", ("date", "board_id")),
}
PG_TOKEN = "floor(random() * 4611686018427387904)::bigint"  # below 2**62
SQLITE_TOKEN = "random()"


def _partnership_of(row: str, via: str) -> str:
    if via == "partnership_id":
        return f"{row}.partnership_id"
    return f"(SELECT b.partnership_id FROM {BOARD} b WHERE b.id = {row}.board_id)"


def _postgresql() -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION directory_reference_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {VERSION} (partnership_id, version) VALUES (NEW.id, {PG_TOKEN});
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER directory_reference_new AFTER INSERT ON {PARTNERSHIP}
    FOR EACH ROW EXECUTE FUNCTION directory_reference_new()""",
    ]
    for table, (via, columns) in WATCHED.items():
        changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
        bump = f"UPDATE {VERSION} SET version = {PG_TOKEN} WHERE partnership_id IN"
        statements += [
            f"""CREATE OR REPLACE FUNCTION {table}_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {bump} (SELECT {_partnership_of("n", via)} FROM inserted n);
    ELSIF TG_OP = 'DELETE' THEN
        {bump} (SELECT {_partnership_of("o", via)} FROM deleted o);
    ELSE
        {bump} (SELECT {_partnership_of("n", via)} FROM changed_new n JOIN changed_old o ON o.id = n.id
                WHERE {changed}
                UNION SELECT {_partnership_of("o", via)} FROM changed_new n JOIN changed_old o ON o.id = n.id
                WHERE {changed});
    END IF;
    RETURN NULL;
END $$""",
            f"""CREATE TRIGGER {table}_reference_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION {table}_reference()""",
            f"""CREATE TRIGGER {table}_reference_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION {table}_reference()""",
            f"""CREATE TRIGGER {table}_reference_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_reference()""",
        ]
    return statements


def _postgresql_drop() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS directory_reference_new ON {PARTNERSHIP}",
        "DROP FUNCTION IF EXISTS directory_reference_new()",
    ]
    for table in WATCHED:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_reference_{op} ON {table}"
            for op in ("insert", "delete", "update")
        ]
        statements.append(f"DROP FUNCTION IF EXISTS {table}_reference()")
    return statements


def _sqlite() -> list[str]:
    statements = [
        f"""CREATE TRIGGER directory_reference_new AFTER INSERT ON {PARTNERSHIP}
    BEGIN INSERT INTO {VERSION} (partnership_id, version) VALUES (NEW.id, {SQLITE_TOKEN}); END"""
    ]
    bump = f"UPDATE {VERSION} SET version = {SQLITE_TOKEN} WHERE partnership_id IN"
    for table, (via, columns) in WATCHED.items():
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        statements += [
            f"CREATE TRIGGER {table}_reference_insert AFTER INSERT ON {table}"
            f" BEGIN {bump} ({_partnership_of('NEW', via)}); END",
            f"CREATE TRIGGER {table}_reference_delete AFTER DELETE ON {table}"
            f" BEGIN {bump} ({_partnership_of('OLD', via)}); END",
            f"CREATE TRIGGER {table}_reference_update AFTER UPDATE OF {', '.join(columns)} ON {table}"
            f" WHEN {changed}"
            f" BEGIN {bump} ({_partnership_of('NEW', via)}, {_partnership_of('OLD', via)}); END",
        ]
    return statements


def _sqlite_drop() -> list[str]:
    statements = ["DROP TRIGGER IF EXISTS directory_reference_new"]
    for table in WATCHED:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_reference_{op}" for op in ("insert", "delete", "update")
        ]
    return statements


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The triggers, then a token for every partnership already there."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in _postgresql() if postgresql else _sqlite():
        schema_editor.execute(sql)
    token = PG_TOKEN if postgresql else SQLITE_TOKEN
    schema_editor.execute(
        f"INSERT INTO {VERSION} (partnership_id, version) SELECT id, {token} FROM {PARTNERSHIP}"
        f" WHERE id NOT IN (SELECT partnership_id FROM {VERSION})"
    )


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in _postgresql_drop() if postgresql else _sqlite_drop():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_partnership_undated_flag_months"),
        ("meetings", "0004_preview_corrections"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceVersion",
            fields=[
                (
                    "partnership",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="directory.partnership",
                    ),
                ),
                ("version", models.BigIntegerField(editable=False)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
