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

A later migration that remakes one of these tables on SQLite (some AlterField operations do) loses its
triggers with the old table: it drops them first (`drop_triggers`) and creates them again after
(`create_triggers`). tests/web/test_reference_cache.py fails if a change stops changing the sum.
"""

from django.db import migrations, models

CHANGE = "directory_referencechange"
PARTNERSHIP = "directory_partnership"
BOARD = "directory_board"
KEEP = 16  # a partnership's latest changes kept: enough that the sum changes with every new one
# a watched table: how a row names its partnership (its own column, or through its board), and the columns
# whose change the pages would show
WATCHED = {
    "directory_board": ("partnership_id", ("name", "slug", "partnership_id")),
    "directory_organisation": ("partnership_id", ("name", "partnership_id")),
    "directory_person": ("partnership_id", ("full_name", "organisation_id", "partnership_id")),
    "meetings_meeting": ("board_id", ("date", "board_id")),
}
PG_TOKEN = "1 + floor(random() * 2147483646)::integer"
SQLITE_TOKEN = "1 + abs(random() % 2147483646)"


def _partnership_of(row: str, via: str) -> str:
    if via == "partnership_id":
        return f"{row}.partnership_id"
    return f"(SELECT b.partnership_id FROM {BOARD} b WHERE b.id = {row}.board_id)"


def _postgresql() -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION directory_reference_changed(partnerships bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {CHANGE} (partnership_id, token)
        SELECT d.p, {PG_TOKEN} FROM (SELECT DISTINCT p FROM unnest(partnerships) p WHERE p IS NOT NULL) d;
    DELETE FROM {CHANGE} WHERE id IN (
        SELECT c.id FROM {CHANGE} c JOIN unnest(partnerships) p ON c.partnership_id = p
         WHERE c.id < (SELECT min(l.id) FROM (SELECT k.id FROM {CHANGE} k WHERE k.partnership_id = p
                                              ORDER BY k.id DESC LIMIT {KEEP}) l)
         FOR UPDATE OF c SKIP LOCKED);
END $$"""
    ]
    for table, (via, columns) in WATCHED.items():
        changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
        statements += [
            f"""CREATE OR REPLACE FUNCTION {table}_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM directory_reference_changed(ARRAY(SELECT DISTINCT {_partnership_of("n", via)} FROM inserted n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM directory_reference_changed(ARRAY(SELECT DISTINCT {_partnership_of("o", via)} FROM deleted o));
    ELSE
        PERFORM directory_reference_changed(ARRAY(
            SELECT {_partnership_of("n", via)} FROM changed_new n JOIN changed_old o ON o.id = n.id WHERE {changed}
            UNION SELECT {_partnership_of("o", via)} FROM changed_new n JOIN changed_old o ON o.id = n.id
             WHERE {changed}));
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
    statements = []
    for table in WATCHED:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_reference_{op} ON {table}" for op in ("insert", "delete", "update")
        ]
        statements.append(f"DROP FUNCTION IF EXISTS {table}_reference()")
    statements.append("DROP FUNCTION IF EXISTS directory_reference_changed(bigint[])")
    return statements


def _sqlite_change(partnership: str) -> str:
    """A change row for this partnership (an expression; nothing when it is NULL), then the older rows go."""
    return (
        f"INSERT INTO {CHANGE} (partnership_id, token) SELECT p, {SQLITE_TOKEN} FROM (SELECT {partnership} AS p)"
        f" WHERE p IS NOT NULL; DELETE FROM {CHANGE} WHERE partnership_id = {partnership} AND id < (SELECT"
        f" min(id) FROM (SELECT id FROM {CHANGE} WHERE partnership_id = {partnership} ORDER BY id DESC LIMIT"
        f" {KEEP}));"
    )


def _sqlite() -> list[str]:
    statements = []
    for table, (via, columns) in WATCHED.items():
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        statements += [
            f"CREATE TRIGGER {table}_reference_insert AFTER INSERT ON {table}"
            f" BEGIN {_sqlite_change(_partnership_of('NEW', via))} END",
            f"CREATE TRIGGER {table}_reference_delete AFTER DELETE ON {table}"
            f" BEGIN {_sqlite_change(_partnership_of('OLD', via))} END",
            f"CREATE TRIGGER {table}_reference_update AFTER UPDATE OF {', '.join(columns)} ON {table}"
            f" WHEN {changed}"
            f" BEGIN {_sqlite_change(_partnership_of('NEW', via))} {_sqlite_change(_partnership_of('OLD', via))} END",
        ]
    return statements


def _sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_reference_{op}" for t in WATCHED for op in ("insert", "delete", "update")]


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The triggers, then a change for every partnership already there (so that its pages cache at once)."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in _postgresql() if postgresql else _sqlite():
        schema_editor.execute(sql)
    token = PG_TOKEN if postgresql else SQLITE_TOKEN
    schema_editor.execute(f"INSERT INTO {CHANGE} (partnership_id, token) SELECT id, {token} FROM {PARTNERSHIP}")


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
