"""Pages of the case review register: the dashboard, a review with its clocks and record, the settings."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import (
    Access,
    get_partnership_for_user,
    get_review_for_user,
    signed_in_user,
)
from boardkeeper.actions.plan_views import attachment
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.audit.views import history_of
from boardkeeper.directory.models import Person
from boardkeeper.lib import exports
from boardkeeper.reviews import forms as f
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import Clock, clocks_of
from boardkeeper.reviews.models import (
    ChangeRequest,
    OverrunReason,
    PublicationBlackout,
    ReportVersion,
    Review,
    ReviewRules,
    Theme,
)

FINISHED = (Review.Stage.PUBLISHED, Review.Stage.CLOSED)

# The dashboard -----------------------------------------------------------------------------------------


@dataclass
class Row:
    review: Review
    clocks: list[Clock]


@dataclass
class ThemeChart:
    years: list[int]
    rows: list[tuple[str, list[int], int]]  # theme, count per year, total
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
    access = get_partnership_for_user(request, slug)
    access.require_edit()
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
    access = get_partnership_for_user(request, slug)
    access.require_edit()
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


# A review ------------------------------------------------------------------------------------------------


@dataclass
class Section:
    """One form of a review's page and what saving it does."""

    title: str
    form: Callable[..., forms.Form]  # (data, files, review=, context=) -> a form, prefixed with the key
    save: Callable[[Review, User, Any], str]  # -> the success message
    anchor: str


def _versioned(review: Review, **initial: Any) -> dict[str, Any]:
    return {"version": review.version, **initial}


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _due(clocks: list[Clock], key: str) -> dt.date | None:
    return next((c.due for c in clocks if c.key == key), None)


