"""`boardkeeper export_partnership SLUG [--output FILE]`: every record of one partnership, as JSON."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boardkeeper.audit import recorder
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Partnership
from boardkeeper.lib.partnership_export import export_json, export_partnership


class Command(BaseCommand):
    help = (
        "Export all of a partnership's records (boards, people, meetings, actions, reviews, ...) as JSON, "
        "without passwords, secrets or file contents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the partnership's slug")
        parser.add_argument("--output", "-o", help="write to this file instead of printing")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = Partnership.objects.filter(slug=options["slug"]).first()
        if partnership is None:
            known = ", ".join(Partnership.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No partnership has the slug {options['slug']!r} (there are: {known}).")
        document = export_partnership(partnership)
        text = export_json(document)
        recorder.event(
            AuditEvent.Action.EXPORT,
            partnership,
            detail="export_partnership (command line)",
            partnership_id=partnership.pk,
        )
        if not options.get("output"):
            self.stdout.write(text, ending="")
            return
        output = Path(options["output"]).absolute()
        try:
            fd, name = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(name, output)
        except OSError as e:
            raise CommandError(f"Could not write {output}: {e}") from e
        self.stdout.write(f"Exported {len(document['records'])} records of {partnership.name} to {output}.")
