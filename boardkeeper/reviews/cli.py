"""`boardkeeper reviews clocks [--partnership NAME] [--json]`: every open statutory clock, for people at a
terminal and for scripts (a nightly check, a chaser e-mail)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from django.db.models import Q
from django.utils import timezone

from boardkeeper.directory.models import Partnership
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import clocks_of
from boardkeeper.reviews.models import Review


def reviews_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="boardkeeper reviews", description="The case review register.")
    sub = parser.add_subparsers(dest="what", required=True)
    clocks = sub.add_parser("clocks", help="every open clock: review, clock, due date, status")
    clocks.add_argument("--partnership", help="the partnership's name or slug (default: every partnership)")
    clocks.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    partnerships = Partnership.objects.order_by("name")
    if args.partnership:
        partnerships = partnerships.filter(Q(name__iexact=args.partnership) | Q(slug=args.partnership))
        if not partnerships.exists():
            print(f"boardkeeper reviews: no partnership called {args.partnership!r}", file=sys.stderr)
            return 2
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for partnership in partnerships:
        rules = services.rules_for(partnership)
        reviews = (
            Review.objects.filter(partnership=partnership)
            .exclude(stage=Review.Stage.CLOSED)  # a closed review's clocks have stopped
            .prefetch_related("overrun_reasons")
            .order_by("pk")
        )
        for review in reviews:
            for clock in clocks_of(review, rules, today=today, reasons=review.overrun_reasons.all()):
                if clock.is_open:
                    rows.append(
                        {
                            "partnership": partnership.name,
                            "review_id": review.pk,
                            "review": review.pseudonym,
                            "kind": review.kind,
                            "stage": review.stage,
                            "clock": clock.key,
                            "label": clock.label,
                            "due": clock.due.isoformat(),
                            "working_days_left": clock.days_left,
                            "status": clock.colour,
                            "next_step": clock.next_step,
                            "overrun_reason": clock.reason or None,
                        }
                    )
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for r in rows:
        print(f"{r['due']}  {r['status']:<5}  {r['working_days_left']:>5}  {r['review']:<20}  {r['label']}")
    if not rows:
        print("No open clocks.")
    return 0
