from typing import Any

import django.utils.timezone
from django.db import migrations, models


def store_out_of_line(apps: Any, schema_editor: Any) -> None:
    # uploads are PDFs and Word files, compressed already: EXTERNAL (out of line, not compressed again)
    # lets substring() read a slice of the bytes from the TOAST table without reading all of them
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE files_storedfile ALTER COLUMN data SET STORAGE EXTERNAL")


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="StoredFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, unique=True)),
                ("data", models.BinaryField()),
                ("size", models.BigIntegerField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"verbose_name": "stored file"},
        ),
        migrations.RunPython(store_out_of_line, migrations.RunPython.noop),
    ]
