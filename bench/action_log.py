"""Server time of the action log pages at 1,000 and at 20,000 actions of one partnership.

    .venv/bin/python bench/action_log.py [--repeat 20] [--sizes 1000 20000] [--json]
    .venv/bin/python bench/action_log.py --database-url postgres://root@127.0.0.1:5432/test
    .venv/bin/python bench/action_log.py --profile        # and cProfile one request of each slow page

Each size is measured in a fresh process of its own (this script re-run with --worker), pinned to
one CPU, on a fresh database:

* SQLite: a temporary file (BOARDKEEPER_DATA set to a temporary directory), deleted afterwards.
  Measured unless --no-sqlite.
* PostgreSQL, when --database-url is given: a database of its own making (boardkeeper_bench_action_log_<random>)
  created on that server for each size and dropped after it (that one, never another). The database of the URL is only connected to,
  to issue CREATE DATABASE and DROP DATABASE: its own tables are never touched. The new database
  is ANALYZEd after it is filled, as autovacuum would do on a live server; SQLite is not (nothing
  runs ANALYZE on a deployed Boardkeeper).

The data (bulk_create, one transaction): one partnership with seven boards meeting 4 to 12 times
a year, back from today (so the larger log reaches further into the past), each meeting with 6-10
agenda items and about 15 actions (Poisson); 30 + actions/50 people in 10 organisations, 10 teams.
Owners: mostly one person (a few people own many: Zipf-like), some two people, some a team, some
a person and a team, some only the words of the minutes. Due: a date (45%), the board's next
meeting (20%), words only ('by the March meeting', 10%), nothing (25%). Status by age: older
actions mostly done, the last year's mostly open or in progress, so 'open and overdue' matches
many. Each board also has its next meeting scheduled.

Then, with Django's test Client (DEBUG off, no test instrumentation) signed in as a business-team
user, the busiest board's log and the partnership's log are requested unfiltered, filtered by the
busiest owner, and filtered by status=open&overdue=on: two warm-up requests each, then --repeat
timed ones (median and p95, nearest rank, of the wall time of client.get: URL resolution,
middleware including the session save, the view, the queries and the template; and the mean time
per request in the cyclic garbage collector), then one more inside CaptureQueriesContext for the
number of queries, the time spent in cursor.execute and the page's size. The number of queries of
each page must be the same at every size: a line says whether it is. At the largest size the CSV
export of the whole partnership log (partnership_actions_export, fmt=csv) is timed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import GcClock, _nearest_rank, _pin_to_one_cpu, machine
from own_database import own_database

ROOT = Path(__file__).resolve().parent.parent
SLOW_MS = 500.0  # a page slower than this at the largest size is worth a profile
WARMUP = 2

# name, meetings a year
BOARDS = [
    ("Executive Board", 6),
    ("Quality Assurance and Performance Subgroup", 6),
    ("Child Safeguarding Practice Review Subgroup", 12),
    ("Learning and Development Subgroup", 4),
    ("Child Exploitation and Missing Subgroup", 6),
    ("Education Safeguarding Group", 4),
    ("Health Safeguarding Group", 4),
]
ORGANISATIONS = [
    "Warwickshire County Council",
    "Warwickshire Police",
    "Coventry and Warwickshire ICB",
    "South Warwickshire University NHS Foundation Trust",
    "George Eliot Hospital NHS Trust",
    "Coventry and Warwickshire Partnership NHS Trust",
    "Probation Service",
    "Warwickshire Schools",
    "West Midlands Ambulance Service",
    "Warwickshire Fire and Rescue",
]
TEAMS = [
    "Warwickshire Safeguarding Team",
    "Communications Team",
    "Business Unit",
    "Performance Team",
    "Learning and Development Team",
    "Designated Safeguarding Nurses",
    "MASH Team",
    "Exploitation Hub",
    "Finance",
    "Education Safeguarding Team",
]
ITEM_TITLES = [
    "Welcome, introductions and apologies",
    "Minutes of the previous meeting and action log",
    "Performance dashboard",
    "Child Safeguarding Practice Review update",
    "Multi-agency audit findings",
    "Learning and development offer",
    "Budget and partner contributions",
    "Annual report",
    "Threshold document review",
    "Child exploitation strategy",
    "Neglect strategy",
    "Voice of the child",
    "Risk register",
    "Any other business",
]
ACTION_TEXTS = [
    "Share the {topic} findings with {group} and report back at the next meeting",
    "Circulate the {topic} briefing to all partners",
    "Seek an update on the {topic} from {group}",
    "Add {topic} to the forward plan",
    "Arrange a task and finish group on {topic}",
    "Provide assurance to the board on {topic} by the next meeting",
    "Review the {topic} data and bring a revised report",
    "Write to {group} about the {topic}",
    "Include {topic} in the multi-agency training programme",
    "Update the risk register to reflect {topic}",
]
TOPICS = [
    "neglect audit",
    "exploitation",
    "missing children",
    "MASH performance",
    "early help",
    "domestic abuse",
    "Ofsted and IICSA report",
    "threshold document",
    "budget shortfall",
    "rapid review",
    "section 11 audit",
    "elective home education",
    "online safety",
    "bruising protocol",
]
GROUPS = ["the health leads", "the police", "children's services", "schools", "the voluntary sector"]
MONTHS = "January February March April May June July August September October November December".split()


# ---------------------------------------------------------------- the data


def build(size: int, seed: int, per_meeting: int = 15) -> dict[str, Any]:
    """One partnership with `size` actions, written with bulk_create in one transaction."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from boardkeeper.accounts.models import PartnershipRole
    from boardkeeper.actions.models import Action
    from boardkeeper.directory.models import Board, Membership, Organisation, Partnership, Person, Team
    from boardkeeper.meetings.models import AgendaItem, Meeting

    rng = random.Random(seed)
    today = dt.date.today()
    n_meetings = max(len(BOARDS), round(size / per_meeting))
    year_rate = sum(f for _, f in BOARDS)

    with transaction.atomic():
        partnership = Partnership.objects.create(name="Warwickshire Safeguarding (bench)", slug="bench")
        boards = Board.objects.bulk_create(
            [
                Board(partnership=partnership, name=name, slug=name.lower().replace(" ", "-"))
                for name, _ in BOARDS
            ]
        )
        orgs = Organisation.objects.bulk_create(
            [Organisation(partnership=partnership, name=name) for name in ORGANISATIONS]
        )
        teams = Team.objects.bulk_create([Team(partnership=partnership, name=name) for name in TEAMS])
        n_people = 30 + size // 50
        first = ["Pete", "Amrita", "Jo", "Sam", "Chris", "Lee", "Kim", "Alex", "Pat", "Robin", "Jess", "Tom"]
        last = ["Hill", "Sharma", "Green", "Okafor", "Walsh", "Patel", "Evans", "Nowak", "Khan", "Reid"]
        people = Person.objects.bulk_create(
            [
                Person(
                    partnership=partnership,
                    full_name=f"{first[i % 12]} {'ABCDEFGHJKLMNPRSTW'[i // 120 % 18]}. {last[i // 12 % 10]}",
                    organisation=orgs[i % len(orgs)],
                    job_title="Safeguarding lead",
                )
                for i in range(n_people)
            ]
        )
        Membership.objects.bulk_create(
            [Membership(person=p, board=b) for p in people for b in rng.sample(boards, 2)]
        )
        manager = User.objects.create_user("bench-manager")
        PartnershipRole.objects.create(
            user=manager, partnership=partnership, role=PartnershipRole.Role.BUSINESS_TEAM
        )

        # meetings: each board's share, evenly spaced back from a few days ago, and its next one scheduled
        meetings: list[Meeting] = []
        by_board: dict[int, list[Meeting]] = {}
        for board, (_, per_year) in zip(boards, BOARDS, strict=True):
            count = max(1, round(n_meetings * per_year / year_rate))
            gap = 365 / per_year
            held = [
                Meeting(
                    board=board,
                    date=today - dt.timedelta(days=round(3 + gap * k)),
                    title=f"{board.name} meeting",
                    location="Shire Hall, Warwick",
                    status=Meeting.Status.MINUTES_APPROVED if k else Meeting.Status.HELD,
                )
                for k in reversed(range(count))
            ]
            nxt = Meeting(
                board=board,
                date=held[-1].date + dt.timedelta(days=round(gap)),
                status=Meeting.Status.SCHEDULED,
            )
            by_board[board.pk] = [*held, nxt]
            meetings += [*held, nxt]
        Meeting.objects.bulk_create(meetings)
        past = [m for m in meetings if m.status != Meeting.Status.SCHEDULED]
        next_of = {}
        for board_meetings in by_board.values():
            for a, b in itertools.pairwise(board_meetings):
                next_of[a.pk] = b

        items: list[AgendaItem] = []
        items_of: dict[int, list[AgendaItem]] = {}
        for m in past:
            titles = [ITEM_TITLES[0], ITEM_TITLES[1], *rng.sample(ITEM_TITLES[2:-1], rng.randint(4, 8))]
            mine = [
                AgendaItem(
                    meeting=m,
                    position=n,
                    number=str(n),
                    title=title,
                    discussion="The board discussed the report.\nMembers agreed the recommendations.",
                )
                for n, title in enumerate([*titles, ITEM_TITLES[-1]], start=1)
            ]
            items_of[m.pk] = mine
            items += mine
        AgendaItem.objects.bulk_create(items)

        # actions: each to a random held meeting; statuses and due by age
        owner_weights = [1 / (rank + 1) ** 0.8 for rank in range(n_people)]
        actions: list[Action] = []
        owners: list[tuple[list[Person], list[Team]]] = []
        raised = sorted(rng.randrange(len(past)) for _ in range(size))
        position: dict[int, int] = {}
        for index in raised:
            m = past[index]
            position[m.pk] = position.get(m.pk, 0) + 1
            age = (today - m.date).days
            topic, group = rng.choice(TOPICS), rng.choice(GROUPS)
            text = rng.choice(ACTION_TEXTS).format(topic=topic, group=group)
            due_date, due_meeting, due_text = None, None, ""
            r = rng.random()
            if r < 0.45:
                due_date = m.date + dt.timedelta(days=rng.choice([14, 28, 42, 60, 90]))
            elif r < 0.65:
                due_meeting = next_of.get(m.pk)
            elif r < 0.75:
                due_text = f"by the {rng.choice(MONTHS)} meeting"
            if age > 365:
                status = rng.choices(
                    ["done", "dropped", "carried_forward", "open", "in_progress"], [70, 8, 7, 10, 5]
                )[0]
            else:
                status = rng.choices(
                    ["open", "in_progress", "done", "carried_forward", "dropped"], [40, 25, 25, 6, 4]
                )[0]
            kind = rng.random()
            people_owners: list[Person] = []
            team_owners: list[Team] = []
            if kind < 0.60:
                people_owners = rng.choices(people, owner_weights)
            elif kind < 0.72:
                people_owners = list({p.pk: p for p in rng.choices(people, owner_weights, k=2)}.values())
            elif kind < 0.85:
                team_owners = [rng.choice(teams)]
            elif kind < 0.92:
                people_owners, team_owners = rng.choices(people, owner_weights), [rng.choice(teams)]
            owner_text = ", ".join(p.full_name for p in people_owners) or (
                team_owners[0].name if team_owners else rng.choice(["All partners", "Chair", "TBC"])
            )
            actions.append(
                Action(
                    board_id=m.board_id,
                    meeting=m,
                    item=rng.choice(items_of[m.pk][1:]) if rng.random() < 0.9 else None,
                    position=position[m.pk],
                    text=text,
                    owner_text=owner_text,
                    due_date=due_date,
                    due_meeting=due_meeting,
                    due_text=due_text,
                    status=status,
                    origin=rng.choice(["action_column", "action_column", "action_marker", "prose"]),
                    quote=f"{text}. Action: {owner_text}",
                )
            )
            owners.append((people_owners, team_owners))
        Action.objects.bulk_create(actions, batch_size=2000)
        PeopleLink, TeamLink = Action.owner_people.through, Action.owner_teams.through
        PeopleLink.objects.bulk_create(
            [
                PeopleLink(action_id=a.pk, person_id=p.pk)
                for a, (ps, _) in zip(actions, owners, strict=True)
                for p in ps
            ],
            batch_size=5000,
        )
        TeamLink.objects.bulk_create(
            [
                TeamLink(action_id=a.pk, team_id=t.pk)
                for a, (_, ts) in zip(actions, owners, strict=True)
                for t in ts
            ],
            batch_size=5000,
        )

    busiest_board = max(boards, key=lambda b: sum(1 for a in actions if a.board_id == b.pk))
    owned: dict[int, int] = {}
    for ps, _ in owners:
        for p in ps:
            owned[p.pk] = owned.get(p.pk, 0) + 1
    busiest_owner = max(owned, key=lambda pk: owned[pk])
    return {
        "partnership": partnership,
        "board": busiest_board,
        "owner": busiest_owner,
        "manager": manager,
        "shape": (
            f"{len(past):,} meetings held by {len(boards)} boards since {min(m.date for m in past):%b %Y}, "
            f"{len(items):,} items, {n_people:,} people, {len(teams)} teams, "
            f"{sum(len(ps) + len(ts) for ps, ts in owners):,} owner links"
        ),
    }


