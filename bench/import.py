"""Importing minutes: 1,000 meetings' minutes in one process, and one `boardkeeper import` from the shell.

    .venv/bin/python bench/import.py [--meetings 1000] [--json]
    .venv/bin/python bench/import.py --database-url postgres://root@127.0.0.1:5432/test
    .venv/bin/python bench/import.py --startup-only          # only the one-file start-up figures
    .venv/bin/python bench/import.py --profile               # and cProfile the one-process run

The minutes are written by the benchmark itself: the text rendition of the seed minutes
(tests/fixtures/warwickshire-executive-board-2022-02-23.txt) re-dated once a week from Monday 4 January
2010, so each is a file of its own with its own date (a new meeting each), its next meeting the week
after; in each, the person sent apologies is someone new (so the directory grows by one a meeting), and
each action carries a reference of its own ("(ref 12)") (so no action is the same as one already on record: each is
written, none is taken as the log moving an earlier one on).

1. **One process**: a worker (this script re-run with --worker, pinned to one CPU: the last, as the other
   benchmarks take the first) on a database of its own migrates it, makes a partnership, a board and a
   user, then imports every file with `imports.services.import_file` (read by the engine, then written,
   in the importer's name for the whole run, as `boardkeeper import` of a folder does) and
   prints the total, the time in the engine (reading) and in the writes, the rate and the peak RSS.
2. **Start-up**: a fresh SQLite installation; `boardkeeper extract FILE` and `boardkeeper import FILE`
   (one new meeting each time), each run as its own process (`python -m boardkeeper.cli`), --repeat
   times: the median wall time of each.

Databases: SQLite in a temporary directory (BOARDKEEPER_DATA), deleted afterwards; with --database-url, a
database made for the run on that server (boardkeeper_bench_import_<pid>), dropped afterwards; the
database of the URL is only connected to, to create and drop that one, and a database of that name
already there is not touched (the run stops).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import machine
from own_database import own_database

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "warwickshire-executive-board-2022-02-23.txt"
FIRST = dt.date(2010, 1, 4)


def _ordinal(day: int) -> str:
    return "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _written(date: dt.date) -> str:
    """'Wednesday 23 rd February 2022', as the seed writes a date."""
    return f"{date:%A} {date.day} {_ordinal(date.day)} {date:%B %Y}"


def minutes_of(n: int) -> tuple[str, bytes]:
    """The n-th synthetic minutes: (file name, bytes)."""
    date = FIRST + dt.timedelta(weeks=n)
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("Wednesday 23 rd February 2022", _written(date))
    text = text.replace("Friday 11 th March 2022", _written(date + dt.timedelta(weeks=1)))
    text = text.replace("Nigel Minns", f"Nigel Minns{_suffix(n)}")
    lines = []
    for line in text.split("\n"):
        cells = line.split("\t")
        if len(cells) == 4 and cells[2].strip():  # an action in the 'Action Required' column
            cells[2] = re.sub(r"</p>", f" (ref {n + 1})</p>", cells[2])
        lines.append("\t".join(cells))
    return f"minutes-{date:%Y-%m-%d}.txt", "\n".join(lines).encode("utf-8")


def _suffix(n: int) -> str:
    """A surname's second half, different for every n ('Minnsabc'), letters only."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    n += 1
    while n:
        n, r = divmod(n, 26)
        out += letters[r]
    return out


# ---------------------------------------------------------------- the one-process worker