def _save_notified(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    services.notified(
        review=review, user=user, version=d["version"], on=d["on"], overrun_reason=d["overrun_reason"]
    )
    return f"The notification to the Panel on {d['on']:%-d %B %Y} is recorded."


def _save_rapid(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    services.rapid_review_sent(
        review=review, user=user, version=d["version"], on=d["on"], overrun_reason=d["overrun_reason"]
    )
    return "The rapid review is recorded as completed and sent to the Panel. The partners' decision is next."


def _save_decision(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    leads_to = "" if d["leads_to"] == "none" else d["leads_to"]
    services.decision_record(
        review=review,
        user=user,
        version=d["version"],
        on=d["on"],
        criteria=d["criteria"],
        rationale=d["rationale"],
        leads_to=leads_to,
        sent_on=d["sent_on"],
    )
    return f"The decision is recorded: {review.get_kind_display() if leads_to else 'no further review'}."


def _save_details(review: Review, user: User, form: Any) -> str:
    d = dict(form.cleaned_data)
    services.review_details(review=review, user=user, **d)
    return "Terms of reference and reviewer saved."


def _save_stage(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    services.stage_move(
        review=review, user=user, version=d["version"], to=d["to"], on=d["on"], note=d["note"]
    )
    return f"The review is now at ‘{review.get_stage_display()}’."


def _save_version(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    v = services.version_add(
        review=review, user=user, number=d["number"], dated=d["dated"], summary=d["summary"], upload=d["file"]
    )
    return f"Version {v.number} of the report is recorded."


def _save_change_request(review: Review, user: User, form: Any) -> str:
    d = dict(form.cleaned_data)
    version = form.versions[d.pop("report_version")]
    services.change_request_add(version=version, **d)
    return f"The change requested by {d['organisation']} is recorded against version {version.number}."


def _request_pk(data: Any) -> int:
    value = str((data or {}).get("request", ""))
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _save_response(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    request = ChangeRequest.objects.filter(pk=form.request_pk, version__review=review).first()
    if request is None:
        raise services.ReviewRefused("That change request is not part of this review.")
    services.change_request_respond(
        request=request,
        row_version=d["row_version"],
        response=d["response"],
        rationale=d["rationale"],
        on=d["on"],
    )
    return f"The response to {request.organisation}'s request is recorded."


def _save_simple(add: Callable[..., Any], message: str) -> Callable[[Review, User, Any], str]:
    def save(review: Review, user: User, form: Any) -> str:
        add(review=review, **form.cleaned_data)
        return message

    return save


def _save_parallel_end(review: Review, user: User, form: Any) -> str:
    process = form.objects[form.cleaned_data["process"]]
    services.parallel_process_end(process=process, concluded_on=form.cleaned_data["concluded_on"])
    return f"The {process.get_kind_display().lower()} is recorded as ended."


def _save_overrun(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    services.overrun_reason_add(review=review, user=user, clock=d["clock"], reason=d["reason"])
    return "The reason for the overrun is recorded."


def _late(ctx: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in ctx["clocks"] if c.late]


def _save_plan(review: Review, user: User, form: Any) -> str:
    d = form.cleaned_data
    _, problems, proposal = services.publication_plan(
        review=review, user=user, version=d["version"], day=d["day"], accept_clashes=d["accept_clashes"]
    )
    if problems:
        raise PlanClash(problems, proposal)
    return f"Publication is planned for {d['day']:%-d %B %Y}."


def _save_publication(review: Review, user: User, form: Any) -> str:
    d = dict(form.cleaned_data)
    reason = d.pop("overrun_reason")
    already = set(review.overrun_reasons.values_list("clock", flat=True))
    services.publication_record(review=review, user=user, **d)
    for clock in form.late_clocks():
        if clock not in already:
            services.overrun_reason_add(review=review, user=user, clock=clock, reason=reason)
    return "Publication details saved."


def _save_themes(review: Review, user: User, form: Any) -> str:
    services.themes_set(
        review=review,
        themes=[form.objects[k] for k in form.cleaned_data["themes"]],
        user=user,
        version=form.cleaned_data["version"],
    )
    return "Themes saved."


def _save_people(review: Review, user: User, form: Any) -> str:
    services.named_people_set(
        review=review,
        people=[form.objects[k] for k in form.cleaned_data["people"]],
        user=user,
        version=form.cleaned_data["version"],
    )
    return "The people named on the review are saved."


class PlanClash(Exception):
    def __init__(self, problems: list[str], proposal: dt.date | None):
        super().__init__("the date clashes")
        self.problems, self.proposal = problems, proposal


def _people_of(review: Review) -> list[Person]:
    return list(
        Person.objects.filter(partnership_id=review.partnership_id, user__isnull=False)
        .select_related("organisation")
        .order_by("full_name")
    )


SECTIONS: dict[str, Section] = {
    "notified": Section(
        "Notification to the Panel",
        lambda data, files, review, ctx: f.DoneOnForm(
            data,
            prefix="notified",
            due=_due(ctx["clocks"], "notification"),
            label="Date the Panel was notified",
            initial=_versioned(review),
        ),
        _save_notified,
        "clocks",
    ),
    "rapid": Section(
        "Rapid review completed",
        lambda data, files, review, ctx: f.DoneOnForm(
            data,
            prefix="rapid",
            due=_due(ctx["clocks"], "rapid_review"),
            label="Date the rapid review was sent to the Panel",
            initial=_versioned(review),
        ),
        _save_rapid,
        "clocks",
    ),
    "decision": Section(
        "Decision",
        lambda data, files, review, ctx: f.DecisionForm(data, prefix="decision", initial=_versioned(review)),
        _save_decision,
        "decision",
    ),
    "details": Section(
        "Terms of reference and reviewer",
        lambda data, files, review, ctx: f.DetailsForm(
            data,
            prefix="details",
            initial=_versioned(
                review,
                terms_of_reference=review.terms_of_reference,
                tor_agreed_on=_fmt(review.tor_agreed_on),
                reviewer=review.reviewer,
                reviewer_appointed_on=_fmt(review.reviewer_appointed_on),
                referral_source=review.referral_source,
            ),
        ),
        _save_details,
        "details",
    ),
    "stage": Section(
        "Move the review on",
        lambda data, files, review, ctx: f.StageForm(
            data, prefix="stage", review=review, initial=_versioned(review, on=_fmt(timezone.localdate()))
        ),
        _save_stage,
        "stage",
    ),
    "version": Section(
        "Add a version of the report",
        lambda data, files, review, ctx: f.ReportVersionForm(data, files, prefix="version"),
        _save_version,
        "report",
    ),
    "change": Section(
        "Record a requested change",
        lambda data, files, review, ctx: f.ChangeRequestForm(data, prefix="change", review=review),
        _save_change_request,
        "report",
    ),
    "response": Section(
        "Respond to a requested change",
        lambda data, files, review, ctx: f.ResponseForm(data, request_pk=_request_pk(data)),
        _save_response,
        "report",
    ),
    "family": Section(
        "Record contact with the family",
        lambda data, files, review, ctx: f.FamilyContactForm(data, prefix="family"),
        _save_simple(services.family_contact_add, "Contact with the family is recorded."),
        "family",
    ),
    "parallel": Section(
        "Record a parallel process",
        lambda data, files, review, ctx: f.ParallelProcessForm(data, prefix="parallel"),
        _save_simple(services.parallel_process_add, "The parallel process is recorded."),
        "parallel",
    ),
    "ended": Section(
        "Record the end of a parallel process",
        lambda data, files, review, ctx: f.ParallelEndForm(data, prefix="ended", review=review),
        _save_parallel_end,
        "parallel",
    ),
    "overrun": Section(
        "Record why a clock ran over",
        lambda data, files, review, ctx: f.OverrunForm(data, prefix="overrun", late=_late(ctx)),
        _save_overrun,
        "clocks",
    ),
    "panel": Section(
        "Record a panel meeting",
        lambda data, files, review, ctx: f.PanelMeetingForm(data, prefix="panel"),
        _save_simple(services.panel_meeting_add, "The panel meeting is recorded."),
        "details",
    ),
    "plan": Section(
        "Plan publication",
        lambda data, files, review, ctx: f.PublicationPlanForm(
            data, prefix="plan", initial=_versioned(review, day=_fmt(review.publication_planned_on))
        ),
        _save_plan,
        "publication",
    ),
    "publication": Section(
        "Notice, outcome and publication",
        lambda data, files, review, ctx: f.PublicationForm(
            data,
            prefix="publication",
            dues={
                c.key: c.due
                for c in ctx["clocks"]
                if c.key in ("notice", "lcspr") and c.is_open and not c.reason
            },
            initial=_versioned(
                review,
                notice_sent_on=_fmt(review.notice_sent_on),
                home_office_approved_on=_fmt(review.home_office_approved_on),
                outcome=review.outcome,
                outcome_reason=review.outcome_reason,
                published_on=_fmt(review.published_on),
                website_on=_fmt(review.website_on),
                nspcc_submitted_on=_fmt(review.nspcc_submitted_on),
            ),
        ),
        _save_publication,
        "publication",
    ),
    "themes": Section(
        "Themes",
        lambda data, files, review, ctx: f.ThemesForm(
            data,
            prefix="themes",
            themes=list(Theme.objects.filter(partnership_id=review.partnership_id)),
            initial=_versioned(review, themes=[str(t.pk) for t in review.themes.all()]),
        ),
        _save_themes,
        "themes",
    ),
    "people": Section(
        "Who may see this review",
        lambda data, files, review, ctx: f.PeopleForm(
            data,
            prefix="people",
            people=_people_of(review),
            initial=_versioned(review, people=[str(p.pk) for p in review.named_people.all()]),
        ),
        _save_people,
        "people",
    ),
}


def _context(review: Review, access: Access) -> dict[str, Any]:
    rules = services.rules_for(review.partnership)
    reasons = list(OverrunReason.objects.filter(review=review))
    clocks = clocks_of(review, rules, today=timezone.localdate(), reasons=reasons)
    versions = list(ReportVersion.objects.filter(review=review).prefetch_related("change_requests"))
    return {
        "access": access,
        "review": review,
        "rules": rules,
        "clocks": clocks,
        "notice_clock": next((c for c in clocks if c.key == "notice"), None),
        "history": review.stage_changes.select_related("by__person").all(),
        "versions": versions,
        "change_requests": _with_response_forms([c for v in versions for c in v.change_requests.all()]),
        "family": review.family_contacts.all(),
        "parallel": review.parallel_processes.all(),
        "panel_meetings": review.panel_meetings.all(),
        "mentions": services.mentions_of(review),
        "themes": review.themes.all(),
        "named": review.named_people.select_related("organisation"),
        "audit_events": history_of(review) if access.can_edit else None,
    }


def _with_response_forms(requests: list[ChangeRequest]) -> list[ChangeRequest]:
    """Each pending request carries the form that answers it."""
    today = f"{timezone.localdate():%d/%m/%Y}"
    for c in requests:
        if c.response == ChangeRequest.Response.PENDING:
            c.response_form = f.ResponseForm(  # type: ignore[attr-defined]
                request_pk=c.pk, initial={"row_version": c.row_version, "on": today}
            )
    return requests


def _render(request: HttpRequest, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    review = ctx["review"]
    failed = ctx.get("failed_form")
    if isinstance(failed, f.ResponseForm):  # the answer that failed comes back to its own request, open
        for c in ctx["change_requests"]:
            if c.pk == failed.request_pk and hasattr(c, "response_form"):
                c.response_form, c.response_open = failed, True
    if ctx["access"].can_edit:
        bound = ctx.get("bound", {})
        ctx["forms"] = {
            key: bound.get(key) or section.form(None, None, review, ctx) for key, section in SECTIONS.items()
        }
    return render(request, "reviews/review.html", ctx, status=status)


@require_GET
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id)
    return _render(request, _context(review, access))


@require_http_methods(["GET", "POST"])
def review_section(request: HttpRequest, review_id: int, section: str) -> HttpResponse:
    review, access = get_review_for_user(request, review_id)
    if section not in SECTIONS:
        raise Http404("No such part of a review")
    target = SECTIONS[section]
    if request.method == "GET":  # nothing to show on its own: the section of the review's page
        return redirect(reverse("review", args=[review.pk]) + f"#{target.anchor}")
    access.require_edit()
    ctx = _context(review, access)
    form = target.form(request.POST, request.FILES, review, ctx)
    if form.is_valid():
        try:
            message = target.save(review, signed_in_user(request), form)
        except services.StaleReview as exc:
            ctx = _context(exc.current, access)
            ctx["stale"] = True
            data = request.POST.copy()
            data[f"{section}-version"] = str(exc.current.version)
            form = target.form(data, request.FILES, exc.current, ctx)
            form.is_valid()
        except services.ReviewRefused as exc:
            form.add_error(None, str(exc))
        except PlanClash as exc:
            ctx["clash"] = exc
            form.add_error("day", "Choose another date, or plan it on this one despite the clashes.")
        else:
            messages.success(request, message)
            return redirect(reverse("review", args=[review.pk]) + f"#{target.anchor}")
    ctx["bound"] = {section: form}
    ctx["failed"], ctx["failed_form"] = section, form
    return _render(request, ctx)


@require_GET
def report_file(request: HttpRequest, review_id: int, version_id: int) -> FileResponse:
    review, _access = get_review_for_user(request, review_id)
    version = get_object_or_404(ReportVersion, pk=version_id, review=review)
    if not version.file:
        raise Http404("No file for this version")
    audit.event(AuditEvent.Action.DOWNLOAD, version, detail=version.file_name or "report")
    response = FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.file_name or "report"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Settings: rules, blackouts, themes -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review_settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    access.require_edit()
    partnership = access.partnership
    rules = services.rules_for(partnership)
    which = request.POST.get("form") if request.method == "POST" else None
    rules_form = f.RulesForm(request.POST if which == "rules" else None, instance=rules, prefix="rules")
    blackout_form = f.BlackoutForm(request.POST if which == "blackout" else None, prefix="blackout")
    theme_form = f.ThemeForm(request.POST if which == "theme" else None, prefix="theme")
    done = None
    if which == "rules" and rules_form.is_valid():
        rules_form.save()
        done = "The rules are saved; every clock now follows them."
    elif which == "blackout" and blackout_form.is_valid():
        PublicationBlackout.objects.create(partnership=partnership, **blackout_form.cleaned_data)
        done = "The period with no publications is saved."
    elif which == "theme" and theme_form.is_valid():
        name = theme_form.cleaned_data["name"].strip()
        if Theme.objects.filter(partnership=partnership, name__iexact=name).exists():
            theme_form.add_error("name", f"‘{name}’ is on the list already.")
        else:
            Theme.objects.create(partnership=partnership, name=name)
            done = f"‘{name}’ is on the list of themes."
    elif which == "remove-blackout":
        PublicationBlackout.objects.filter(partnership=partnership, pk=request.POST.get("id") or 0).delete()
        done = "The period is removed."
    if done:
        messages.success(request, done)
        return redirect("review_settings", slug=partnership.slug)
    return render(
        request,
        "reviews/settings.html",
        {
            "access": access,
            "rules_form": rules_form,
            "blackout_form": blackout_form,
            "theme_form": theme_form,
            "blackouts": PublicationBlackout.objects.filter(partnership=partnership),
            "themes": Theme.objects.filter(partnership=partnership),
            "rules": rules,
            "defaults": ReviewRules(),
        },
    )


# Exports -------------------------------------------------------------------------------------------------


@require_GET
def register_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The register as the person may see it: one row per clock (or per review without one)."""
    access = get_partnership_for_user(request, slug)
    rules = services.rules_for(access.partnership)
    today = timezone.localdate()
    reviews = (
        services.visible_reviews(signed_in_user(request), access.partnership, business_team=access.can_edit)
        .prefetch_related("themes", "overrun_reasons")
        .order_by("pseudonym", "pk")
    )
    header = [
        "Review",
        "Kind",
        "Stage",
        "Clock",
        "Due",
        "Status",
        "Next step",
        "Reason for an overrun",
        "Publication planned",
        "Published",
        "Themes",
    ]
    rows: list[list[exports.Cell]] = []
    for review in reviews:
        themes = ", ".join(t.name for t in review.themes.all())
        common = [review.pseudonym, review.get_kind_display(), review.get_stage_display()]
        tail: list[exports.Cell] = [review.publication_planned_on, review.published_on, themes]
        clocks = clocks_of(review, rules, today=today, reasons=review.overrun_reasons.all())
        for clock in clocks:
            rows.append(
                [
                    *common,
                    clock.label,
                    clock.due,
                    clock.status,
                    clock.next_step if clock.is_open else "",
                    clock.reason,
                    *tail,
                ]
            )
        if not clocks:
            rows.append([*common, "", None, "", "", "", *tail])
    data = exports.table_xlsx("Case reviews", header, rows)
    return attachment(
        data,
        filename=f"{access.partnership.slug}-case-reviews-{today:%Y-%m-%d}.xlsx",
        fmt="xlsx",
        partnership_id=access.partnership.pk,
    )


@require_GET
def change_log_export(request: HttpRequest, review_id: int) -> HttpResponse:
    """Every requested change to the review's report and what became of it, for the Executive Board."""
    review, _access = get_review_for_user(request, review_id)
    requests = (
        ChangeRequest.objects.filter(version__review=review)
        .select_related("version")
        .order_by("version__dated", "requested_on", "pk")
    )
    header = [
        "Version",
        "Version date",
        "Requested by",
        "Organisation",
        "Requested on",
        "Request",
        "Response",
        "Why",
        "Responded on",
    ]
    rows: list[list[exports.Cell]] = [
        [
            c.version.number,
            c.version.dated,
            c.requested_by,
            c.organisation,
            c.requested_on,
            c.request,
            c.get_response_display(),
            c.rationale,
            c.responded_on,
        ]
        for c in requests
    ]
    data = exports.table_xlsx("Change log", header, rows)
    name = re.sub(r"[^A-Za-z0-9]+", "-", review.pseudonym).strip("-").lower() or "review"
    return attachment(
        data, filename=f"{name}-change-log.xlsx", fmt="xlsx", partnership_id=review.partnership_id
    )
