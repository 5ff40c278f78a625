"""The base of the commands Boardkeeper adds to `boardkeeper` (`import`, `actions`, `reviews`)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, handle_default_options


class BoardkeeperCommand(BaseCommand):
    """A management command whose refusal, `raise CommandError(reason, returncode=2)`, is one line on
    stderr, `boardkeeper NAME: reason`, as `boardkeeper extract` says it (Django would print
    `CommandError: reason`), and whose exit code is the error's returncode. Through call_command the
    CommandError reaches the caller as usual."""

    # The usage and help read as they did before these were management commands: Django's options for
    # every command still work (--traceback, --settings, ...) but are not listed, and there are no system
    # checks (nor --skip-checks), as there were none, so a script's stderr holds only the refusal.
    suppressed_base_arguments = {
        "--version",
        "--verbosity",
        "--settings",
        "--pythonpath",
        "--traceback",
        "--no-color",
        "--force-color",
    }
    requires_system_checks: list[str] = []

    def run_from_argv(self, argv: list[str]) -> None:
        """Django's run_from_argv with two differences: the form of the refusal, and the database
        connections are left open. `boardkeeper.cli.main()` is also called in-process (the tests, scripts)
        inside the caller's transaction, which closing the connection would end; a process of its own
        closes them when it exits."""
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except CommandError as e:
            if options.traceback:
                raise
            self.stderr.write(f"{parser.prog}: {e}")
            sys.exit(e.returncode)
