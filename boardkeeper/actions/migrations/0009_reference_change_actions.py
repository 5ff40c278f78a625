"""The partnership's reference version (directory.ReferenceChange) changes with its actions too: an action
inserted or deleted, or changed in what the action log counts by (its status, board, partnership, the meeting
that raised it, its due date or due meeting), and an owner link made, moved or removed, adds a change for the
action's partnership, by the same triggers as the boards' and meetings' (directory.reference_triggers). The
action log and My actions keep their counts by status between requests under that version.

A later migration that remakes actions_action or its owner links on SQLite drops these triggers first and
creates them again after (as directory 0004 says), as well as 0007's.
"""

from django.db import migrations

from boardkeeper.directory import reference_triggers as triggers

WATCHED = {
    "actions_action": (
        "partnership_id",
        ("status", "partnership_id", "board_id", "meeting_id", "due_date", "due_meeting_id"),
    ),
    "actions_action_owner_people": ("action_id", ("action_id", "person_id")),
}


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0008_status_indexes_include"),
        ("directory", "0004_reference_change"),
    ]

    # the owner links' copies of their action's status (0007) are updated row by row: watched by a row-level
    # trigger on action_id and person_id alone (directory.reference_triggers.postgresql)
    operations = [triggers.operation(WATCHED, row_updates=("actions_action_owner_people",))]
