"""`boardkeeper invite EMAIL --partnership NAME --role ROLE [--person "Full Name"] [--print-link]`: invite
someone to a partnership by e-mail. On an empty installation this makes the first business-team account;
everything after that can be done on the web ('Who has access')."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from boardkeeper.accounts import invitations
from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.directory.management.terminal import acting_at_the_terminal, partnership_named
from boardkeeper.directory.models import Person
from boardkeeper.lib.commands import BoardkeeperCommand


class Command(BoardkeeperCommand):
    help = "Invite someone to a partnership by e-mail (a link that works once, for 7 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument("--role", required=True, choices=PartnershipRole.Role.values)
        parser.add_argument("--person", help="who they are in the directory (full name), to link the account")
        parser.add_argument(
            "--print-link",
            action="store_true",
            help="print the link instead of e-mailing it (for an installation without mail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_named(options["partnership"])
        person = None
        if options["person"]:
            people = Person.objects.filter(
                partnership=partnership, full_name__iexact=options["person"].strip()
            )
            if people.count() != 1:
                found = "nobody" if not people.exists() else f"{people.count()} people"
                raise CommandError(
                    f"{found} called {options['person']!r} in {partnership.name}'s directory", returncode=2
                )
            person = people.get()
        with acting_at_the_terminal():
            try:
                invitation, token = invitations.invitation_create(
                    partnership=partnership,
                    email=options["email"],
                    role=options["role"],
                    person=person,
                    by=None,
                )
            except invitations.InvitationRefused as exc:
                raise CommandError(str(exc), returncode=2) from exc
            if options["print_link"]:
                self.stdout.write(invitations.link_of(token))
                return
            invitations.invitation_send(invitation, token)
        self.stdout.write(
            f"Invitation sent to {invitation.email} ({invitation.get_role_display()}); it expires on {invitation.expires_at:%-d %B %Y}."
        )
