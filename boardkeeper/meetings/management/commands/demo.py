"""`boardkeeper demo`: a demo partnership with the sample minutes imported, and sign-ins to try it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.meetings import services

SAMPLE = (
    Path(__file__).resolve().parents[4]
    / "tests"
    / "fixtures"
    / "warwickshire-executive-board-2022-02-23.docx"
)
DEMO_PASSWORD = "demo-boardkeeper-2026"  # the demo only; printed for whoever runs it on 127.0.0.1


class Command(BaseCommand):
    help = "Set up the demo: a partnership, its Executive Board, the sample minutes and two sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        partnership, _ = Partnership.objects.get_or_create(
            slug="warwickshire-demo", defaults={"name": "Warwickshire Safeguarding (demo)"}
        )
        board, _ = Board.objects.get_or_create(
            partnership=partnership, slug="executive-board", defaults={"name": "Executive Board"}
        )
        users = get_user_model().objects
        manager = users.filter(username="manager").first() or users.create_user(
            "manager", password=DEMO_PASSWORD, first_name="Business", last_name="Manager"
        )
        member = users.filter(username="member").first() or users.create_user(
            "member", password=DEMO_PASSWORD, first_name="Board", last_name="Member"
        )
        PartnershipRole.objects.get_or_create(
            user=manager, partnership=partnership, defaults={"role": PartnershipRole.Role.BUSINESS_TEAM}
        )
        PartnershipRole.objects.get_or_create(
            user=member, partnership=partnership, defaults={"role": PartnershipRole.Role.MEMBER}
        )
        result = services.import_file(board=board, user=manager, name=SAMPLE.name, data=SAMPLE.read_bytes())
        state = "already there" if result.already_imported else "imported"
        self.stdout.write(
            f"Sample minutes {state}: {result.meeting} ({result.meeting.actions.count()} actions)."
        )
        self.stdout.write("")
        self.stdout.write("Sign in at http://127.0.0.1:8000/ as")
        self.stdout.write(f"  manager / {DEMO_PASSWORD}   (business team: can import)")
        self.stdout.write(f"  member  / {DEMO_PASSWORD}   (board member: can view)")
