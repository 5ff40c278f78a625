"""ActionOwner: the link of an action to a person who owns it (`Action.owner_people`) gets a model of its own,
on the table it already had, and with it a copy of the action's status, partnership, raised_on and position,
kept by the database: 'My actions' counts and pages a person's actions from the link's own index.

The copies are written by triggers, never by the application, so that every way an action changes (save(),
QuerySet.update(), bulk_update(), raw SQL, a restore) keeps them right:

- a link written (or pointed at another action) copies its action's columns;
- an action written, or its status, partnership, raised_on or position changed, writes them to its links.

A later migration that remakes `actions_action` or `actions_action_owner_people` on SQLite (some
AlterField/AddField operations do) fails while these triggers name the table, and PostgreSQL refuses to
change the type of a column a trigger reads: such a migration drops the triggers first (`drop_triggers`)
and creates them again after (`create_triggers`). tests/web/test_my_actions_index.py fails if a copy stops
following its action.

On PostgreSQL the copy of a new link reads its action FOR SHARE: a change to the action's status being
made at that moment in another transaction is waited for and copied, rather than missed by both triggers
(each would not see the other's uncommitted row).
"""

import django.db.models.deletion
from django.db import migrations, models

LINK = "actions_action_owner_people"
ACTION = "actions_action"
COPIED = ("status", "partnership_id", "raised_on", "position")

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION actions_owner_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT a.status, a.partnership_id, a.raised_on, a.position
      INTO NEW.status, NEW.partnership_id, NEW.raised_on, NEW.position
      FROM {ACTION} a WHERE a.id = NEW.action_id FOR SHARE;
    IF NOT FOUND THEN  -- its action is written later in the transaction, and copies its columns then
        NEW.status := '';
        NEW.position := 0;
    END IF;
    RETURN NEW;
END $$""",
    f"""CREATE TRIGGER actions_owner_copy BEFORE INSERT OR UPDATE OF action_id ON {LINK}
    FOR EACH ROW EXECUTE FUNCTION actions_owner_copy()""",
    f"""CREATE OR REPLACE FUNCTION actions_owner_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {LINK} SET status = NEW.status, partnership_id = NEW.partnership_id, raised_on = NEW.raised_on,
        position = NEW.position
     WHERE action_id = NEW.id;
    RETURN NULL;
END $$""",
    f"""CREATE TRIGGER actions_owner_follow AFTER UPDATE OF status, partnership_id, raised_on, position
    ON {ACTION} FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.partnership_id IS DISTINCT FROM NEW.partnership_id
          OR OLD.raised_on IS DISTINCT FROM NEW.raised_on OR OLD.position IS DISTINCT FROM NEW.position)
    EXECUTE FUNCTION actions_owner_follow()""",
    # actions written after their links (possible within a transaction, the foreign key being deferred):
    # once a statement, not once a row, so that loading a million actions is one join
    f"""CREATE OR REPLACE FUNCTION actions_owner_follow_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {LINK} o SET status = n.status, partnership_id = n.partnership_id, raised_on = n.raised_on,
        position = n.position
      FROM inserted n WHERE o.action_id = n.id;
    RETURN NULL;
END $$""",
    f"""CREATE TRIGGER actions_owner_follow_inserted AFTER INSERT ON {ACTION}
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION actions_owner_follow_inserted()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS actions_owner_copy ON {LINK}",
    f"DROP TRIGGER IF EXISTS actions_owner_follow ON {ACTION}",
    f"DROP TRIGGER IF EXISTS actions_owner_follow_inserted ON {ACTION}",
    "DROP FUNCTION IF EXISTS actions_owner_copy()",
    "DROP FUNCTION IF EXISTS actions_owner_follow()",
    "DROP FUNCTION IF EXISTS actions_owner_follow_inserted()",
]

_SQLITE_COPY = (
    f"UPDATE {LINK} SET ({', '.join(COPIED)}) = (SELECT {', '.join(COPIED)} FROM {ACTION} WHERE id = NEW.action_id)"
    f" WHERE id = NEW.id AND EXISTS (SELECT 1 FROM {ACTION} WHERE id = NEW.action_id);"
)
_SQLITE_FOLLOW = (
    f"UPDATE {LINK} SET status = NEW.status, partnership_id = NEW.partnership_id, raised_on = NEW.raised_on,"
    " position = NEW.position WHERE action_id = NEW.id;"
)
SQLITE = [
    f"CREATE TRIGGER actions_owner_copy AFTER INSERT ON {LINK} BEGIN {_SQLITE_COPY} END",
    f"CREATE TRIGGER actions_owner_copy_moved AFTER UPDATE OF action_id ON {LINK} BEGIN {_SQLITE_COPY} END",
    f"CREATE TRIGGER actions_owner_follow AFTER UPDATE OF {', '.join(COPIED)} ON {ACTION} BEGIN {_SQLITE_FOLLOW} END",
    f"CREATE TRIGGER actions_owner_follow_inserted AFTER INSERT ON {ACTION} BEGIN {_SQLITE_FOLLOW} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS actions_owner_copy",
    "DROP TRIGGER IF EXISTS actions_owner_copy_moved",
    "DROP TRIGGER IF EXISTS actions_owner_follow",
    "DROP TRIGGER IF EXISTS actions_owner_follow_inserted",
]


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The triggers, then every existing link's copies (an update of action_id to itself fires the copy)."""
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)
    schema_editor.execute(f"UPDATE {LINK} SET action_id = action_id")


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_action_partnership"),
        ("directory", "0003_partnership_undated_flag_months"),
    ]

    operations = [
        # the model of the table Django made for the many-to-many: nothing changes in the database
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActionOwner",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "action",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="actions.action"
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="directory.person"
                            ),
                        ),
                    ],
                    options={
                        "db_table": LINK,
                        "unique_together": {("action", "person")},
                    },
                ),
                migrations.AlterField(
                    model_name="action",
                    name="owner_people",
                    field=models.ManyToManyField(
                        blank=True, related_name="actions", through="actions.ActionOwner", to="directory.person"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="actionowner",
            name="status",
            field=models.CharField(default="", editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="actionowner",
            name="partnership_id",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="actionowner",
            name="raised_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="actionowner",
            name="position",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="actionowner",
            index=models.Index(
                fields=["person", "partnership_id", "raised_on", "position", "action", "status"],
                name="action_owner_mine",
            ),
        ),
    ]