def _pin_to_last_cpu() -> int | None:
    """One CPU, the last: the other benchmarks (common._pin_to_one_cpu) take the first, and one of them
    running meanwhile would otherwise share this one's CPU and double its wall time."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def worker(meetings: int, profile: bool) -> dict[str, Any]:
    cpu = _pin_to_last_cpu()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardkeeper.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from boardkeeper.audit import recorder as audit
    from boardkeeper.directory.models import Board, Partnership
    from boardkeeper.imports import services
    from boardkeeper.meetings.models import Meeting

    clock = time.perf_counter
    start = clock()
    call_command("migrate", verbosity=0)
    migrated = clock() - start
    partnership = Partnership.objects.create(name="Bench Safeguarding", slug="bench")
    board = Board.objects.create(partnership=partnership, name="Executive Board", slug="executive-board")
    user = User.objects.create_user("bench", is_superuser=True)
    files = [minutes_of(n) for n in range(meetings)]

    reading = [0.0]
    extract = services.extract

    def timed_extract(data: bytes, name: str) -> Any:
        t = clock()
        try:
            return extract(data, name)
        finally:
            reading[0] += clock() - t

    services.extract = timed_extract  # type: ignore[assignment]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    laps = []
    cpu_start = time.process_time()
    start = clock()
    imported = 0
    with audit.acting_as(user):
        for name, data in files:
            result = services.import_file(board=board, user=user, name=name, data=data)
            imported += not result.already_imported
            laps.append(clock() - start)
    total = clock() - start
    cpu_s = (
        time.process_time() - cpu_start
    )  # the worker's own CPU: what other processes on the CPU do not add
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        sys.stderr.write(out.getvalue())
    from boardkeeper.actions.models import Action
    from boardkeeper.audit.models import AuditEvent
    from boardkeeper.directory.models import Person

    tenth = max(1, meetings // 10)
    return {
        "cpu": cpu,
        "migrate_s": migrated,
        "meetings": meetings,
        "imported": imported,
        "total_s": total,
        "cpu_s": cpu_s,
        "reading_s": reading[0],
        "writing_s": total - reading[0],
        "first_tenth_s": laps[tenth - 1],
        "last_tenth_s": laps[-1] - laps[-tenth - 1] if meetings > tenth else laps[-1],
        "rows": {
            "meetings": Meeting.objects.filter(board=board).count(),
            "actions": Action.objects.filter(board=board).count(),
            "people": Person.objects.filter(partnership=partnership).count(),
            "audit events": AuditEvent.objects.count(),
        },
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# ---------------------------------------------------------------- start-up of one command


def startup(repeat: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOARDKEEPER_TASKS")}
    with tempfile.TemporaryDirectory(prefix="boardkeeper-bench-") as tmp:
        env["BOARDKEEPER_DATA"] = tmp

        def run(*args: str) -> float:
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "boardkeeper.cli", *args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            return time.perf_counter() - t

        run("migrate", "--verbosity", "0")
        run("demo")  # a partnership, a board and users, as a person trying Boardkeeper has them
        into = ["--partnership", "warwickshire-demo", "--board", "Executive Board", "--user", "manager"]
        extract_s, import_s = [], []
        help_s = run("help")  # Django's start-up and the command list: no database work
        for i in range(repeat):
            name, data = minutes_of(2000 + i)
            path = Path(tmp) / name
            path.write_bytes(data)
            extract_s.append(run("extract", str(path)))
            import_s.append(run("import", str(path), *into))
    return {
        "repeat": repeat,
        "extract_s": statistics.median(extract_s),
        "import_s": statistics.median(import_s),
        "help_s": help_s,
    }


# ---------------------------------------------------------------- driver


def run_worker(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(args.meetings)]
    cmd += ["--profile"] if args.profile else []
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if args.profile:
        sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-3:] or [f"exit {proc.returncode}"]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def one_process(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOARDKEEPER_DATA")}
    base.update(DEBUG="false", BOARDKEEPER_TASKS="immediate", DJANGO_SETTINGS_MODULE="boardkeeper.settings")
    with tempfile.TemporaryDirectory(prefix="boardkeeper-bench-") as tmp:
        base["BOARDKEEPER_DATA"] = tmp  # the stored files, on either database
        if kind == "sqlite":
            return run_worker(args, base)
        with own_database(args.database_url, "import") as url:
            return run_worker(args, {**base, "DATABASE_URL": url})


def report(kind: str, r: dict[str, Any]) -> None:
    if "error" in r:
        print(f"  {kind}: failed: {' / '.join(r['error'])}")
        return
    n = r["meetings"]
    print(
        f"  {kind}: {r['imported']:,} of {n:,} minutes imported in {r['total_s']:.1f} s "
        f"({n / r['total_s']:.1f} a second; the process's own CPU {r['cpu_s']:.1f} s): reading {r['reading_s']:.1f} s, writing {r['writing_s']:.1f} s; "
        f"first tenth {r['first_tenth_s']:.1f} s, last tenth {r['last_tenth_s']:.1f} s"
    )
    rows = ", ".join(f"{v:,} {k}" for k, v in r["rows"].items())
    print(f"    {rows}; migrate {r['migrate_s']:.1f} s; peak RSS {r['peak_rss_mb']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meetings", type=int, default=1000, help="minutes imported in one process (1000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each one-file command (5)")
    parser.add_argument("--database-url", help="also on PostgreSQL: postgres://user@host:port/db")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--startup-only", action="store_true", help="only the one-file commands")
    parser.add_argument("--no-startup", action="store_true", help="not the one-file commands")
    parser.add_argument("--profile", action="store_true", help="cProfile the one-process run (stderr)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument("--worker", type=int, metavar="MEETINGS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.profile)))
        return 0

    print(f"boardkeeper import benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(machine())
    results: dict[str, Any] = {}
    if not args.startup_only:
        print(f"{args.meetings:,} synthetic minutes (the seed re-dated weekly) imported in one process:")
        kinds = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.database_url else [])
        for kind in kinds:
            results[kind] = one_process(kind, args)
            report(kind, results[kind])
    if not args.no_startup:
        s = results["startup"] = startup(args.repeat)
        print(
            f"one file from the shell (SQLite, median of {s['repeat']}): boardkeeper extract {s['extract_s']:.2f} s, "
            f"boardkeeper import {s['import_s']:.2f} s (boardkeeper help {s['help_s']:.2f} s)"
        )
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
