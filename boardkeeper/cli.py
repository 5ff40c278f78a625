"""The `boardkeeper` command: `extract` reads minutes with the engine alone (no Django); every other
command is a Django management command (`import`, `actions`, `reviews`, `demo`, `backup`, `migrate`, ...)."""

from __future__ import annotations

import argparse
import os
import sys

USAGE = """boardkeeper extract FILE [--json]                       read minutes and print their structure
boardkeeper partnership add NAME                         make a partnership; prints its slug
boardkeeper partnership list [--json]                    every partnership: name, slug, number of boards
boardkeeper board add NAME --partnership NAME            make a board in a partnership; prints its slug
boardkeeper board list [--partnership NAME] [--json]     the boards of every partnership, or of one
boardkeeper invite EMAIL --partnership NAME --role business_team|member|viewer [--person "Full Name"] [--print-link]
                                                         invite someone (e-mails a one-time link)
boardkeeper remind [--dry-run] [--json] [--date YYYY-MM-DD]
                                                         e-mail today's reminders (run daily: cron or a timer)
boardkeeper import PATH... --partnership NAME --board NAME
                                                         import minutes into the record (no preview): files,
                                                         folders and .zip files, with progress and a summary
boardkeeper clean_imports                                retry stopped readings; remove abandoned uploads
boardkeeper actions --partnership NAME [--board NAME] [--status STATUS] [--json]
                                                         print the action log
boardkeeper reviews clocks [--partnership NAME] [--json] every open statutory clock of the case reviews
boardkeeper escalations --partnership NAME [--status STATUS] [--json]
                                                         the escalations register: stage, history, targets
boardkeeper inspections --partnership NAME [--json]      every inspection with its recommendations and actions
boardkeeper recommendations --partnership NAME [--status STATUS] [--json]
                                                         every recommendation: source, status, actions, evidence
boardkeeper funding --partnership NAME [--year 2022/23] [--json]
                                                         a year's lines, contributions, totals, shortfall
boardkeeper serve [--host H] [--port P] [--workers N]     the production server (gunicorn; static files by WhiteNoise)
boardkeeper token create --user USERNAME [--days N] [--name NAME] | token revoke --id N
                                                         a personal access token for the API (printed once)
boardkeeper files to-database [--dry-run]                copy uploads saved on disk into the database (BOARDKEEPER_FILES=database)
boardkeeper backup PATH | restore PATH                   back up the database and uploads; restore onto an empty installation
boardkeeper export_partnership SLUG [--output FILE]      one partnership's records as JSON
boardkeeper COMMAND ...                                  any Django management command (migrate, runserver,
                                                         demo, db_worker, createsuperuser, ...)
boardkeeper help [COMMAND]                               every command, or one command's options"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv[0] == "extract":
        parser = argparse.ArgumentParser(prog="boardkeeper extract", description="Read a minutes document.")
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print the JSON contract instead of a table")
        args = parser.parse_args(argv[1:])
        from .minutes.cli import extract_command  # the engine alone: no Django

        return extract_command(args.file, as_json=args.json)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardkeeper.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["boardkeeper", *argv])
    except SystemExit as stop:
        # a refusal (a CommandError's returncode, argparse's 2) is returned to callers of main()
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
