"""The register of a partnership's case reviews, and recording a new one."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape  # as django.utils.html.escape (which calls it), without its lazy-string wrapper
from types import MappingProxyType
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, DateField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import get_partnership_for_user, signed_in_user
from boardkeeper.directory.models import Partnership
from boardkeeper.lib.filters import short_day
from boardkeeper.lib.reference import cached
from boardkeeper.lib.urls import address_of
from boardkeeper.reviews import forms as f
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import DATE_FIELDS, Clock, clocks_of
from boardkeeper.reviews.models import Review

FINISHED = (Review.Stage.PUBLISHED, Review.Stage.CLOSED)  # the last stages: listed after the running
STAGE_ORDER = {stage: n for n, (stage, _) in enumerate(Review.Stage.choices)}
PAGE_SIZE = 50  # reviews a page of the register (issue 15: every list page 50 rows)
KIND_LABELS = dict(Review.Kind.choices)
# what a register row reads of a review: its name and what `clocks_of` reads; not its rationale, terms or
# outcome text
ROW_FIELDS = ("pk", "pseudonym", *DATE_FIELDS)


class Why(NamedTuple):
    """A reason given for a clock's overrun, as `clocks_of` reads it (a `clocks.Reason`)."""

    clock: str
    reason: str


@dataclass(slots=True)
class Listed:
    """A review as the register lists it (ROW_FIELDS, in that order), with the reasons given for its clocks'
    overruns; `clocks_of` reads it as it reads a Review (`clocks.Dates`)."""

    pk: int
    pseudonym: str
    kind: str
    stage: str
    aware_on: dt.date | None
    notified_on: dt.date | None
    rapid_review_on: dt.date | None
    decided_on: dt.date | None
    published_on: dt.date | None
    publication_planned_on: dt.date | None
    notice_sent_on: dt.date | None
    reasons: list[Why] = field(default_factory=list)  # the latest last, so it wins in `clocks_of`


def listed_rows(reviews: QuerySet[Review]) -> list[Listed]:
    """The reviews by stage and pseudonym, read as tuples with their overrun reasons joined (a row each):
    one query, where Review instances and a query of the reasons took 0.5 ms more (2 ms with ?all=1)."""
    rows = reviews.values_list(*ROW_FIELDS, "overrun_reasons__clock", "overrun_reasons__reason").order_by(
        "stage", "pseudonym", "pk", "overrun_reasons__created_at", "overrun_reasons__pk"
    )
    listed: list[Listed] = []
    for *fields, clock, reason in rows:
        if not listed or listed[-1].pk != fields[0]:
            listed.append(Listed(*fields))
        if clock is not None:
            listed[-1].reasons.append(Why(clock, reason))
    return listed


@dataclass(frozen=True)
class StageTable:
    stage: str
    label: str
    count: int  # reviews at the stage (that the person may see), on every page of the register
    rows: SafeString  # the table's body rows (`_review_rows`)


