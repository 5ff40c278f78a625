"""`boardkeeper import FILE --partnership NAME --board NAME`: the import service without the preview."""

from __future__ import annotations

import argparse
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from boardkeeper.directory.models import Board, Partnership
from boardkeeper.meetings import services


def import_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="boardkeeper import", description="Import minutes into the record.")
    parser.add_argument("file")
    parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
    parser.add_argument("--board", required=True, help="the board's name or slug")
    parser.add_argument("--user", help="the username recorded as importer (default: the first superuser)")
    args = parser.parse_args(argv)

    def fail(message: str) -> int:
        print(f"boardkeeper import: {message}", file=sys.stderr)
        return 2

    partnership = Partnership.objects.filter(
        Q(name__iexact=args.partnership) | Q(slug=args.partnership)
    ).first()
    if partnership is None:
        return fail(f"no partnership called {args.partnership!r}")
    board = Board.objects.filter(
        Q(name__iexact=args.board) | Q(slug=args.board), partnership=partnership
    ).first()
    if board is None:
        return fail(f"{partnership.name} has no board called {args.board!r}")
    users = get_user_model().objects
    user = users.filter(username=args.user).first() if args.user else users.filter(is_superuser=True).first()
    if user is None:
        return fail("no user to record as the importer: pass --user USERNAME")
    try:
        size = os.path.getsize(args.file)
        if size == 0:
            return fail(f"{args.file}: the file is empty")
        if size > settings.MAX_UPLOAD_BYTES:
            limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
            return fail(f"{args.file}: the file is larger than {limit} MB, the most Boardkeeper reads")
        with open(args.file, "rb") as f:
            data = f.read()
    except OSError as exc:
        return fail(f"{args.file}: {exc.strerror or exc}")
    try:
        result = services.import_file(board=board, user=user, name=os.path.basename(args.file), data=data)
    except services.ImportRefused as exc:
        return fail(f"{args.file}: {exc}")
    meeting = result.meeting
    if result.already_imported:
        print(f"Already imported: {meeting} (meeting {meeting.pk}).")
        return 0
    print(
        f"Imported {meeting} (meeting {meeting.pk}): {meeting.items.count()} items, {result.actions} actions; "
        f"{result.people_matched} people recognised, {result.people_created} added to the directory."
    )
    return 0
