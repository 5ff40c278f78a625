"""The register of a partnership's case reviews, and recording a new one."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import get_partnership_for_user, signed_in_user
from boardkeeper.reviews import forms as f
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import Clock, clocks_of
from boardkeeper.reviews.models import Review

FINISHED = (Review.Stage.PUBLISHED, Review.Stage.CLOSED)


@dataclass
class Row:
    review: Review
    clocks: list[Clock]


@dataclass
class ThemeChart:
    years: list[int]
    rows: list[tuple[str, list[int], int]]  # theme, count per year, total
    most: int

    def table_rows(self) -> list[tuple[str, list[tuple[int, int]], int]]:
        """The rows of the table under the chart with each count's year beside it: on a phone the table's
        rows are stacked, and each count names its year (data-label) since the header row is hidden."""
        return [
            (theme, list(zip(self.years, counts, strict=True)), total) for theme, counts, total in self.rows
        ]

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


COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f"]  # GOV.UK palette


def theme_chart(reviews: QuerySet[Review]) -> ThemeChart:
    """Reviews by theme and year (of awareness, else the decision, else the record): one grouped query."""
    when = Coalesce("review__aware_on", "review__decided_on", Cast("review__created_at", DateField()))
    grouped = (
        Review.themes.through.objects.filter(review__in=reviews)  # type: ignore[misc]
        .annotate(year=ExtractYear(when))
        .values_list("theme__name", "year")
        .annotate(n=Count("review_id", distinct=True))
        .order_by()
    )
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for name, year, n in grouped:
        counts[name][year] += n
    years = sorted({y for c in counts.values() for y in c})
    rows = sorted(
        ((name, [c[y] for y in years], sum(c.values())) for name, c in counts.items()),
        key=lambda r: (-r[2], r[0]),
    )
    return ThemeChart(years, rows, max((r[2] for r in rows), default=0))


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
    finished = visible.filter(stage__in=FINISHED)
    listed = visible if show_all else visible.exclude(stage__in=FINISHED)
    reviews = list(listed.prefetch_related("themes", "overrun_reasons").order_by("stage", "pseudonym"))
    rows = [Row(r, clocks_of(r, rules, today=today, reasons=r.overrun_reasons.all())) for r in reviews]
    by_stage: dict[str, list[Row]] = defaultdict(list)  # pseudonym order within a stage, as queried
    for row in rows:
        by_stage[row.review.stage].append(row)
    # the board's view: how many reviews at each stage, whoever is named on them (no pseudonyms)
    all_stages = Counter(Review.objects.filter(partnership=partnership).values_list("stage", flat=True))
    clock_counts = Counter(c.colour for row in rows for c in row.clocks if c.is_open)
    return render(
        request,
        "reviews/register.html",
        {
            "access": access,
            "stages": [
                (s, label, by_stage.get(s, [])) for s, label in Review.Stage.choices if by_stage.get(s)
            ],
            "stage_counts": [(label, all_stages.get(s, 0)) for s, label in Review.Stage.choices],
            "total": sum(all_stages.values()),
            "hidden": sum(all_stages.values()) - visible.count(),
            "clock_counts": clock_counts,
            "chart": theme_chart(visible),
            "show_all": show_all,
            "finished": 0 if show_all else finished.count(),
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
