"""`boardkeeper token create --user USERNAME [--days N] [--name NAME]` prints a new personal access token
for the API (once: only its hash is kept); `boardkeeper token revoke --id N` revokes one. The same as
'API tokens' on the web, for an installation's scripts and for accounts set up at the terminal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser

from boardkeeper.accounts import tokens
from boardkeeper.accounts.models import ApiToken
from boardkeeper.directory.management.terminal import acting_at_the_terminal
from boardkeeper.lib.commands import BoardkeeperCommand


class Command(BoardkeeperCommand):
    help = "Make a personal access token for the API (printed once), or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="create|revoke")
        create = sub.add_parser("create", help="make a token for an account; the token is printed once")
        create.add_argument("--user", required=True, metavar="USERNAME", help="the account it acts for")
        create.add_argument(
            "--days",
            type=int,
            default=ApiToken.DEFAULT_DAYS,
            help=f"how long it lasts (1 to {ApiToken.MAX_DAYS}; {ApiToken.DEFAULT_DAYS} unless given)",
        )
        create.add_argument("--name", default="Command line", help="what it is for")
        revoke = sub.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument(
            "--id", required=True, type=int, help="the token's number (as created printed it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "create":
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active account called {options['user']!r}", returncode=2)
            with acting_at_the_terminal():
                try:
                    token, raw = tokens.token_create(user=user, name=options["name"], days=options["days"])
                except tokens.TokenRefused as exc:
                    raise CommandError(str(exc), returncode=2) from exc
            self.stdout.write(raw)
            self.stderr.write(
                f"token {token.pk} for {user.username}, until {token.expires_at:%-d %B %Y}: "
                "copy it now, it is not shown again"
            )
            return
        found = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if found is None:
            raise CommandError(f"no token {options['id']}", returncode=2)
        with acting_at_the_terminal():
            revoked = tokens.token_revoke(token=found, user=found.user)
        self.stdout.write(f"token {found.pk} revoked" if revoked else f"token {found.pk} was already revoked")