# ---------------------------------------------------------------- worker (one size, fresh process and database)


def _counted(client: Any, url: str) -> tuple[Any, int, float]:
    """One request inside CaptureQueriesContext: the response, its number of queries, and the time
    they took to execute in ms (timed here: CaptureQueriesContext rounds each to the millisecond)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spent: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - t)

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(ctx.captured_queries), 1000 * sum(spent)


def _profile(client: Any, url: str, top: int = 25) -> str:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def worker(
    size: int, repeat: int, export: bool, profile: float | None, seed: int, per_meeting: int
) -> dict[str, Any]:
    cpu = _pin_to_one_cpu()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardkeeper.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from boardkeeper.actions import services
    from boardkeeper.actions.views import PAGE_SIZE
    from boardkeeper.directory.models import Person

    clock = time.perf_counter
    start = clock()
    call_command("migrate", verbosity=0)
    migrated = clock() - start
    start = clock()
    data = build(size, seed, per_meeting)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = clock() - start

    partnership, board = data["partnership"], data["board"]
    owner = Person.objects.get(pk=data["owner"])
    from boardkeeper.accounts.security import SESSION_KEY

    client = Client(HTTP_HOST="localhost")  # ALLOWED_HOSTS as deployed; no setup_test_environment()
    client.force_login(data["manager"])
    session = client.session  # the second factor given, as after a real sign-in
    session[SESSION_KEY] = True
    session.save()
    board_url = reverse("board_actions", args=[partnership.slug, board.slug])
    partnership_url = reverse("partnership_actions", args=[partnership.slug])
    today = timezone.localdate()
    filters: list[tuple[str, str, dict[str, Any]]] = [
        ("unfiltered", "", {}),
        (f"owner (busiest, {owner.full_name})", f"?owner={owner.pk}", {"owner": owner}),
        ("status=open, overdue", "?status=open&overdue=on", {"statuses": ["open"], "overdue_on": today}),
    ]
    pages: list[dict[str, Any]] = []
    gc_clock = GcClock()
    for scope, url, scope_board in (("board", board_url, board), ("partnership", partnership_url, None)):
        for label, query, kwargs in filters:
            target = url + query
            for _ in range(WARMUP):
                assert client.get(target).status_code == 200, target
            times = []
            gc_clock.seconds = 0.0
            for _ in range(repeat):
                t = clock()
                response = client.get(target)
                times.append(1000 * (clock() - t))
                assert response.status_code == 200, target
            gc_ms = 1000 * gc_clock.seconds / repeat
            response, queries, sql_ms = _counted(client, target)
            matching = services.action_log(partnership=partnership, board=scope_board, **kwargs).count()
            page: dict[str, Any] = {
                "page": f"{scope} log, {label.split(' (')[0]}",
                "scope": scope,
                "filter": label,
                "url": target,
                "matching": matching,
                "shown": min(matching, PAGE_SIZE),
                "median_ms": _nearest_rank(times, 50),
                "p95_ms": _nearest_rank(times, 95),
                "min_ms": min(times),
                "gc_ms": gc_ms,
                "queries": queries,
                "sql_ms": sql_ms,
                "kb": len(response.content) / 1024,
            }
            if profile is not None and page["median_ms"] > profile:
                page["profile"] = _profile(client, target)
            pages.append(page)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            server = f"SQLite {cursor.fetchone()[0]}"
    result: dict[str, Any] = {
        "size": size,
        "server": server,
        "cpu": cpu,
        "migrate_s": migrated,
        "build_s": built,
        "shape": data["shape"],
        "board": board.name,
        "owner": owner.full_name,
        "pages": pages,
    }
    if export:
        url = reverse("partnership_actions_export", args=[partnership.slug, "csv"])
        response = client.get(url)  # warm-up
        assert response.status_code == 200, url
        times = []
        gc_clock.seconds = 0.0
        for _ in range(3):
            t = clock()
            response = client.get(url)
            times.append(1000 * (clock() - t))
            assert response.status_code == 200, url
        export_gc_ms = 1000 * gc_clock.seconds / 3
        response, queries, sql_ms = _counted(client, url)
        result["export"] = {
            "url": url,
            "rows": response.content.count(b"\n") - 1,  # less the header (fields are single-line here)
            "median_ms": _nearest_rank(times, 50),
            "max_ms": max(times),
            "gc_ms": export_gc_ms,
            "queries": queries,
            "sql_ms": sql_ms,
            "kb": len(response.content) / 1024,
        }
        if profile is not None and result["export"]["median_ms"] > profile:
            result["export"]["profile"] = _profile(client, url)
    return result


# ---------------------------------------------------------------- driver


def run_worker(size: int, args: argparse.Namespace, env: dict[str, str], export: bool) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        str(size),
        "--repeat",
        str(args.repeat),
        "--seed",
        str(args.seed),
        "--actions-per-meeting",
        str(args.actions_per_meeting),
        *(["--export"] if export else []),
        *(["--profile", str(args.profile)] if args.profile is not None else []),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if proc.returncode != 0:
        return {"size": size, "error": proc.stderr.strip().splitlines()[-3:] or [f"exit {proc.returncode}"]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run_database(kind: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOARDKEEPER_DATA")}
    base.update(DEBUG="false", BOARDKEEPER_TASKS="immediate", DJANGO_SETTINGS_MODULE="boardkeeper.settings")
    results = []
    for size in args.sizes:
        export = size == max(args.sizes)
        if kind == "sqlite":
            with tempfile.TemporaryDirectory(prefix="boardkeeper-bench-") as tmp:
                results.append(run_worker(size, args, {**base, "BOARDKEEPER_DATA": tmp}, export))
        else:
            import psycopg

            try:
                with own_database(args.database_url, "action_log") as bench_url:
                    results.append(run_worker(size, args, {**base, "DATABASE_URL": bench_url}, export))
            except psycopg.Error as exc:
                results.append(
                    {"size": size, "error": [f"could not make a database of its own: {exc}".strip()]}
                )
    return results


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def report(kind: str, results: list[dict[str, Any]]) -> list[str]:
    """Print one database's figures; return the problems found (query counts that differ, slow pages)."""
    problems: list[str] = []
    title = {
        "sqlite": "SQLite (a temporary file)",
        "postgresql": "PostgreSQL (a database of its own, dropped after)",
    }[kind]
    print(f"\n== {title}")
    ok = [r for r in results if "error" not in r]
    for r in results:
        if "error" in r:
            problems.append(f"{kind} {r['size']:,}: the worker failed: {' '.join(r['error'])}")
            print(f"  {r['size']:,} actions: FAILED: {' '.join(r['error'])}")
            continue
        print(f"  {r['size']:,} actions: {r['shape']}")
        print(f"    migrate {r['migrate_s']:.1f} s, data {r['build_s']:.1f} s; {r['server']}")
        print(f"    board log: {r['board']} (the busiest); owner filter: {r['owner']} (the busiest)")
    if not ok:
        return problems
    print()
    header = [
        "actions",
        "page",
        "filter",
        "matching",
        "shown",
        "median ms",
        "p95 ms",
        "GC ms",
        "queries",
        "SQL ms",
        "KB",
    ]
    rows = []
    for r in ok:
        for p in r["pages"]:
            rows.append(
                [
                    f"{r['size']:,}",
                    f"{p['scope']} log",
                    p["filter"].split(" (")[0],
                    f"{p['matching']:,}",
                    str(p["shown"]),
                    f"{p['median_ms']:,.1f}",
                    f"{p['p95_ms']:,.1f}",
                    f"{p['gc_ms']:,.1f}",
                    str(p["queries"]),
                    f"{p['sql_ms']:,.1f}",
                    f"{p['kb']:,.0f}",
                ]
            )
            if p["median_ms"] > SLOW_MS:
                problems.append(
                    f"{kind} {r['size']:,}: {p['scope']} log, {p['filter']}: {p['median_ms']:,.0f} ms"
                )
    print_table(header, rows)

    if len(ok) > 1:
        counts: dict[tuple[str, str], set[int]] = {}
        for r in ok:
            for p in r["pages"]:
                counts.setdefault((p["scope"], p["filter"].split(" (")[0]), set()).add(p["queries"])
        differ = {k: v for k, v in counts.items() if len(v) > 1}
        sizes = " and ".join(f"{r['size']:,}" for r in ok)
        if differ:
            for (scope, label), found in differ.items():
                problems.append(f"{kind}: {scope} log, {label}: {sorted(found)} queries at {sizes} actions")
            print(
                f"\n  QUERY COUNT DIFFERS between {sizes} actions on {len(differ)} page(s): listed at the end"
            )
        else:
            print(f"\n  query count: the same at {sizes} actions for every page (constant)")
    for r in ok:
        e = r.get("export")
        if e:
            print(
                f"  CSV export of the whole partnership log at {r['size']:,} actions: {e['rows']:,} rows, "
                f"{e['kb']:,.0f} KB, median {e['median_ms']:,.0f} ms (max {e['max_ms']:,.0f} ms of 3; "
                f"{e['gc_ms']:,.0f} ms of it in the garbage collector), "
                f"{e['queries']} queries, {e['sql_ms']:,.0f} ms of SQL"
            )
    for r in ok:
        for p in [*r["pages"], *([r["export"]] if r.get("export") else [])]:
            if p.get("profile"):
                print(f"\n---- cProfile, {kind}, {r['size']:,} actions: {p['url']}\n{p['profile']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 20000], help="actions (default 1000 20000)"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--database-url", help="also on PostgreSQL: postgres://user@host:port/db")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--profile",
        type=float,
        nargs="?",
        const=SLOW_MS,
        metavar="MS",
        help=f"cProfile one request of each page slower than MS (default {SLOW_MS:g}), the export too",
    )
    parser.add_argument(
        "--actions-per-meeting", type=int, default=15, help="mean actions per meeting (default 15)"
    )
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument("--worker", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    parser.add_argument("--export", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(
            json.dumps(
                worker(
                    args.worker, args.repeat, args.export, args.profile, args.seed, args.actions_per_meeting
                )
            )
        )
        return 0

    started = time.perf_counter()
    print(f"boardkeeper action log benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(machine())
    print(
        f"sizes {', '.join(f'{s:,}' for s in args.sizes)} actions; {WARMUP} warm-up + {args.repeat} timed "
        "requests per page; a fresh process and database per size"
    )
    kinds = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.database_url else [])
    everything: dict[str, list[dict[str, Any]]] = {}
    problems: list[str] = []
    for kind in kinds:
        everything[kind] = run_database(kind, args)
        problems += report(kind, everything[kind])
    print(f"\nwhole run {time.perf_counter() - started:,.0f} s")
    if problems:
        print("\nworth a look:")
        for problem in problems:
            print(f"  * {problem}")
    if args.json:
        print(json.dumps(everything, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