@dataclass(frozen=True)
class ThemeChart:
    """Reviews by theme and year (shared between requests: lib.reference; never changed once made)."""

    years: tuple[int, ...]
    rows: tuple[tuple[str, tuple[int, ...], int], ...]  # theme, count per year, total
    most: int

    def bars(self) -> list[dict[str, Any]]:
        """Horizontal stacked bars, one per theme, a segment per year: geometry for the SVG."""
        width, out = 520, []
        for i, (theme, counts, total) in enumerate(self.rows):
            x, segments = 0.0, []
            for j, n in enumerate(counts):
                w = width * n / self.most if self.most else 0
                if n:
                    segments.append(
                        {
                            "x": 200 + x,
                            "w": w,
                            "year": self.years[j],
                            "n": n,
                            "colour": COLOURS[j % len(COLOURS)],
                        }
                    )
                x += w
            out.append(
                {"y": 10 + i * 34, "theme": theme, "total": total, "segments": segments, "end": 200 + x + 6}
            )
        return out

    @property
    def height(self) -> int:
        return 20 + 34 * len(self.rows) + 30

    @property
    def legend(self) -> list[dict[str, Any]]:
        return [
            {"year": y, "colour": COLOURS[j % len(COLOURS)], "x": 200 + 80 * j}
            for j, y in enumerate(self.years)
        ]

    @functools.cached_property  # made once for a kept chart, not on every request
    def svg_html(self) -> SafeString:
        """The chart's bars and legend, built in Python: as template loops, each number through its filters,
        they and the table (`table_html`) took 7.5 ms of the register's time (96 segments; 0.6 ms here)."""
        out = []
        for bar in self.bars():
            theme, y = escape(bar["theme"]), bar["y"]
            out.append(
                f'<text x="190" y="{y + 18}" text-anchor="end" font-size="15" fill="#0b0c0c">{theme}</text>'
            )
            out += [
                f'<rect x="{_one_place(s["x"])}" y="{y}" width="{_one_place(s["w"])}" height="26"'
                f' fill="{s["colour"]}"><title>{theme}, {s["year"]}: {s["n"]}</title></rect>'
                for s in bar["segments"]
            ]
            out.append(
                f'<text x="{_one_place(bar["end"])}" y="{y + 18}" font-size="15" fill="#0b0c0c">'
                f"{bar['total']}</text>"
            )
        top = self.height
        out += [
            f'<rect x="{item["x"]}" y="{top - 24}" width="14" height="14" fill="{item["colour"]}"/>'
            f'<text x="{item["x"] + 20}" y="{top - 12}" font-size="14" fill="#0b0c0c">{item["year"]}</text>'
            for item in self.legend
        ]
        # every value above is a number, a colour of COLOURS or an escaped theme name
        return mark_safe("\n".join(out))

    @functools.cached_property
    def table_html(self) -> SafeString:
        """The body rows of the table under the chart, each count with its year beside it (data-label): on a
        phone the table's rows are stacked and the header row is hidden."""
        out = []
        for theme, counts, total in self.rows:
            cells = "".join(
                f'<td class="govuk-table__cell govuk-table__cell--numeric" data-label="{year}">{n}</td>'
                for year, n in zip(self.years, counts, strict=True)
            )
            out.append(
                f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{escape(theme)}</th>'
                f'{cells}<td class="govuk-table__cell govuk-table__cell--numeric" data-label="All">{total}</td>'
                "</tr>"
            )
        return mark_safe("\n".join(out))  # the theme names escaped, the rest numbers


COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f"]  # GOV.UK palette


