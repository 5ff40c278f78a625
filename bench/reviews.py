"""Server time of the case review register at 200 and at 2,000 reviews of one partnership.

    .venv/bin/python bench/reviews.py [--repeat 20] [--sizes 200 2000] [--json]
    .venv/bin/python bench/reviews.py --database-url postgres://root@127.0.0.1:5432/test
    .venv/bin/python bench/reviews.py --profile        # and cProfile one run of anything over 300 ms

The approach is bench/action_log.py's. Each size is measured in a fresh process of its own (this script
re-run with --worker), pinned to one CPU, on a fresh database:

* SQLite: a temporary file (BOARDKEEPER_DATA set to a temporary directory), deleted afterwards.
  Measured unless --no-sqlite.
* PostgreSQL, when --database-url is given: a database of its own making (boardkeeper_bench_reviews_<random>) created
  on that server for each size and dropped after it. The database of the URL is only connected to, to
  issue CREATE DATABASE and DROP DATABASE: its own tables are never touched. The new database is
  ANALYZEd after it is filled; SQLite is not.

The data (bulk_create, one transaction): one partnership whose register has run for five years. Half
the reviews began as serious incident notifications (aware_on spread evenly over the five years): the
recent ones are at notification, rapid review or the partners' decision; older ones were decided
(criteria, rationale): no further review (55%, closed), an LCSPR (25%) or another kind of learning
(20%). The rest are SARs (25%), DHRs (12%) and learning reviews or briefings (13%) recorded directly.
Decided reviews move on with age (terms of reference, review, report, publication planned, then
published or, 15%, closed unpublished), DHRs and SARs more slowly. The first 8 publications planned are
booked two a month from next month (the partnership's capacity), outside a pre-election blackout; any
more are planned on those dates too (the clashes accepted), so that the first free date is a few months
away at every size. Published reviews carry their publication date (all of them are bookings too).
12 themes, 1-3 a review; 1-3 report versions (0-3 for a review closed after its report) with 0-4
change requests each; overrun reasons on about half the late clocks; a stage history for each review;
30 + reviews/20 people, half of them users, 0-3 named on each review.
A business-team user, and a member (a person with a user) named on about 5% of the reviews (at least
one). One
review, the same at every size, has the most: an LCSPR at publication with 3 versions of 4 change
requests each, 3 named people, family contacts, a parallel process and panel meetings.

Then, with Django's test Client (DEBUG off, no test instrumentation; force_login, and the second factor
marked as given in the session when the app has one): the register (/p/<slug>/reviews/) as the
business team and as the member, that one review's page, and the register's .xlsx export, each with
two warm-up requests then --repeat timed ones (--export-repeat for the export) (median and p95,
nearest rank, of the wall time of client.get, and the mean time per request in the cyclic garbage
collector), then one more inside CaptureQueriesContext for the number of queries, the time in
cursor.execute and the size. Also timed the same way (called, not requested): `boardkeeper reviews
clocks --json` (the management command through call_command, its output to a buffer), services.bookings
of the partnership, and planner.next_free from the first day of the first full month of bookings.
The number of queries of each must be the same at every size: a column says whether it is. The peak
RSS (ru_maxrss) of each worker is printed, after the data is written and at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import GcClock, _nearest_rank, _pin_to_one_cpu, machine
from own_database import own_database

ROOT = Path(__file__).resolve().parent.parent
SLOW_MS = 300.0  # slower than this at the largest size is worth a profile
WARMUP = 2
PLANNED_SLOTS = 8  # publications booked at capacity (two a month), from next month

THEMES = [
    "Neglect",
    "Domestic abuse",
    "Parental mental health",
    "Parental substance misuse",
    "Child sexual exploitation",
    "Child criminal exploitation",
    "Sudden unexpected death in infancy",
    "Non-accidental injury",
    "Self-harm and suicide",
    "Self-neglect",
    "Professional curiosity",
    "Information sharing",
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
FIRST = ["Pete", "Amrita", "Jo", "Sam", "Chris", "Lee", "Kim", "Alex", "Pat", "Robin", "Jess", "Tom"]
LAST = ["Hill", "Sharma", "Green", "Okafor", "Walsh", "Patel", "Evans", "Nowak", "Khan", "Reid"]
REVIEWERS = ["Jane Wonnacott", "Nicki Pettitt", "David Mellor", "Fiona Johnson", "Kevin Ball"]
REQUESTS = [
    "Paragraph {n}: the chronology gives the wrong date for the strategy discussion.",
    "Section {n}: the report should say that the health visitor made two referrals, not one.",
    "Finding {n} reads as criticism of one practitioner; reframe it as a system finding.",
    "Recommendation {n}: name the agency that will lead, and by when.",
    "Paragraph {n} names a school: remove it, as it would identify the family.",
]
NO_FURTHER = (
    "The partners agreed that the criteria for a local child safeguarding practice review are not met; "
    "the learning is taken forward by the single agencies and the learning and development subgroup."
)
LCSPR_WHY = (
    "The rapid review found that improvements may be needed in how agencies share information when a "
    "family moves between areas, and that the themes recur in earlier reviews."
)


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


# ---------------------------------------------------------------- the data


def build(size: int, seed: int) -> dict[str, Any]:
    """One partnership with `size` reviews, written with bulk_create in one transaction."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from boardkeeper.accounts.models import PartnershipRole
    from boardkeeper.directory.models import Organisation, Partnership, Person
    from boardkeeper.lib.dates import add_months
    from boardkeeper.lib.workdays import WorkingDays
    from boardkeeper.reviews.models import (
        ChangeRequest,
        FamilyContact,
        OverrunReason,
        PanelMeeting,
        ParallelProcess,
        PublicationBlackout,
        ReportVersion,
        Review,
        ReviewRules,
        StageChange,
        Theme,
    )

    K, S = Review.Kind, Review.Stage
    rng = random.Random(seed)
    today = timezone.localdate()
    days = WorkingDays("ENG")

    with transaction.atomic():
        partnership = Partnership.objects.create(name="Warwickshire Safeguarding (bench)", slug="bench")
        rules = ReviewRules.objects.create(partnership=partnership)
        election = dt.date(today.year + 1, 5, 7)
        blackout = PublicationBlackout.objects.create(
            partnership=partnership,
            start=election - dt.timedelta(days=45),
            end=election,
            reason="Pre-election period",
        )
        orgs = Organisation.objects.bulk_create(
            [Organisation(partnership=partnership, name=name) for name in ORGANISATIONS]
        )
        themes = Theme.objects.bulk_create([Theme(partnership=partnership, name=name) for name in THEMES])
        n_people = 30 + size // 20
        users = User.objects.bulk_create([User(username=f"bench-person-{i}") for i in range(n_people // 2)])
        people = Person.objects.bulk_create(
            [
                Person(
                    partnership=partnership,
                    full_name=f"{FIRST[i % 12]} {'ABCDEFGHJKLMNPRSTW'[i // 120 % 18]}. {LAST[i // 12 % 10]}",
                    organisation=orgs[i % len(orgs)],
                    job_title="Safeguarding lead",
                    user=users[i] if i < len(users) else None,
                )
                for i in range(n_people)
            ]
        )
        named_pool = people[: len(users)]
        manager = User.objects.create_user("bench-manager")
        member = User.objects.create_user("bench-member")
        PartnershipRole.objects.bulk_create(
            [
                PartnershipRole(
                    user=manager, partnership=partnership, role=PartnershipRole.Role.BUSINESS_TEAM
                ),
                PartnershipRole(user=member, partnership=partnership, role=PartnershipRole.Role.MEMBER),
            ]
        )
        member_person = Person.objects.create(
            partnership=partnership, full_name="Morgan Bench", organisation=orgs[1], user=member
        )

        # publication slots: two a month from next month, on working days, outside the blackout, for
        # the first PLANNED_SLOTS reviews planned; the rest are planned on one of those dates too (the
        # clashes accepted), so that the first free date is a few months away at every size
        def slots() -> Any:
            month, taken = dt.date(today.year, today.month, 1), []
            while len(taken) < PLANNED_SLOTS:
                month = (month + dt.timedelta(days=32)).replace(day=1)
                for day in (2, 17):
                    when = days.on_or_after(month.replace(day=day))
                    if not blackout.start <= when <= blackout.end and len(taken) < PLANNED_SLOTS:
                        taken.append(when)
                        yield when
            while True:
                yield rng.choice(taken)

        slot = slots()
        showcase_planned = next(slot)

        reviews: list[Review] = []
        started: list[dt.date] = []
        paths: list[list[tuple[str, str, dt.date, str]]] = []
        version_plans: list[list[tuple[dt.date, int]]] = []
        reasons: list[list[str]] = []

        def progress(
            r: Review, d0: dt.date, factor: float, path: list[tuple[str, str, dt.date, str]]
        ) -> list[tuple[dt.date, int]]:
            """Stages after the decision (or the start of a review recorded directly), by age; the
            report versions it has (date, change requests)."""
            tor = d0 + dt.timedelta(days=round(rng.uniform(30, 45) * factor))
            report = d0 + dt.timedelta(days=round(rng.uniform(180, 220) * factor))
            publication = d0 + dt.timedelta(days=round(330 * factor))
            done = d0 + dt.timedelta(days=round(420 * factor))
            r.stage = S.SCOPING
            if today < tor:
                return []
            r.tor_agreed_on, r.terms_of_reference = tor, "Agreed by the panel: the period under review, "
            r.terms_of_reference += "the agencies involved and the questions the review will answer."
            r.reviewer, r.reviewer_appointed_on = rng.choice(REVIEWERS), tor - dt.timedelta(days=10)
            r.stage = S.REVIEW
            path.append((S.SCOPING, S.REVIEW, tor, ""))
            if today < report:
                return []
            r.stage = S.REPORT
            path.append((S.REVIEW, S.REPORT, report, "Version 1 of the report"))
            n = rng.randint(1, 3)
            latest = min(today, publication)
            plan = [
                (report + dt.timedelta(days=(latest - report).days * k // n), rng.randint(0, 4))
                for k in range(n)
            ]
            if today < publication:
                return plan
            if today < done:
                r.stage, r.publication_planned_on = S.PUBLICATION, next(slot)
                path.append(
                    (
                        S.REPORT,
                        S.PUBLICATION,
                        publication,
                        f"Publication planned for {r.publication_planned_on}",
                    )
                )
                return plan
            if rng.random() < 0.85:
                published = d0 + dt.timedelta(days=round(rng.uniform(340, 400) * factor))
                r.stage, r.published_on, r.publication_planned_on = S.PUBLISHED, published, published
                r.outcome = rng.choices([Review.Outcome.FULL, Review.Outcome.IMPROVEMENTS], [80, 20])[0]
                r.notice_sent_on = days.back(published, rng.choice([7, 8, 10, 5]))
                r.website_on = published
                r.nspcc_submitted_on = published + dt.timedelta(days=14) if rng.random() < 0.7 else None
                path.append((S.REPORT, S.PUBLISHED, published, "Outcome: Full report published"))
            else:
                r.stage, r.outcome = S.CLOSED, Review.Outcome.NOT_PUBLISHED
                r.outcome_reason = (
                    "Publication would identify the family; the learning is shared with partners."
                )
                path.append((S.REPORT, S.CLOSED, done, "Outcome: Not published"))
                plan = plan[: rng.randint(0, len(plan))]
            return plan

        for i in range(size - 1):
            r = Review(partnership=partnership, pseudonym="", kind=K.RAPID_REVIEW, stage=S.NOTIFICATION)
            path: list[tuple[str, str, dt.date, str]] = []
            why: list[str] = []
            plan: list[tuple[dt.date, int]] = []
            d0 = today - dt.timedelta(days=rng.randint(0, 5 * 365))
            start = d0
            if rng.random() < 0.5:  # a serious incident notification, then a rapid review
                r.aware_on = d0
                path.append(("", S.NOTIFICATION, d0, "Serious incident notification recorded"))
                notified = days.add(d0, rng.choices([2, 4, 5, 7], [30, 40, 20, 10])[0])
                rr_done = days.add(d0, rng.choices([12, 15, 18, 25], [30, 40, 20, 10])[0])
                decided = rr_done + dt.timedelta(days=rng.randint(5, 30))
                if notified > today:
                    pass
                elif rr_done > today:
                    r.stage, r.notified_on = S.RAPID_REVIEW, notified
                    path.append((S.NOTIFICATION, S.RAPID_REVIEW, notified, ""))
                elif decided > today:
                    r.stage, r.notified_on, r.rapid_review_on = S.DECISION, notified, rr_done
                    path.append((S.NOTIFICATION, S.RAPID_REVIEW, notified, ""))
                    path.append((S.RAPID_REVIEW, S.DECISION, rr_done, ""))
                else:
                    r.notified_on, r.rapid_review_on, r.decided_on = notified, rr_done, decided
                    r.decision_sent_on = decided + dt.timedelta(days=rng.randint(0, 5))
                    path.append((S.NOTIFICATION, S.RAPID_REVIEW, notified, ""))
                    path.append((S.RAPID_REVIEW, S.DECISION, rr_done, ""))
                    what = rng.choices(["none", K.LCSPR, "learning"], [55, 25, 20])[0]
                    if what == "none":
                        r.stage, r.decision_rationale = S.CLOSED, NO_FURTHER
                        path.append(
                            (S.DECISION, S.CLOSED, decided, f"Decision: no further review. {NO_FURTHER}")
                        )
                    else:
                        r.kind = (
                            K.LCSPR
                            if what == K.LCSPR
                            else rng.choice([K.LEARNING_REVIEW, K.LLB, K.SEVEN_MINUTE])
                        )
                        for c in rng.sample(
                            "abcd", rng.randint(1, 3) if what == K.LCSPR else rng.randint(0, 1)
                        ):
                            setattr(r, f"criterion_{c}", True)
                        r.decision_rationale = LCSPR_WHY
                        path.append((S.DECISION, S.SCOPING, decided, f"Decision: {r.get_kind_display()}."))
                        factor = {K.LCSPR: 1.0, K.LEARNING_REVIEW: 0.6}.get(r.kind, 0.3)
                        plan = progress(r, decided, factor, path)
                        if r.kind == K.LCSPR:
                            due = add_months(decided, rules.lcspr_months)
                            if (r.published_on or today) > due and rng.random() < 0.5:
                                why.append("lcspr")
                if (
                    r.notified_on
                    and r.notified_on > days.add(d0, rules.notification_days)
                    and rng.random() < 0.5
                ):
                    why.append("notification")
                rr_due = days.add(d0, rules.rapid_review_days)
                if r.rapid_review_on and r.rapid_review_on > rr_due and rng.random() < 0.5:
                    why.append("rapid_review")
                prefix = "Child"
            else:  # recorded directly: an SAR, a DHR, a learning review or briefing
                r.kind = rng.choices(
                    [K.SAR_MANDATORY, K.SAR_DISCRETIONARY, K.DHR, K.LEARNING_REVIEW, K.LLB, K.SEVEN_MINUTE],
                    [30, 20, 24, 14, 8, 4],
                )[0]
                if r.kind in (K.SAR_MANDATORY, K.SAR_DISCRETIONARY):
                    r.referral_source = rng.choice(["Adult social care", "Police", "Care provider", "ICB"])
                    prefix, factor = "Adult", 1.3
                elif r.kind == K.DHR:
                    r.referral_source = "Community Safety Partnership"
                    prefix, factor = "Family", 2.0
                else:
                    prefix, factor = "Child", 0.5
                path.append(("", S.SCOPING, d0, "Review recorded"))
                plan = progress(r, d0, factor, path)
            r.pseudonym = f"{prefix} {_letters(i)}"
            reviews.append(r)
            started.append(start)
            paths.append(path)
            version_plans.append(plan)
            reasons.append(why)

        # the review with the most, the same at every size: an LCSPR at publication
        aware = today - dt.timedelta(days=420)
        decided = aware + dt.timedelta(days=40)
        showcase = Review(
            partnership=partnership,
            pseudonym="Child Showcase",
            kind=K.LCSPR,
            stage=S.PUBLICATION,
            aware_on=aware,
            notified_on=days.add(aware, 3),
            rapid_review_on=days.add(aware, 14),
            decided_on=decided,
            decision_sent_on=decided + dt.timedelta(days=2),
            criterion_a=True,
            criterion_c=True,
            decision_rationale=LCSPR_WHY,
            tor_agreed_on=decided + dt.timedelta(days=35),
            terms_of_reference="The period under review, the agencies involved and the questions.",
            reviewer=REVIEWERS[0],
            reviewer_appointed_on=decided + dt.timedelta(days=25),
            publication_planned_on=showcase_planned,
        )
        reviews.insert(0, showcase)
        started.insert(0, aware)
        paths.insert(
            0,
            [
                ("", S.NOTIFICATION, aware, "Serious incident notification recorded"),
                (S.NOTIFICATION, S.RAPID_REVIEW, showcase.notified_on, ""),
                (S.RAPID_REVIEW, S.DECISION, showcase.rapid_review_on, ""),
                (S.DECISION, S.SCOPING, decided, "Decision: Local child safeguarding practice review."),
                (S.SCOPING, S.REVIEW, showcase.tor_agreed_on, ""),
                (S.REVIEW, S.REPORT, decided + dt.timedelta(days=200), "Version 1 of the report"),
                (S.REPORT, S.PUBLICATION, today - dt.timedelta(days=20), "Publication planned"),
            ],
        )
        version_plans.insert(0, [(decided + dt.timedelta(days=200 + 60 * k), 4) for k in range(3)])
        reasons.insert(0, ["lcspr"])

        Review.objects.bulk_create(reviews, batch_size=500)
        for r, start in zip(reviews, started, strict=True):  # auto_now_add: set the real date after
            r.created_at = timezone.make_aware(dt.datetime.combine(start, dt.time(10)))
        Review.objects.bulk_update(reviews, ["created_at"], batch_size=500)

        StageChange.objects.bulk_create(
            [
                StageChange(review=r, stage_from=a, stage_to=b, on=on, by=manager, note=note)
                for r, path in zip(reviews, paths, strict=True)
                for a, b, on, note in path
            ],
            batch_size=2000,
        )
        OverrunReason.objects.bulk_create(
            [
                OverrunReason(
                    review=r, clock=clock, reason="The panel needed more time for agency reports.", by=manager
                )
                for r, why in zip(reviews, reasons, strict=True)
                for clock in why
            ],
            batch_size=2000,
        )
        ThemeLink = Review.themes.through
        ThemeLink.objects.bulk_create(
            [
                ThemeLink(review_id=r.pk, theme_id=t.pk)
                for r in reviews
                for t in (themes[:3] if r is showcase else rng.sample(themes, rng.randint(1, 3)))
            ],
            batch_size=2000,
        )
        PeopleLink = Review.named_people.through
        links = []
        for r in reviews:
            named = (
                named_pool[:3]
                if r is showcase
                else rng.sample(named_pool, rng.choices([0, 1, 2, 3], [40, 30, 20, 10])[0])
            )
            if r is not showcase and rng.random() < 0.05:
                named = [*named, member_person]
            links += [PeopleLink(review_id=r.pk, person_id=p.pk) for p in named]
        if not any(link.person_id == member_person.pk for link in links):  # a small size: at least one
            links.append(PeopleLink(review_id=showcase.pk, person_id=member_person.pk))
        PeopleLink.objects.bulk_create(links, batch_size=2000)

        versions: list[ReportVersion] = []
        requests_per_version: list[int] = []
        for r, plan in zip(reviews, version_plans, strict=True):
            for k, (dated, n_requests) in enumerate(plan):
                number = "Final" if k == len(plan) - 1 and r.stage == S.PUBLISHED else str(k + 1)
                versions.append(
                    ReportVersion(
                        review=r,
                        number=number,
                        dated=dated,
                        summary=f"Version {number}, for the panel.",
                        added_by=manager,
                    )
                )
                requests_per_version.append(n_requests)
        ReportVersion.objects.bulk_create(versions, batch_size=2000)
        changes = []
        for v, n in zip(versions, requests_per_version, strict=True):
            for j in range(n):
                answered = v.review.stage in (S.PUBLISHED, S.CLOSED) or rng.random() < 0.6
                response = (
                    rng.choices(["agreed", "partly", "not_agreed"], [60, 20, 20])[0]
                    if answered
                    else "pending"
                )
                changes.append(
                    ChangeRequest(
                        version=v,
                        requested_by=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        organisation=rng.choice(ORGANISATIONS),
                        requested_on=v.dated + dt.timedelta(days=7 + j),
                        request=rng.choice(REQUESTS).format(n=rng.randint(2, 90)),
                        response=response,
                        rationale="" if response in ("agreed", "pending") else "The finding stands.",
                        responded_on=v.dated + dt.timedelta(days=21) if answered else None,
                    )
                )
        ChangeRequest.objects.bulk_create(changes, batch_size=2000)
        FamilyContact.objects.bulk_create(
            [
                FamilyContact(
                    review=showcase, on=decided + dt.timedelta(days=60), who="Mother", how="Meeting"
                ),
                FamilyContact(
                    review=showcase, on=decided + dt.timedelta(days=250), who="Mother", how="Letter"
                ),
            ]
        )
        ParallelProcess.objects.create(
            review=showcase,
            kind=ParallelProcess.Kind.INQUEST,
            description="HM Coroner",
            concluded_on=today - dt.timedelta(days=30),
        )
        PanelMeeting.objects.bulk_create(
            [PanelMeeting(review=showcase, on=decided + dt.timedelta(days=50 + 60 * k)) for k in range(3)]
        )

    stages: dict[str, int] = {}
    for r in reviews:
        stages[r.stage] = stages.get(r.stage, 0) + 1
    return {
        "partnership": partnership,
        "manager": manager,
        "member": member,
        "showcase": showcase,
        "shape": (
            f"{size:,} reviews since {min(started):%b %Y} ("
            + ", ".join(f"{s} {stages.get(s, 0)}" for s in S.values)
            + f"); {len(versions):,} report versions, {len(changes):,} change requests, "
            f"{sum(len(w) for w in reasons):,} overrun reasons, {n_people + 1} people, "
            f"member named on {sum(1 for link in links if link.person_id == member_person.pk)}"
        ),
    }


# ---------------------------------------------------------------- worker (one size, fresh process and database)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _counted(call: Callable[[], Any]) -> tuple[Any, int, float]:
    """One call inside CaptureQueriesContext: its result, its number of queries, and the time they took
    to execute in ms (timed here: CaptureQueriesContext rounds each to the millisecond)."""
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
        result = call()
    return result, len(ctx.captured_queries), 1000 * sum(spent)


def _profile(call: Callable[[], Any], top: int = 30) -> str:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _measure(
    name: str, call: Callable[[], Any], repeat: int, gc_clock: GcClock, profile: float | None
) -> dict[str, Any]:
    for _ in range(WARMUP):
        call()
    times = []
    gc_clock.seconds = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - t))
    result = {
        "name": name,
        "median_ms": _nearest_rank(times, 50),
        "p95_ms": _nearest_rank(times, 95),
        "min_ms": min(times),
        "gc_ms": 1000 * gc_clock.seconds / repeat,
        "repeat": repeat,
    }
    out, result["queries"], result["sql_ms"] = _counted(call)
    result["out"] = out  # removed before the worker prints its JSON
    if profile is not None and result["median_ms"] > profile:
        result["profile"] = _profile(call)
    return result


def _signed_in(user: Any) -> Any:
    """A test Client (ALLOWED_HOSTS as deployed; no setup_test_environment()) signed in as `user`, with
    the second factor given when the app asks for one."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        from boardkeeper.accounts.security import SESSION_KEY
    except ImportError:  # no second factor in this version of the app
        return client
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    return client


def worker(size: int, repeat: int, export_repeat: int, profile: float | None, seed: int) -> dict[str, Any]:
    cpu = _pin_to_one_cpu()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardkeeper.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from boardkeeper.lib.workdays import WorkingDays
    from boardkeeper.reviews import planner, services
    from boardkeeper.reviews.models import ChangeRequest, ReportVersion

    clock = time.perf_counter
    start = clock()
    call_command("migrate", verbosity=0)
    migrated = clock() - start
    start = clock()
    data = build(size, seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = clock() - start
    rss_built = _peak_rss_mb()

    partnership, showcase = data["partnership"], data["showcase"]
    manager = _signed_in(data["manager"])
    member = _signed_in(data["member"])
    gc_clock = GcClock()

    def get(client: Any, url: str) -> Any:
        def call() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    register_url = reverse("reviews", args=[partnership.slug])
    review_url = reverse("review", args=[showcase.pk])
    export_url = reverse("reviews_export", args=[partnership.slug])
    items: list[dict[str, Any]] = []
    for key, label, client, url, n in (
        ("register_business", "register, business team", manager, register_url, repeat),
        ("register_member", "register, member", member, register_url, repeat),
        ("review", "review page (3 versions, 12 changes)", manager, review_url, repeat),
        ("export", "register export .xlsx", manager, export_url, export_repeat),
    ):
        item = _measure(key, get(client, url), n, gc_clock, profile)
        response = item.pop("out")
        item.update(label=label, url=url, kb=len(response.content) / 1024)
        if key.startswith("register"):
            user = data["manager" if key == "register_business" else "member"]
            business = key == "register_business"
            shown = services.visible_reviews(user, partnership, business_team=business).count()
            item["detail"] = f"{shown:,} reviews shown"
        items.append(item)

    def clocks_cli() -> str:
        buffer = io.StringIO()
        call_command("reviews", "clocks", "--json", stdout=buffer)
        return buffer.getvalue()

    item = _measure("cli_clocks", clocks_cli, repeat, gc_clock, profile)
    output = item.pop("out")
    item.update(
        label="reviews clocks --json (CLI)",
        kb=len(output) / 1024,
        detail=f"{len(json.loads(output)):,} open clocks",
    )
    items.append(item)

    item = _measure("bookings", lambda: services.bookings(partnership), repeat, gc_clock, profile)
    booked = item.pop("out")
    item.update(label="services.bookings", detail=f"{len(booked):,} bookings")
    items.append(item)

    rules = services.rules_for(partnership)
    capacity = services.capacity_of(partnership, rules)
    calendar = WorkingDays(rules.region)
    today = timezone.localdate()
    per_month: dict[tuple[int, int], int] = {}
    for b in booked:
        if b.day >= today:
            per_month[(b.day.year, b.day.month)] = per_month.get((b.day.year, b.day.month), 0) + 1
    full = min(
        (m for m, n in per_month.items() if n >= capacity.per_month),
        default=min(per_month, default=(today.year, today.month)),
    )
    start_day = dt.date(*full, 1)
    item = _measure(
        "next_free",
        lambda: planner.next_free(start_day, booked, capacity, calendar),
        repeat,
        gc_clock,
        profile,
    )
    found = item.pop("out")
    searched = (found - start_day).days + 1 if found else planner.HORIZON_DAYS
    item.update(
        label="planner.next_free",
        detail=(
            f"from {start_day} ({per_month.get(full, 0)} booked that month): {found or 'none'}, "
            f"{searched} days searched, {1000 * item['median_ms'] / searched:,.0f} µs a day"
        ),
    )
    items.append(item)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            server = f"SQLite {cursor.fetchone()[0]}"
    return {
        "size": size,
        "server": server,
        "cpu": cpu,
        "migrate_s": migrated,
        "build_s": built,
        "shape": data["shape"],
        "showcase": {
            "versions": ReportVersion.objects.filter(review=showcase).count(),
            "change_requests": ChangeRequest.objects.filter(version__review=showcase).count(),
        },
        "items": items,
        "rss_built_mb": rss_built,
        "rss_peak_mb": _peak_rss_mb(),
    }


# ---------------------------------------------------------------- driver


def run_worker(size: int, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        str(size),
        "--repeat",
        str(args.repeat),
        "--export-repeat",
        str(args.export_repeat),
        "--seed",
        str(args.seed),
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
        if kind == "sqlite":
            with tempfile.TemporaryDirectory(prefix="boardkeeper-bench-") as tmp:
                results.append(run_worker(size, args, {**base, "BOARDKEEPER_DATA": tmp}))
            continue
        import psycopg

        try:
            with own_database(args.database_url, "reviews") as bench_url:
                results.append(run_worker(size, args, {**base, "DATABASE_URL": bench_url}))
        except psycopg.Error as exc:
            results.append({"size": size, "error": [f"could not make a database of its own: {exc}".strip()]})
    return results


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
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
    largest = max((r["size"] for r in ok), default=0)
    for r in results:
        if "error" in r:
            problems.append(f"{kind} {r['size']:,}: the worker failed: {' '.join(r['error'])}")
            print(f"  {r['size']:,} reviews: FAILED: {' '.join(r['error'])}")
            continue
        print(f"  {r['shape']}")
        print(
            f"    migrate {r['migrate_s']:.1f} s, data {r['build_s']:.1f} s; {r['server']}; peak RSS "
            f"{r['rss_built_mb']:.0f} MB after the data, {r['rss_peak_mb']:.0f} MB at the end"
        )
        for item in r["items"]:
            extra = [
                f"{item['kb']:,.0f} KB" if "kb" in item else "",
                item.get("detail", ""),
                f"SQL {item['sql_ms']:,.1f} ms at the largest size" if r["size"] == largest else "",
            ]
            print(f"    {item['label']}: {'; '.join(e for e in extra if e)}")
    if not ok:
        return problems
    header = ["", *[f"{r['size']:,}: {c}" for r in ok for c in ("median", "p95", "GC", "queries")]]
    header.append("constant queries")
    rows = []
    for n, first in enumerate(ok[0]["items"]):
        row = [first["label"]]
        counts = set()
        for r in ok:
            item = r["items"][n]
            row += [
                f"{item['median_ms']:,.1f}",
                f"{item['p95_ms']:,.1f}",
                f"{item['gc_ms']:,.1f}",
                str(item["queries"]),
            ]
            counts.add(item["queries"])
            if r["size"] == largest and item["median_ms"] > SLOW_MS:
                problems.append(f"{kind} {r['size']:,}: {item['label']}: median {item['median_ms']:,.0f} ms")
        if len(ok) > 1:
            row.append("yes" if len(counts) == 1 else "NO")
            if len(counts) > 1:
                problems.append(f"{kind}: {first['label']}: {sorted(counts)} queries at the sizes measured")
        else:
            row.append("—")
        rows.append(row)
    print("\n  times in ms (median, p95, mean in the garbage collector per run)\n")
    print_table(header, rows)
    if len(ok) > 1:
        sizes = " and ".join(f"{r['size']:,}" for r in ok)
        same = all(row[-1] == "yes" for row in rows)
        print(f"\n  query count: {'the same' if same else 'NOT the same'} at {sizes} reviews for every row")
    print("  peak RSS per worker: " + ", ".join(f"{r['size']:,}: {r['rss_peak_mb']:.0f} MB" for r in ok))
    for r in ok:
        for item in r["items"]:
            if item.get("profile"):
                print(f"\n---- cProfile, {kind}, {r['size']:,} reviews: {item['label']}\n{item['profile']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[200, 2000], help="reviews (default 200 2000)"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each (default 20)")
    parser.add_argument("--export-repeat", type=int, default=10, help="timed exports (default 10)")
    parser.add_argument("--database-url", help="also on PostgreSQL: postgres://user@host:port/db")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--profile",
        type=float,
        nargs="?",
        const=SLOW_MS,
        metavar="MS",
        help=f"cProfile one run of each thing slower than MS (default {SLOW_MS:g})",
    )
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument("--worker", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat, args.export_repeat, args.profile, args.seed)))
        return 0

    started = time.perf_counter()
    print(f"boardkeeper case review register benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(machine())
    print(
        f"sizes {', '.join(f'{s:,}' for s in args.sizes)} reviews; {WARMUP} warm-up + {args.repeat} timed "
        f"runs of each ({args.export_repeat} of the export); a fresh process and database per size"
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
