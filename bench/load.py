"""Load: `boardkeeper serve` on loopback, driven by concurrent signed-in clients over a realistic mix.

    .venv/bin/python bench/load.py                                  # ordinary data (the demo), SQLite
    .venv/bin/python bench/load.py --database-url postgres://root@127.0.0.1:5432/test
    .venv/bin/python bench/load.py --database-url ... --national 30  # national.py's data, 30 partnerships

The data: the demo (`boardkeeper demo`: one partnership, its minutes, reviews and registers), signed in as
its business manager; or with --national N the national benchmark's build (bench/national.py --build-only)
for N partnerships, signed in as the business team of its large partnership (20,000 actions). On
PostgreSQL the database is one of the script's own making (bench/own_database.py), dropped after; on SQLite
a temporary directory. The server: `boardkeeper serve` (gunicorn) on 127.0.0.1 on a free port, with
--workers and --threads (its defaults: sync workers). The clients: --clients threads (50), each with its own session of the business
team's account (made in the database, as a sign-in with both factors would leave it) and its own
connection (kept alive while the server keeps it: sync workers close it after each answer), for --duration seconds (60) after --warmup seconds (10) of the same load that are not
counted (every gunicorn worker and thread opens its connection and compiles its templates then), each request
chosen at random by weight, the next sent
at once (closed loop, no think time) or, with --think S, after a pause of S seconds on average (exponential):

    My actions 25%, the partnership's action log 25%, a meeting 20%, the review register 20%,
    an action update (the action's page, then its form posted with the version it showed) 10%

Every HTTP request is timed and counted on its own: an update is two, 'action page' (the GET) and 'update'
(the POST).

Bounded: loopback only, the time given, and at most --max-requests requests in all. Reported: requests a
second, latency p50/p95/p99 per kind and overall, and errors (any 5xx, a refused connection, a timeout;
a 409 'changed meanwhile' of an update is the application working and is counted apart).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from common import _nearest_rank, machine
from own_database import own_database

ROOT = Path(__file__).resolve().parents[1]
MIX = (("my_actions", 25), ("action_log", 25), ("meeting", 20), ("reviews", 20), ("update", 10))


def unpinned_machine() -> str:
    """The machine line, less the pinning the single-process benchmarks do: here nothing is pinned."""
    return machine().replace(" (the benchmark pinned to one)", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "boardkeeper.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"bench: boardkeeper {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


SETUP = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from boardkeeper.accounts.security import SESSION_KEY as SECOND_FACTOR
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Partnership
from boardkeeper.meetings.models import Meeting

user = User.objects.get(username=sys.argv[2])
partnership = Partnership.objects.filter(roles__user=user).order_by("pk").first()
sessions = []
for _ in range(int(sys.argv[1])):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "boardkeeper.accounts.backends.UserWithPersonBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s[SECOND_FACTOR] = True
    s.create()
    sessions.append(s.session_key)
meetings = list(Meeting.objects.filter(board__partnership=partnership).values_list("pk", flat=True)[:200])
actions = list(Action.objects.filter(board__partnership=partnership).values_list("pk", flat=True)[:200])
print(json.dumps({
    "sessions": sessions,
    "urls": {
        "my_actions": [reverse("my_actions")],
        "action_log": [reverse("partnership_actions", args=[partnership.slug])],
        "meeting": [reverse("meeting", args=[m]) for m in meetings],
        "reviews": [reverse("reviews", args=[partnership.slug])],
        "update": [reverse("action", args=[a]) for a in actions],
    },
}))
"""

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
STATUS = re.compile(r'<option value="(open|in_progress)"')


class Client:
    """One signed-in person: a session cookie and a keep-alive connection to the server."""

    def __init__(self, port: int, session: str, timeout: float):
        self.port, self.timeout = port, timeout
        self.cookies = {"sessionid": session}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):  # a keep-alive connection the server closed is opened again, once
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
                if response.headers.get("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, text
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def drive(
    port: int,
    session: str,
    urls: dict[str, list[str]],
    until: float,
    budget: threading.Semaphore,
    out: list[Any],
    think: float = 0.0,
    measured_from: float = 0.0,
) -> None:
    """One client: a request, its answer, then (with --think) a pause drawn from an exponential of that
    mean, as a person reads a page before the next; without it, the next request at once (closed loop).
    With --think the first request too waits such a pause (people do not all click at the same instant).
    Requests that start before `measured_from` (the warm-up) are made but not counted."""
    client = Client(port, session, timeout=30)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    rng = random.Random(session)
    if think:
        time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.perf_counter())))
    while time.perf_counter() < until:
        warming = time.perf_counter() < measured_from
        if not warming and not budget.acquire(blocking=False):
            break
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(urls[kind])
        # an update is two requests, each timed and counted on its own: the action's page (GET), then its
        # form posted with the version the page showed (POST)
        shown = "action page" if kind == "update" else kind
        start = time.perf_counter()
        try:
            status, page = client.request("GET", path)
            if not warming:
                out.append((shown, time.perf_counter() - start, status))
            if kind == "update" and status == 200:
                token, version = CSRF.search(page), VERSION.search(page)
                if token and version:
                    status_value = rng.choice(STATUS.findall(page) or ["in_progress"])
                    form = {
                        "csrfmiddlewaretoken": token.group(1),
                        "version": version.group(1),
                        "status": status_value,
                        "note": "Load test: progress noted.",
                    }
                    shown, start = "update", time.perf_counter()
                    status, _ = client.request("POST", path, urlencode(form))
                    if not warming:
                        out.append((shown, time.perf_counter() - start, status))
        except (OSError, http.client.HTTPException) as e:
            out.append((shown, time.perf_counter() - start, f"error: {type(e).__name__}"))  # warming or not
        if think:
            time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.perf_counter())))