def _one_place(x: float) -> str:
    """A number as the filter floatformat:1 writes it: to one decimal place, halves rounded up."""
    return str(Decimal(str(x)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def theme_chart(partnership: Partnership, visible: QuerySet[Review] | None = None) -> ThemeChart:
    """Reviews of the partnership by theme and year (of awareness, else the decision, else the record), only
    those in `visible` when given: one grouped query."""
    when = Coalesce("review__aware_on", "review__decided_on", Cast("review__created_at", DateField()))
    # a review's themes are its partnership's (the themes form offers no other): naming the partnership of
    # both lets PostgreSQL start from its dozen themes, not every review theme in the country (0.7 ms, not 2)
    tagged = Review.themes.through.objects.filter(
        review__partnership=partnership, theme__partnership=partnership
    )
    if visible is not None:
        tagged = tagged.filter(review__in=visible)
    grouped = (
        tagged.annotate(year=ExtractYear(when))
        .values_list("theme__name", "year")  # type: ignore[misc]
        .annotate(n=Count("review_id", distinct=True))
        .order_by()
    )
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for name, year, n in grouped:
        counts[name][year] += n
    years = tuple(sorted({y for c in counts.values() for y in c}))
    rows = tuple(
        sorted(
            ((name, tuple(c[y] for y in years), sum(c.values())) for name, c in counts.items()),
            key=lambda r: (-r[2], r[0]),
        )
    )
    return ThemeChart(years, rows, max((r[2] for r in rows), default=0))


def _stage_counts(
    partnership: Partnership, visible: QuerySet[Review] | None
) -> Mapping[str, tuple[int, int]]:
    """Each stage's reviews in the partnership: all of them (the board's view, whoever is named on them)
    and those the user may see (`visible`; None: all of them). One grouped query, where three counts were."""
    reviews = Review.objects.filter(partnership=partnership).values_list("stage").order_by()
    if visible is None:
        return MappingProxyType({stage: (n, n) for stage, n in reviews.annotate(n=Count("*"))})
    grouped = reviews.annotate(n=Count("*"), seen=Count("pk", filter=Q(pk__in=visible.values("pk"))))
    return MappingProxyType({stage: (n, seen) for stage, n, seen in grouped})


def _review_rows(review: Listed, clocks: list[Clock], link: Callable[[Any], str]) -> str:
    """A review's rows of its stage's table: a row a clock, the review's cell spanning them; built in Python,
    as the template's nested loops, include and lookups cost 0.15 ms a review (0.02 ms here)."""
    name = (
        f'<a class="govuk-link" href="{link(review.pk)}">{escape(review.pseudonym)}</a>'
        f'<br><span class="govuk-body-s">{escape(KIND_LABELS.get(review.kind, review.kind))}</span>'
    )
    if not clocks:
        return (
            f'<tr class="govuk-table__row"><td class="govuk-table__cell">{name}</td>'
            '<td class="govuk-table__cell" colspan="3" data-label="Clock">No statutory clock running</td></tr>'
        )
    note = '<br><span class="govuk-body-s">No reason recorded for the overrun</span>'
    out = []
    for i, clock in enumerate(clocks):
        first = f'<td class="govuk-table__cell" rowspan="{len(clocks)}">{name}</td>' if i == 0 else ""
        out.append(
            f'<tr class="govuk-table__row">{first}'
            f'<td class="govuk-table__cell" data-label="Clock">{escape(clock.label)}</td>'
            f'<td class="govuk-table__cell" data-label="Due">{short_day(clock.due)}</td>'
            # the status as reviews/_clock.html shows it
            f'<td class="govuk-table__cell" data-label="Status"><strong class="govuk-tag {clock.tag}">'
            f"{escape(clock.status)}</strong>{note if clock.needs_reason else ''}</td></tr>"
        )
    return "\n".join(out)


def _finished_rows(visible: QuerySet[Review], start: int, stop: int) -> list[Listed]:
    """The published and closed reviews from `start` to `stop` in the order the register lists them (by
    stage, then pseudonym): two queries when the page reaches them, none when it does not."""
    if stop <= start:
        return []
    order = Case(*(When(stage=stage, then=Value(STAGE_ORDER[stage])) for stage in FINISHED))
    # the visible as a subquery: a named member's are DISTINCT, which PostgreSQL orders by selected columns only
    keys = list(
        Review.objects.filter(pk__in=visible.filter(stage__in=FINISHED).values("pk"))
        .order_by(order, "pseudonym", "pk")
        .values_list("pk", flat=True)[start:stop]
    )
    place = {pk: n for n, pk in enumerate(keys)}
    return sorted(listed_rows(Review.objects.filter(pk__in=keys)), key=lambda r: place[r.pk])


def _stage_tables(
    reviews: Iterable[tuple[Listed, list[Clock]]], counts: Mapping[str, int]
) -> list[StageTable]:
    """A table for each stage with reviews listed, in the order of the stages; the reviews within a stage
    in the order given; each headed by how many the stage has (`counts`: on every page, not only this one)."""
    link = address_of("review")
    by_stage: dict[str, list[str]] = defaultdict(list)
    for review, clocks in reviews:
        by_stage[review.stage].append(_review_rows(review, clocks, link))
    return [
        StageTable(
            stage, label, counts.get(stage, len(rows)), mark_safe("\n".join(rows))
        )  # each value escaped
        for stage, label in Review.Stage.choices
        if (rows := by_stage.get(stage))
    ]


@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    partnership = access.partnership
    user = signed_in_user(request)
    rules = services.rules_for(partnership)
    today = timezone.localdate()
    visible = services.visible_reviews(user, partnership, business_team=access.can_edit)
    # the register lists the reviews still running; published and closed ones on asking (?all=1)
    show_all = request.GET.get("all") == "1"
    # every running review is read (its open clocks are counted at the top; a partnership's running reviews
    # are its live caseload), in the order of the stages; the finished only for the page that lists them
    running = sorted(listed_rows(visible.exclude(stage__in=FINISHED)), key=lambda r: STAGE_ORDER[r.stage])
    clocks = {r.pk: clocks_of(r, rules, today=today, reasons=r.reasons) for r in running}
    # the business team sees every review (`services.visible_reviews`): no need to ask which. What it sees
    # of every review (the counts by stage, the chart of themes) is kept between requests under the
    # partnership's version, which its reviews and their themes change (reviews migration 0003); what
    # anyone else sees depends on who is named on which review, and is read each time
    need_to_know = None if access.can_edit else visible
    if need_to_know is None:
        counts = cached(access.reference, "review stage counts", lambda: _stage_counts(partnership, None))
        chart = cached(access.reference, "review theme chart", lambda: theme_chart(partnership))
    else:
        counts, chart = _stage_counts(partnership, need_to_know), theme_chart(partnership, need_to_know)
    total = sum(n for n, _ in counts.values())
    seen = sum(s for _, s in counts.values())
    finished = sum(counts.get(s, (0, 0))[1] for s in FINISHED)
    # the running first, then (on asking) the published and closed: PAGE_SIZE reviews a page
    page = Paginator(range(len(running) + (finished if show_all else 0)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    start, stop = page.object_list.start, page.object_list.stop  # type: ignore[attr-defined]
    shown = running[start:stop] + _finished_rows(
        visible, max(start - len(running), 0), max(stop - len(running), 0)
    )
    reviews = [
        (r, clocks[r.pk] if r.pk in clocks else clocks_of(r, rules, today=today, reasons=r.reasons))
        for r in shown
    ]
    return render(
        request,
        "reviews/register.html",
        {
            "access": access,
            "stages": _stage_tables(reviews, {stage: seen_n for stage, (_, seen_n) in counts.items()}),
            "page": page,
            # the board's view: how many reviews at each stage, whoever is named on them (no pseudonyms)
            "stage_counts": [(label, counts.get(s, (0, 0))[0]) for s, label in Review.Stage.choices],
            "total": total,
            "hidden": total - seen,
            "clock_counts": Counter(c.colour for found in clocks.values() for c in found if c.is_open),
            "chart": chart,
            "show_all": show_all,
            "finished": 0 if show_all else finished,
            "rules": rules,
        },
    )


@require_http_methods(["GET", "POST"])
def notification_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    form = f.NotificationForm(request.POST or None, initial={"pseudonym": request.GET.get("pseudonym", "")})
    if request.method == "POST" and form.is_valid():
        review = services.notification_record(
            partnership=access.partnership, user=signed_in_user(request), **form.cleaned_data
        )
        messages.success(
            request, f"The notification for {review.pseudonym} is recorded. Its clocks are running."
        )
        return redirect("review", review_id=review.pk)
    return render(request, "reviews/new.html", {"access": access, "form": form, "notification": True})


@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    form = f.ReviewCreateForm(request.POST or None, initial={"pseudonym": request.GET.get("pseudonym", "")})
    if request.method == "POST" and form.is_valid():
        review = services.review_create(
            partnership=access.partnership,
            user=signed_in_user(request),
            on=timezone.localdate(),
            **form.cleaned_data,
        )
        messages.success(request, f"{review} is recorded.")
        return redirect("review", review_id=review.pk)
    return render(request, "reviews/new.html", {"access": access, "form": form, "notification": False})
