"""Action.raised_on: its meeting's date, denormalised so that the log's ORDER BY is read from an index."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_raised_on(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every action's raised_on from its meeting, in one UPDATE."""
    Action = apps.get_model("actions", "Action")
    Meeting = apps.get_model("meetings", "Meeting")
    Action.objects.update(
        raised_on=Subquery(Meeting.objects.filter(pk=OuterRef("meeting_id")).values("date")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0004_agenda_entry_version"),
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="raised_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(fill_raised_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="action",
            name="raised_on",
            field=models.DateField(editable=False),
        ),
        migrations.AlterModelOptions(
            name="action",
            options={"ordering": ["raised_on", "position"]},
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["board", "raised_on", "position", "id"], name="action_board_raised"),
        ),
    ]