def measure(args: argparse.Namespace, env: dict[str, str], label: str) -> dict[str, Any]:
    run(env, "migrate", "--verbosity", "0")
    if args.national:
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "national.py"),
                "--build-only",
                "--partnerships",
                str(args.national),
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"bench: national.py --build-only failed:\n{done.stderr[-2000:]}")
    run(env, "demo")
    setup = subprocess.run(
        [sys.executable, "-c", SETUP, str(args.clients), "bench-manager" if args.national else "manager"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if setup.returncode:
        raise SystemExit(f"bench: the sessions could not be made:\n{setup.stderr[-2000:]}")
    prepared = json.loads(setup.stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "boardkeeper.cli", "serve", "--port", str(port), "--workers", str(args.workers),
         "--threads", str(args.threads)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(600):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        warm = Client(port, prepared["sessions"][0], timeout=60)
        for kind in prepared["urls"]:
            warm.request("GET", prepared["urls"][kind][0])
        results: list[Any] = []
        budget = threading.Semaphore(args.max_requests)
        # every worker and thread warmed (connections opened, templates compiled) by --warmup seconds of
        # the same load, not counted; then --duration seconds measured
        start = time.perf_counter() + args.warmup
        until = start + args.duration
        threads = [
            threading.Thread(
                target=drive, args=(port, s, prepared["urls"], until, budget, results, args.think, start)
            )
            for s in prepared["sessions"]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    return summarise(label, results, elapsed, args)


def summarise(label: str, results: list[Any], elapsed: float, args: argparse.Namespace) -> dict[str, Any]:
    by_kind: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    for kind, seconds, status in results:
        by_kind[kind].append(seconds)
        statuses[str(status)] += 1
    errors = sum(n for s, n in statuses.items() if s.startswith("error") or s.startswith("5"))
    every = [s for values in by_kind.values() for s in values]

    def pct(values: list[float], p: float) -> float:
        return round(_nearest_rank(values, p) * 1000, 1) if values else 0.0

    return {
        "data": label,
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "requests_per_second": round(len(results) / elapsed, 1),
        "errors": errors,
        "statuses": dict(statuses),
        "p50_ms": pct(every, 50),
        "p95_ms": pct(every, 95),
        "p99_ms": pct(every, 99),
        "by_kind": {
            k: {"n": len(v), "p50_ms": pct(v, 50), "p95_ms": pct(v, 95)} for k, v in sorted(by_kind.items())
        },
    }


def report(r: dict[str, Any]) -> None:
    print(
        f"{r['data']}: {r['clients']} clients, {r['seconds']} s: {r['requests']} requests, "
        f"{r['requests_per_second']}/s; p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms; "
        f"errors {r['errors']}; statuses {r['statuses']}"
    )
    for kind, k in r["by_kind"].items():
        print(f"    {kind:<12} {k['n']:>6} requests  p50 {k['p50_ms']:>8} ms  p95 {k['p95_ms']:>8} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="PostgreSQL: postgres://user@host:port/db (a database is made there)"
    )
    parser.add_argument(
        "--national", type=int, default=0, help="also load national.py's data for N partnerships"
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument(
        "--warmup",
        type=float,
        default=10.0,
        help="seconds of the same load first, not counted (10; 0 for none)",
    )
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=max(2, min(8, 2 * (os.cpu_count() or 1) + 1)))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a client pauses between requests (exponential); 0, the default: none (closed loop)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 500 or not 0 < args.duration <= 600 or not 0 <= args.warmup <= 120:
        parser.error("--clients 1..500, --duration up to 600 s, --warmup up to 120 s")
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOARDKEEPER_DATA")}
    base.update(DEBUG="false", BOARDKEEPER_TASKS="immediate", DJANGO_SETTINGS_MODULE="boardkeeper.settings")
    label = (
        (f"national ({args.national} partnerships)" if args.national else "ordinary (the demo)")
        + (", PostgreSQL" if args.database_url else ", SQLite")
        + (f", think time {args.think:g} s" if args.think else ", closed loop")
    )
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="boardkeeper-load-"))
        env = {**base, "BOARDKEEPER_DATA": tmp}
        if args.database_url:
            env["DATABASE_URL"] = stack.enter_context(own_database(args.database_url, "load"))
        result = measure(args, env, label)
    if args.json:
        print(json.dumps({"machine": unpinned_machine(), **result}, indent=2))
    else:
        print(unpinned_machine())
        report(result)
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
