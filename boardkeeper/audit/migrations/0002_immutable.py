"""Audit events cannot be changed or deleted below the ORM (boardkeeper/audit/immutable.py)."""

from typing import Any

from django.db import migrations

from boardkeeper.audit import immutable


def forwards(apps: Any, schema_editor: Any) -> None:
    immutable.install(schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    immutable.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
