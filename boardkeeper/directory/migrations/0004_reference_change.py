"""ReferenceChange: a row with a random token for each change to what the list pages cache of a partnership
(its boards, meetings, people and organisations), written by database triggers. The pages cache those reads
(boardkeeper.lib.reference) under the sum of the partnership's tokens and its latest change's id, read with
the user's role.

The triggers write, never the application, so that every way those rows change (save(), QuerySet.update(),
bulk_create(), raw SQL) is seen:

- a board, meeting, person or organisation inserted or deleted, or changed in a watched column (WATCHED),
  adds a row for its partnership (for both, when it moves) with a random token from 1 to 2**31 - 1;
- each keeps the partnership's latest KEEP rows and deletes older ones (on PostgreSQL skipping any row
  another transaction is deleting at that moment: nothing waits).

Why a sum of inserted tokens and not one token row updated by every change: the sum of the rows a request
can see changes whenever a change commits, in whatever order changes commit (a latest-id would miss a change
committed after a later one), and an insert never waits for another writer, so imports and corrections of
the same partnership neither queue behind each other on one row nor deadlock over it. Random, not a counter:
a test's rolled-back partnership whose id is used again does not come back to a sum a running process has
cached other rows under. A database restored from a backup comes back to the sum it had when the backup was
made, and so to what was cached under that sum then: the same rows.

On PostgreSQL the triggers run once a statement (transition tables): loading a year of meetings is one row.

The SQL is made by directory.reference_triggers (actions migration 0009 watches actions the same way). A later
migration that remakes one of these tables on SQLite (some AlterField operations do) loses its triggers with
the old table: it drops them first (`drop_triggers`) and creates them again after (`create_triggers`).
tests/web/test_reference_cache.py fails if a change stops changing the sum.
"""

from django.db import migrations, models

from boardkeeper.directory import reference_triggers as triggers

PARTNERSHIP = "directory_partnership"
# a watched table: how a row names its partnership (its own column, or through its board), and the columns
# whose change the pages would show
WATCHED = {
    "directory_board": ("partnership_id", ("name", "slug", "partnership_id")),
    "directory_organisation": ("partnership_id", ("name", "partnership_id")),
    "directory_person": ("partnership_id", ("full_name", "organisation_id", "partnership_id")),
    "meetings_meeting": ("board_id", ("date", "board_id")),
}


def _postgresql() -> list[str]:
    return [triggers.postgresql_changed_function(), *triggers.postgresql(WATCHED)]


def _postgresql_drop() -> list[str]:
    return [*triggers.postgresql_drop(WATCHED), "DROP FUNCTION IF EXISTS directory_reference_changed(bigint[])"]


def _sqlite() -> list[str]:
    return triggers.sqlite(WATCHED)


def _sqlite_drop() -> list[str]:
    return triggers.sqlite_drop(WATCHED)


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The triggers, then a change for every partnership already there (so that its pages cache at once)."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in _postgresql() if postgresql else _sqlite():
        schema_editor.execute(sql)
    token = triggers.PG_TOKEN if postgresql else triggers.SQLITE_TOKEN
    schema_editor.execute(
        f"INSERT INTO {triggers.CHANGE} (partnership_id, token) SELECT id, {token} FROM {PARTNERSHIP}"
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
            name="ReferenceChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("partnership_id", models.BigIntegerField(editable=False)),
                ("token", models.IntegerField(editable=False)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["partnership_id", "id", "token"], name="reference_change_latest")
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
