"""`boardkeeper serve [--host H] [--port P] [--workers N] [--threads T]`: the production server.

Gunicorn runs the WSGI application: by default with sync workers, each process one request at a time, the
waiting requests queued in the kernel and taken in turn by whichever worker is free (with threads, a worker
holds the keep-alive connections it accepted, and under load some clients waited seconds behind a busy
worker while others were served at once: docs/decisions.md); with --threads above 1, threaded workers.
The static files are collected first with hashed, compressed copies and served by WhiteNoise from the
application, cached for a year. The process becomes gunicorn (exec), so a service manager's signals reach
it: SIGTERM stops it gracefully, SIGHUP reloads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from boardkeeper.lib.commands import BoardkeeperCommand


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


class Command(BoardkeeperCommand):
    help = "Serve Boardkeeper with the production server (gunicorn, static files by WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default 2 x cores + 1, at most 8)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="threads in each worker (default 1: sync workers, one request at a time each, fairly queued)",
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="seconds before a stuck request's worker is restarted"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["workers"] <= 64 or not 1 <= options["threads"] <= 64:
            raise CommandError("--workers and --threads must be between 1 and 64", returncode=2)
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535", returncode=2)
        env = {**os.environ, "BOARDKEEPER_STATIC_MANIFEST": "1"}
        collected = subprocess.run(
            [sys.executable, "-m", "boardkeeper.cli", "collectstatic", "--noinput", "--verbosity", "0"],
            env=env,
            check=False,
        )
        if collected.returncode:
            raise CommandError(
                "the static files could not be collected (is `make setup` done?)", returncode=1
            )
        bind = (
            f"[{options['host']}]:{options['port']}"
            if ":" in options["host"]
            else f"{options['host']}:{options['port']}"
        )
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "boardkeeper.wsgi:application",
            "--bind", bind,
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--worker-class", "sync" if options["threads"] == 1 else "gthread",
            "--timeout", str(options["timeout"]),
            "--graceful-timeout", "30",
            "--max-requests", "2000",
            "--max-requests-jitter", "200",
            "--access-logfile", "-",
            "--no-control-socket",  # one per user otherwise: a second server on the machine would take it
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        ]  # fmt: skip
        self.stdout.write(
            f"Serving on http://{bind}/ with {options['workers']} workers"
            + (f" x {options['threads']} threads" if options["threads"] > 1 else "")
        )
        self.stdout.flush()
        os.execve(sys.executable, argv, env)
