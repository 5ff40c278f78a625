"""The SQL of the triggers that add a ReferenceChange (a random token) for a partnership whenever a watched
table's rows change in what the list pages keep or count of it (lib.reference): used by the migrations that
create them (directory 0004: boards, meetings, people, organisations; actions 0009: actions and their owner
links; reviews 0003: reviews, their themes), so that each watched table's triggers are written the same way.

A watched table is given as (how a row names its partnership, the columns whose change the pages would
show): `via` is the row's own `partnership_id`, or its `board_id`, `action_id` or `review_id` (the
partnership read through the board, the action or the review). What the triggers write and why is in directory migration 0004's
docstring. The SQL made here must stay what it was when a migration used it (a migration is history): add
to it, never change what it gives for the tables already watched.

A later migration that remakes a watched table on SQLite (some AlterField operations do) loses its triggers
with the old table: it drops them first (`sqlite_drop`) and creates them again after.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CHANGE = "directory_referencechange"
PARTNERSHIP = "directory_partnership"
BOARD = "directory_board"
ACTION = "actions_action"
REVIEW = "reviews_review"
KEEP = 16  # a partnership's latest changes kept: enough that the sum changes with every new one
PG_TOKEN = "1 + floor(random() * 2147483646)::integer"
SQLITE_TOKEN = "1 + abs(random() % 2147483646)"
OPERATIONS = ("insert", "delete", "update")

Watched = dict[str, tuple[str, tuple[str, ...]]]  # table: (via, columns)


def partnership_of(row: str, via: str) -> str:
    """The partnership of a row (`NEW`, `o`): an expression."""
    if via == "partnership_id":
        return f"{row}.partnership_id"
    if via == "board_id":
        return f"(SELECT b.partnership_id FROM {BOARD} b WHERE b.id = {row}.board_id)"
    if via == "action_id":
        return f"(SELECT a.partnership_id FROM {ACTION} a WHERE a.id = {row}.action_id)"
    if via == "review_id":
        return f"(SELECT r.partnership_id FROM {REVIEW} r WHERE r.id = {row}.review_id)"
    raise ValueError(
        f"a row names its partnership by partnership_id, or its board, action or review, not {via}"
    )


def postgresql_changed_function(*, skip_empty: bool = False) -> str:
    """directory_reference_changed(partnerships): a change for each partnership given once, then each keeps
    its latest KEEP (skipping any row another transaction is deleting at that moment: nothing waits). With
    `skip_empty` (actions 0009 on), a statement that changed nothing watched returns at once."""
    first = "\n    IF cardinality(partnerships) = 0 THEN RETURN; END IF;" if skip_empty else ""
    return f"""CREATE OR REPLACE FUNCTION directory_reference_changed(partnerships bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN{first}
    INSERT INTO {CHANGE} (partnership_id, token)
        SELECT d.p, {PG_TOKEN} FROM (SELECT DISTINCT p FROM unnest(partnerships) p WHERE p IS NOT NULL) d;
    DELETE FROM {CHANGE} WHERE id IN (
        SELECT c.id FROM {CHANGE} c JOIN unnest(partnerships) p ON c.partnership_id = p
         WHERE c.id < (SELECT min(l.id) FROM (SELECT k.id FROM {CHANGE} k WHERE k.partnership_id = p
                                              ORDER BY k.id DESC LIMIT {KEEP}) l)
         FOR UPDATE OF c SKIP LOCKED);
END $$"""


def postgresql(watched: Watched, *, row_updates: tuple[str, ...] = ()) -> list[str]:
    """Each table's function and its three statement-level triggers (transition tables: once a statement).

    A table in `row_updates` is watched on update by a row-level trigger on its watched columns alone
    (PostgreSQL allows no transition tables with a column list): one that other triggers update row by row
    in columns not watched (the owner links, whose copies of their action's status actions 0007 keeps), where
    a statement-level trigger would run for every one of those single-row statements and find nothing."""
    statements = []
    for table, (via, columns) in watched.items():
        changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
        if table in row_updates:
            statements += _postgresql_row_update(table, via, columns)
        statements += [
            f"""CREATE OR REPLACE FUNCTION {table}_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM directory_reference_changed(ARRAY(SELECT DISTINCT {partnership_of("n", via)} FROM inserted n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM directory_reference_changed(ARRAY(SELECT DISTINCT {partnership_of("o", via)} FROM deleted o));
    ELSE
        PERFORM directory_reference_changed(ARRAY(
            SELECT {partnership_of("n", via)} FROM changed_new n JOIN changed_old o ON o.id = n.id WHERE {changed}
            UNION SELECT {partnership_of("o", via)} FROM changed_new n JOIN changed_old o ON o.id = n.id
             WHERE {changed}));
    END IF;
    RETURN NULL;
END $$""",
            f"""CREATE TRIGGER {table}_reference_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION {table}_reference()""",
            f"""CREATE TRIGGER {table}_reference_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION {table}_reference()""",
        ]
        if table not in row_updates:
            statements.append(
                f"""CREATE TRIGGER {table}_reference_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_reference()"""
            )
    return statements


def _postgresql_row_update(table: str, via: str, columns: tuple[str, ...]) -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_reference_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM directory_reference_changed(ARRAY[{partnership_of("NEW", via)}, {partnership_of("OLD", via)}]);
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER {table}_reference_update AFTER UPDATE OF {", ".join(columns)} ON {table}
    FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {table}_reference_row()""",
    ]


def postgresql_drop(watched: Watched, *, row_updates: tuple[str, ...] = ()) -> list[str]:
    statements = []
    for table in watched:
        statements += [f"DROP TRIGGER IF EXISTS {table}_reference_{op} ON {table}" for op in OPERATIONS]
        statements.append(f"DROP FUNCTION IF EXISTS {table}_reference()")
        if table in row_updates:
            statements.append(f"DROP FUNCTION IF EXISTS {table}_reference_row()")
    return statements


def _sqlite_change(partnership: str) -> str:
    """A change row for this partnership (an expression; nothing when it is NULL), then the older rows go."""
    return (
        f"INSERT INTO {CHANGE} (partnership_id, token) SELECT p, {SQLITE_TOKEN} FROM (SELECT {partnership} AS p)"
        f" WHERE p IS NOT NULL; DELETE FROM {CHANGE} WHERE partnership_id = {partnership} AND id < (SELECT"
        f" min(id) FROM (SELECT id FROM {CHANGE} WHERE partnership_id = {partnership} ORDER BY id DESC LIMIT"
        f" {KEEP}));"
    )


def sqlite(watched: Watched) -> list[str]:
    """Each table's three row-level triggers (SQLite has no statement-level ones)."""
    statements = []
    for table, (via, columns) in watched.items():
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        statements += [
            f"CREATE TRIGGER {table}_reference_insert AFTER INSERT ON {table}"
            f" BEGIN {_sqlite_change(partnership_of('NEW', via))} END",
            f"CREATE TRIGGER {table}_reference_delete AFTER DELETE ON {table}"
            f" BEGIN {_sqlite_change(partnership_of('OLD', via))} END",
            f"CREATE TRIGGER {table}_reference_update AFTER UPDATE OF {', '.join(columns)} ON {table}"
            f" WHEN {changed}"
            f" BEGIN {_sqlite_change(partnership_of('NEW', via))} {_sqlite_change(partnership_of('OLD', via))} END",
        ]
    return statements


def sqlite_drop(watched: Watched) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_reference_{op}" for t in watched for op in OPERATIONS]


def operation(watched: Watched, *, row_updates: tuple[str, ...] = ()) -> migrations.RunPython:
    """The migration operation that creates the watched tables' triggers (and drops them, backwards), then
    adds a change for every partnership: what a process kept before the triggers watched these tables (new
    code started before the migration ran) is never found again."""

    def create(apps: Any, schema_editor: Any) -> None:
        on_postgresql = schema_editor.connection.vendor == "postgresql"
        if on_postgresql:
            statements = [
                postgresql_changed_function(skip_empty=True),
                *postgresql(watched, row_updates=row_updates),
            ]
        else:
            statements = sqlite(watched)
        for sql in statements:
            schema_editor.execute(sql)
        token = PG_TOKEN if on_postgresql else SQLITE_TOKEN
        schema_editor.execute(
            f"INSERT INTO {CHANGE} (partnership_id, token) SELECT id, {token} FROM {PARTNERSHIP}"
        )

    def drop(apps: Any, schema_editor: Any) -> None:
        on_postgresql = schema_editor.connection.vendor == "postgresql"
        statements = (
            postgresql_drop(watched, row_updates=row_updates) if on_postgresql else sqlite_drop(watched)
        )
        for sql in statements:
            schema_editor.execute(sql)

    return migrations.RunPython(create, drop)
