"""Action.partnership: its board's partnership, denormalised so that a partnership's log reads its page in
order from one index range (and counts its statuses from another)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_partnership(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every action's partnership from its board, in one UPDATE."""
    Action = apps.get_model("actions", "Action")
    Board = apps.get_model("directory", "Board")
    Action.objects.update(
        partnership_id=Subquery(Board.objects.filter(pk=OuterRef("board_id")).values("partnership_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_action_raised_on"),
        ("directory", "0003_partnership_undated_flag_months"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="partnership",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="directory.partnership",
            ),
        ),
        migrations.RunPython(fill_partnership, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="action",
            name="partnership",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="directory.partnership",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["partnership", "raised_on", "position", "id"], name="action_partnership_raised"
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["partnership", "status"], name="action_partnership_status"),
        ),
    ]
