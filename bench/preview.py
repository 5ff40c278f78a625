"""The import preview's page time: the minutes as read beside the extraction, for documents of growing size.

    .venv/bin/python bench/preview.py            # SQLite in a temporary directory, its own database
    .venv/bin/python bench/preview.py --repeat 20

For each document: the seed minutes (.docx), and the seed's text rendition with its body repeated to about
100 KB, 400 KB and 1 MB of text (one meeting of ever more items; the engine folds the repeated actions, so
the source grows and the extraction does not), the preview page is
read `repeat` times (median and p95), then the page with an action's form open, then one correction saved
(POST and the redirect followed, as a browser does). It prints the HTML size, queries, and the time in
the garbage collector. The worker is pinned to one CPU; the database is a SQLite file of its own in a
temporary directory, removed after.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import GcClock, _nearest_rank, _pin_to_one_cpu, machine

ROOT = Path(__file__).resolve().parents[1]
SEED_DOCX = ROOT / "boardkeeper" / "meetings" / "sample" / "warwickshire-executive-board-2022-02-23.docx"
SEED_TXT = ROOT / "tests" / "fixtures" / "warwickshire-executive-board-2022-02-23.txt"


def documents() -> list[tuple[str, str, bytes]]:
    text = SEED_TXT.read_text()
    docs = [("seed minutes (.docx)", SEED_DOCX.name, SEED_DOCX.read_bytes())]
    for target in (100_000, 400_000, 1_000_000):
        copies = max(1, target // len(text))
        body = text + "\n\n".join(text.split("\n", 3)[-1] for _ in range(copies - 1))
        docs.append((f"seed text x{copies} ({len(body) // 1000} KB)", f"long-{copies}.txt", body.encode()))
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    cpu = _pin_to_one_cpu()
    tmp = tempfile.mkdtemp(prefix="boardkeeper-bench-preview-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["BOARDKEEPER_DATA"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardkeeper.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from boardkeeper.accounts.models import PartnershipRole
    from boardkeeper.accounts.security import SESSION_KEY
    from boardkeeper.directory.models import Board, Partnership
    from boardkeeper.imports.services import import_upload

    call_command("migrate", verbosity=0)
    partnership = Partnership.objects.create(name="Bench Safeguarding", slug="bench")
    board = Board.objects.create(partnership=partnership, name="Executive Board", slug="executive")
    user = User.objects.create_user("bench", password="unused-bench-password")
    PartnershipRole.objects.create(
        user=user, partnership=partnership, role=PartnershipRole.Role.BUSINESS_TEAM
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    print(f"# {machine()}; pinned to CPU {cpu}; repeat {args.repeat}")
    print(
        "| document | actions | HTML | queries | preview median | p95 | gc | action form | correction saved |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    gc_clock = GcClock()
    for label, name, data in documents():
        pending = import_upload(board=board, user=user, name=name, data=data)
        pending.refresh_from_db()
        assert pending.status == "ready", pending.error
        url = reverse("import_preview", args=[pending.pk])
        client.get(url)  # warm
        times = []
        gc_clock.seconds = 0.0
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append(1000 * (time.perf_counter() - start))
            assert response.status_code == 200
        gc_ms = 1000 * gc_clock.seconds / args.repeat
        queries: list[str] = []

        def counted(execute: Any, sql: str, *rest: Any, seen: list[str] = queries) -> Any:
            seen.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            client.get(url)
        start = time.perf_counter()
        assert client.get(url + "?edit=action-0").status_code == 200
        form_ms = 1000 * (time.perf_counter() - start)
        pending.refresh_from_db()
        start = time.perf_counter()
        saved = client.post(
            reverse("preview_action", args=[pending.pk, 0]),
            {"version": pending.version, "text": "A corrected action"},
            follow=True,
        )
        save_ms = 1000 * (time.perf_counter() - start)
        assert saved.status_code == 200
        actions = len((pending.extracted or {}).get("actions", []))
        print(
            f"| {label} | {actions} | {len(response.content) // 1024} KB | {len(queries)} | "
            f"{_nearest_rank(times, 50):.0f} ms | {_nearest_rank(times, 95):.0f} ms | {gc_ms:.0f} ms | "
            f"{form_ms:.0f} ms | {save_ms:.0f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
