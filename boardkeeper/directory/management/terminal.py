"""What the commands that set a partnership up share: who the audit trail names for what is done at the
terminal, and finding a partnership by the name (or slug) a person types, or saying how to make it."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator

from django.core.management.base import CommandError

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Partnership


class Operator:
    """Whoever runs the command, as the audit trail names them: their operating-system user name, with no
    Boardkeeper account (there may be none yet)."""

    pk = None

    def __init__(self) -> None:
        try:
            self.username = getpass.getuser()
        except (KeyError, OSError):  # no user name in the environment nor in the password database
            self.username = "command line"

    def get_username(self) -> str:
        return self.username


@contextlib.contextmanager
def acting_at_the_terminal() -> Iterator[None]:
    with audit.acting_as(Operator()):
        yield


def quoted(name: str) -> str:
    """A name as the shell takes it back: in double quotes."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def partnership_named(name: str) -> Partnership:
    """The partnership of that name or slug (any case), or a refusal that says how to make it."""
    partnership: Partnership | None = Partnership.objects.named(name).first()
    if partnership is None:
        raise CommandError(
            f"no partnership called {name!r}; make one with: boardkeeper partnership add {quoted(name)}",
            returncode=2,
        )
    return partnership
