"""The case review register: a notification and its clocks, the decision, report versions and change
requests, publication planned to capacity, themes, the minutes link, need to know, stale edits, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import redirect_stdout
from typing import Any

import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from boardkeeper.cli import main as cli
from boardkeeper.directory.models import Person
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.meetings import services as meeting_services
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import clocks_of
from boardkeeper.reviews.models import (
    ChangeRequest,
    OverrunReason,
    ParallelProcess,
    Review,
    ReviewRules,
    StageChange,
    Theme,
)

AWARE = dt.date(2022, 4, 8)  # a Friday: Easter 2022 falls in the next week


def clock_rows(response: Any) -> dict[str, str]:
    page = lxml.html.fromstring(response.content)
    return {
        tr.get("data-clock"): " ".join(tr.text_content().split()) for tr in page.xpath("//tr[@data-clock]")
    }


def section(review: Review, name: str) -> str:
    return reverse("review_section", args=[review.pk, name])


@pytest.fixture
def manager(cast: Cast) -> Client:
    return signed_in(cast.manager)


@pytest.fixture
def child_q(cast: Cast) -> Review:
    return services.notification_record(
        partnership=cast.partnership, user=cast.manager, pseudonym="Child Q", aware_on=AWARE
    )


def decided(cast: Cast, review: Review) -> Review:
    """Child Q notified, its rapid review sent, and an LCSPR decided, through the services."""
    review = services.notified(
        review=review, user=cast.manager, version=review.version, on=dt.date(2022, 4, 14)
    )
    review = services.rapid_review_sent(
        review=review, user=cast.manager, version=review.version, on=dt.date(2022, 4, 29)
    )
    return services.decision_record(
        review=review,
        user=cast.manager,
        version=review.version,
        on=dt.date(2022, 5, 10),
        criteria=["a", "c"],
        rationale="Agencies did not share information about the home.",
        leads_to=Review.Kind.LCSPR,
    )


# A notification and its clocks ---------------------------------------------------------------------------


def test_a_notification_starts_the_clocks_in_working_days(cast: Cast, manager: Client) -> None:
    response = manager.post(
        reverse("notification_new", args=[cast.partnership.slug]),
        {"pseudonym": "Child Q", "aware_on": "08/04/2022"},
        follow=True,
    )
    review = Review.objects.get()
    assert (review.kind, review.stage, review.aware_on) == ("rapid_review", "notification", AWARE)
    rows = clock_rows(response)
    # 5 working days after Friday 8 April 2022, over Good Friday and Easter Monday
    assert rows["notification"].startswith("Notification to the National Panel Tue 19 Apr 2022 Overdue by")
    assert "Local authority: notify the Child Safeguarding Practice Review Panel" in rows["notification"]
    # 15 working days, over Easter and the early May bank holiday (2 May 2022)
    assert rows["rapid_review"].startswith("Rapid review Wed 4 May 2022")
    assert "bank holidays in England" in text_of(response)


def test_clock_colours_follow_the_working_days_left(cast: Cast, child_q: Review) -> None:
    rules = services.rules_for(cast.partnership)

    def clock(today: dt.date) -> Any:
        return {c.key: c for c in clocks_of(child_q, rules, today=today)}["notification"]

    assert (clock(dt.date(2022, 4, 8)).colour, clock(dt.date(2022, 4, 8)).status) == (
        "green",
        "5 working days left",
    )
    assert clock(dt.date(2022, 4, 14)).colour == "amber"  # 1 working day left: Easter comes between
    assert clock(dt.date(2022, 4, 19)).status == "Due today"
    overdue = clock(dt.date(2022, 4, 21))
    assert (overdue.colour, overdue.status, overdue.needs_reason) == (
        "red",
        "Overdue by 2 working days",
        True,
    )


def test_the_rapid_review_can_be_counted_from_the_notification(cast: Cast, child_q: Review) -> None:
    rules = services.rules_for(cast.partnership)
    rules.rapid_review_anchor = ReviewRules.Anchor.NOTIFICATION
    rules.save()
    assert [c.key for c in clocks_of(child_q, rules, today=AWARE)] == ["notification"]  # not notified yet
    child_q = services.notified(review=child_q, user=cast.manager, version=1, on=dt.date(2022, 4, 19))
    (_, rapid) = clocks_of(child_q, rules, today=AWARE)
    assert rapid.due == WorkingDays().add(dt.date(2022, 4, 19), 15) == dt.date(2022, 5, 11)


def test_a_rapid_review_begins_only_with_a_notification(cast: Cast, manager: Client) -> None:
    with pytest.raises(services.ReviewRefused, match="serious incident notification"):
        services.review_create(
            partnership=cast.partnership,
            user=cast.manager,
            pseudonym="Child R",
            kind="rapid_review",
            on=AWARE,
        )
    response = manager.post(
        reverse("review_new", args=[cast.partnership.slug]), {"pseudonym": "Child R", "kind": "rapid_review"}
    )
    assert "Choose the kind of review from the list." in text_of(response)
    assert not Review.objects.exists()


def test_a_late_step_needs_a_reason_and_the_reason_is_shown(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    late = {"notified-on": "25/04/2022", "notified-version": "1"}
    refused = manager.post(section(child_q, "notified"), late)
    assert refused.status_code == 200
    assert "It was due by 19 April 2022: say why it ran over." in text_of(refused)
    assert Review.objects.get().notified_on is None
    late["notified-overrun_reason"] = "The referral reached the local authority over the Easter weekend."
    page = manager.post(section(child_q, "notified"), late, follow=True)
    assert clock_rows(page)["notification"].startswith(
        "Notification to the National Panel Tue 19 Apr 2022 Met late, on 25 April 2022 Reason for the overrun: "
        "The referral reached"
    )
    assert Review.objects.get().stage == "rapid_review"
    assert OverrunReason.objects.get().clock == "notification"


# The decision ----------------------------------------------------------------------------------------------


def test_the_decision_records_the_criteria_and_the_rapid_review_becomes_an_lcspr(
    cast: Cast, child_q: Review
) -> None:
    review = decided(cast, child_q)
    review.refresh_from_db()
    assert (review.kind, review.stage, review.criteria) == ("lcspr", "scoping", ["a", "c"])
    rules = services.rules_for(cast.partnership)
    lcspr = {c.key: c for c in clocks_of(review, rules, today=dt.date(2022, 6, 1))}["lcspr"]
    assert lcspr.due == dt.date(2022, 11, 10)  # six months from the decision
    stages = list(StageChange.objects.filter(review=review).values_list("stage_to", flat=True))
    assert stages == ["notification", "rapid_review", "decision", "scoping"]


def test_an_lcspr_needs_a_criterion_and_a_rationale(cast: Cast, child_q: Review, manager: Client) -> None:
    review = services.notified(review=child_q, user=cast.manager, version=1, on=dt.date(2022, 4, 14))
    review = services.rapid_review_sent(review=review, user=cast.manager, version=2, on=dt.date(2022, 4, 29))
    response = manager.post(
        section(review, "decision"),
        {"decision-version": "3", "decision-on": "10/05/2022", "decision-leads_to": "lcspr"},
    )
    page = text_of(response)
    assert "An LCSPR needs at least one of the regulation 11 criteria." in page
    assert "Enter the rationale." in page
    assert Review.objects.get().kind == "rapid_review"


def test_no_further_review_closes_it_and_stops_its_clocks(cast: Cast, child_q: Review) -> None:
    review = services.notified(review=child_q, user=cast.manager, version=1, on=dt.date(2022, 4, 14))
    review = services.rapid_review_sent(review=review, user=cast.manager, version=2, on=dt.date(2022, 4, 29))
    review = services.decision_record(
        review=review,
        user=cast.manager,
        version=3,
        on=dt.date(2022, 5, 10),
        criteria=[],
        rationale="Single-agency learning, taken forward by the school.",
        leads_to="",
    )
    assert review.stage == "closed" and review.kind == "rapid_review"
    assert all(
        not c.is_open
        for c in clocks_of(review, services.rules_for(cast.partnership), today=dt.date(2023, 1, 1))
    )


# Report versions and change requests ------------------------------------------------------------------------


def test_the_change_log_reads_every_request_and_what_became_of_it(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    review = decided(cast, child_q)
    response = manager.post(
        section(review, "version"),
        {
            "version-number": "1",
            "version-dated": "01/09/2022",
            "version-summary": "First draft for agencies",
            "version-file": SimpleUploadedFile("draft.pdf", b"%PDF-1.4\n%draft\n"),
        },
    )
    assert response.status_code == 302
    assert Review.objects.get().stage == "report"
    version_id = review.versions.get().pk
    for org, ask in [
        ("Police", "Correct the date of the strategy meeting."),
        ("Health", "Remove the GP's name."),
    ]:
        manager.post(
            section(review, "change"),
            {
                "change-report_version": str(version_id),
                "change-requested_by": "Designated lead",
                "change-organisation": org,
                "change-requested_on": "08/09/2022",
                "change-request": ask,
            },
        )
    police = ChangeRequest.objects.get(organisation="Police")
    answer = f"response-{police.pk}"
    no_reason = {
        "request": str(police.pk),
        f"{answer}-row_version": "1",
        f"{answer}-response": "not_agreed",
        f"{answer}-on": "12/09/2022",
    }
    refused = manager.post(section(review, "response"), no_reason)
    assert "Say why the change was not agreed in full." in text_of(refused)
    page = lxml.html.fromstring(refused.content)
    (link,) = page.xpath("//div[@class='govuk-error-summary']//a[contains(., 'Say why')]")
    assert page.xpath(f"//textarea[@id='{link.get('href')[1:]}']")  # the summary leads to the field
    assert page.xpath(f"//details[@id='response-{police.pk}'][@open]")  # that answer comes back open
    assert page.xpath(f"//input[@name='{answer}-response'][@value='not_agreed'][@checked]")  # as chosen
    no_reason[f"{answer}-rationale"] = "The date is as the police chronology gives it."
    manager.post(section(review, "response"), no_reason)
    page = manager.get(reverse("review", args=[review.pk]))
    rows = [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in lxml.html.fromstring(page.content).xpath("//table[@id='change-log']/tbody/tr")
    ]
    assert rows[0][:3] == [
        "1",
        "Designated lead, Police 8 Sep 2022",
        "Correct the date of the strategy meeting.",
    ]
    assert rows[0][3] == "Not agreed (12 Sep 2022) The date is as the police chronology gives it."
    assert rows[1][1:3] == ["Designated lead, Health 8 Sep 2022", "Remove the GP's name."]
    assert rows[1][3].startswith("Awaiting a response")
    # the same response again, from the same (now stale) page, is refused
    stale = manager.post(section(review, "response"), no_reason)
    assert "changed by someone else" in text_of(stale)


def test_a_report_file_must_be_a_pdf_or_word_document(cast: Cast, child_q: Review, manager: Client) -> None:
    review = decided(cast, child_q)
    for upload, message in [
        (SimpleUploadedFile("r.pdf", b""), "The submitted file is empty."),
        (
            SimpleUploadedFile("r.pdf", b"MZ\x90\x00 not a report"),
            "The file must be a PDF or a Word (.docx) document.",
        ),
    ]:
        data = {"version-number": "1", "version-dated": "01/09/2022", "version-file": upload}
        assert message in text_of(manager.post(section(review, "version"), data))
    assert not review.versions.exists()


# Publication ----------------------------------------------------------------------------------------------


def booked(cast: Cast, name: str, day: dt.date) -> Review:
    review = services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym=name, kind="lcspr", on=day
    )
    Review.objects.filter(pk=review.pk).update(publication_planned_on=day)
    return review


def test_a_full_month_is_refused_with_the_next_free_date_and_that_date_can_be_taken(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    booked(cast, "Child A", dt.date(2024, 6, 4))
    booked(cast, "Family M", dt.date(2024, 6, 20))
    review = decided(cast, child_q)
    response = manager.post(
        section(review, "plan"), {"plan-version": str(review.version), "plan-day": "12/06/2024"}
    )
    page = text_of(response)
    assert "June 2024 is full: 2 of 2 publications are planned (Child A, Family M)." in page
    assert "The next free date is Thursday 4 July 2024." in page
    assert Review.objects.get(pk=review.pk).publication_planned_on is None
    take = lxml.html.fromstring(response.content).xpath(
        "//form[.//button[contains(., 'Plan it for 4 July 2024')]]"
    )[0]
    manager.post(section(review, "plan"), dict(take.form_values()))
    review.refresh_from_db()
    assert (review.publication_planned_on, review.stage) == (dt.date(2024, 7, 4), "publication")
    notice = {
        c.key: c for c in clocks_of(review, services.rules_for(cast.partnership), today=dt.date(2024, 6, 1))
    }["notice"]
    assert notice.due == dt.date(2024, 6, 25)  # 7 working days before 4 July


def test_a_parallel_process_holds_publication_until_accepted(cast: Cast, child_q: Review) -> None:
    review = decided(cast, child_q)
    ParallelProcess.objects.create(
        review=review, kind="inquest", description="Coroner's inquest", expected_end=dt.date(2024, 9, 1)
    )
    _, problems, _ = services.publication_plan(
        review=review, user=cast.manager, version=review.version, day=dt.date(2024, 7, 4)
    )
    assert problems == [
        "Publication is held by inquest (Coroner's inquest), expected to end 1 September 2024."
    ]
    review, problems, _ = services.publication_plan(
        review=review, user=cast.manager, version=review.version, day=dt.date(2024, 7, 4), accept_clashes=True
    )
    assert problems == [] and review.publication_planned_on == dt.date(2024, 7, 4)


def test_publication_outcomes_need_their_reasons_and_approvals(cast: Cast) -> None:
    dhr = services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Mrs D", kind="dhr", on=AWARE
    )
    with pytest.raises(services.ReviewRefused, match="after the Home Office approves it"):
        services.publication_record(
            review=dhr, user=cast.manager, version=1, published_on=dt.date(2024, 3, 1), outcome="full"
        )
    with pytest.raises(services.ReviewRefused, match="Say why the report is not published"):
        services.publication_record(
            review=dhr, user=cast.manager, version=1, outcome="not_published", outcome_reason=" "
        )
    dhr = services.publication_record(
        review=dhr,
        user=cast.manager,
        version=1,
        outcome="not_published",
        outcome_reason="The family asked us not to.",
    )
    assert dhr.stage == "closed"


# Stale edits -------------------------------------------------------------------------------------------


def test_of_two_stale_edits_the_second_is_told_and_keeps_what_it_typed(cast: Cast, child_q: Review) -> None:
    review = decided(cast, child_q)
    first, second = signed_in(cast.manager), signed_in(cast.manager)
    version = str(review.version)
    first.post(section(review, "details"), {"details-version": version, "details-reviewer": "Jane Ward"})
    refused = second.post(
        section(review, "details"), {"details-version": version, "details-reviewer": "Sam Ode"}
    )
    page = text_of(refused)
    assert "This review was changed by someone else since you opened it" in page
    assert "Jane Ward" in page  # what the review now says
    form = lxml.html.fromstring(refused.content).xpath("//form[contains(@action, '/details/')]")[0]
    kept = dict(form.form_values())
    assert kept["details-reviewer"] == "Sam Ode" and kept["details-version"] == str(review.version + 1)
    assert Review.objects.get().reviewer == "Jane Ward"


# The minutes link, need to know, themes, the CLI ---------------------------------------------------------


def test_items_that_mention_a_review_are_on_its_timeline_and_link_to_it(cast: Cast, manager: Client) -> None:
    meeting = meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    meeting_page = manager.get(reverse("meeting", args=[meeting.pk]))
    create = lxml.html.fromstring(meeting_page.content).xpath(
        "//a[contains(., 'record a review') and contains(., 'Family M')]"
    )
    assert create and create[0].get("href").endswith("?pseudonym=Family%20M")
    form = manager.get(create[0].get("href"))
    assert 'value="Family M"' in form.content.decode()
    manager.post(create[0].get("href"), {"pseudonym": "Family M", "kind": "lcspr"})
    review = Review.objects.get(pseudonym="Family M")
    timeline = text_of(manager.get(reverse("review", args=[review.pk])))
    assert "Executive Board, 23 February 2022: item" in timeline
    link = lxml.html.fromstring(manager.get(reverse("meeting", args=[meeting.pk])).content).xpath(
        f"//a[@href='{reverse('review', args=[review.pk])}']"
    )
    assert link
    # a board member not named on it sees the pseudonym in the minutes, and no way to the review
    member_page = signed_in(cast.member).get(reverse("meeting", args=[meeting.pk])).content.decode()
    assert "Family M" in member_page and reverse("review", args=[review.pk]) not in member_page
    assert "record a review" not in member_page


def test_themes_are_charted_across_reviews_with_a_table(cast: Cast, child_q: Review, manager: Client) -> None:
    neglect = Theme.objects.create(partnership=cast.partnership, name="Neglect")
    housing = Theme.objects.create(partnership=cast.partnership, name="Housing")
    other = services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Adult B", kind="sar_mandatory", on=AWARE
    )
    services.themes_set(review=child_q, themes=[neglect, housing])
    manager.post(section(other, "themes"), {"themes-themes": [str(neglect.pk)], "themes-version": "1"})
    page = manager.get(reverse("reviews", args=[cast.partnership.slug]))
    html = lxml.html.fromstring(page.content)
    table = [
        [" ".join(c.text_content().split()) for c in tr.xpath("th|td")]
        for tr in html.xpath("//table[@id='themes-table']//tr")
    ]
    this_year = dt.date.today().year
    assert table == [
        ["Theme", "2022", str(this_year), "All"],
        ["Neglect", "1", "1", "2"],
        ["Housing", "1", "0", "1"],
    ]
    assert html.xpath("//svg[@role='img']/title")[0].text == "Reviews by theme and year"
    stage_counts = {td.get("data-stage"): td.text_content() for td in html.xpath("//td[@data-stage]")}
    assert stage_counts["Notification"] == "1" and stage_counts["Terms of reference"] == "1"


def test_the_cli_lists_every_open_clock(cast: Cast, child_q: Review) -> None:
    services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Adult B", kind="sar_mandatory", on=AWARE
    )
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli(["reviews", "clocks", "--json"]) == 0
    rows = json.loads(out.getvalue())
    assert [(r["review"], r["clock"], r["due"]) for r in rows] == [
        ("Child Q", "notification", "2022-04-19"),
        ("Child Q", "rapid_review", "2022-05-04"),
    ]
    assert rows[0]["status"] == "red" and rows[0]["working_days_left"] < 0
    services.notified(review=child_q, user=cast.manager, version=1, on=dt.date(2022, 4, 19))
    out = io.StringIO()
    with redirect_stdout(out):
        cli(["reviews", "clocks", "--json", "--partnership", cast.partnership.name])
    assert [r["clock"] for r in json.loads(out.getvalue())] == ["rapid_review"]


def test_a_pseudonym_that_is_not_one_is_refused(cast: Cast, manager: Client) -> None:
    url = reverse("notification_new", args=[cast.partnership.slug])
    for bad in ['<script>alert("x")</script>', "Child Q\u0000", ""]:
        response = manager.post(url, {"pseudonym": bad, "aware_on": "08/04/2022"})
        assert response.status_code == 200 and "There is a problem" in text_of(response)
    response = manager.post(url, {"pseudonym": "Child Q", "aware_on": "31/02/2022"})
    assert "Enter a real date the local authority became aware, for example 27/03/2024." in text_of(response)
    assert not Review.objects.exists()


def test_the_business_team_sets_the_rules_and_the_clocks_follow(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    url = reverse("review_settings", args=[cast.partnership.slug])
    form = lxml.html.fromstring(manager.get(url).content).xpath("//form[.//input[@value='rules']]")[0]
    data = dict(form.form_values())
    data["rules-notification_days"] = "10"
    assert manager.post(url, data).status_code == 302
    page = manager.get(reverse("review", args=[child_q.pk]))
    assert clock_rows(page)["notification"].startswith("Notification to the National Panel Tue 26 Apr 2022")
    manager.post(
        url,
        {
            "form": "blackout",
            "blackout-start": "25/03/2024",
            "blackout-end": "02/05/2024",
            "blackout-reason": "Pre-election period",
        },
    )
    capacity = services.capacity_of(cast.partnership)
    assert [b.reason for b in capacity.blackouts] == ["Pre-election period"]


def test_a_person_named_on_a_review_sees_it_in_the_register(cast: Cast, child_q: Review) -> None:
    person = Person.objects.create(partnership=cast.partnership, full_name="Nadia Okafor", user=cast.member)
    services.named_people_set(review=child_q, people=[person])
    services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Adult B", kind="sar_mandatory", on=AWARE
    )
    page = text_of(signed_in(cast.member).get(reverse("reviews", args=[cast.partnership.slug])))
    assert "Child Q" in page and "Adult B" not in page
    assert "2 in all; 1 of them only for the people named on them" in page


def xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_the_register_and_the_change_log_download_as_spreadsheets(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    review = decided(cast, child_q)
    version = services.version_add(
        review=review, user=cast.manager, number="2", dated=dt.date(2022, 9, 1), summary=""
    )
    services.change_request_add(
        version=version,
        requested_by="Designated Nurse",
        organisation="ICB",
        requested_on=dt.date(2022, 9, 8),
        request="Say the referral was acknowledged.",
    )
    register = xlsx_rows(manager.get(reverse("reviews_export", args=[cast.partnership.slug])).content)
    assert register[0][:6] == ["Review", "Kind", "Stage", "Clock", "Due", "Status"]
    clocks = [(r[0], r[3], r[4].date() if r[4] else None) for r in register[1:]]
    assert clocks == [
        ("Child Q", "Notification to the National Panel", dt.date(2022, 4, 19)),
        ("Child Q", "Rapid review", dt.date(2022, 5, 4)),
        ("Child Q", "Review completed and published", dt.date(2022, 11, 10)),
    ]
    log = xlsx_rows(manager.get(reverse("change_log_export", args=[review.pk])).content)
    assert log[1][0] == "2" and log[1][2:4] == ["Designated Nurse", "ICB"]
    assert log[1][5:7] == ["Say the referral was acknowledged.", "Awaiting a response"]


def test_an_overdue_clock_gets_its_reason_and_says_so(cast: Cast, child_q: Review, manager: Client) -> None:
    page = manager.get(reverse("review", args=[child_q.pk]))
    assert "No reason recorded for the overrun" in text_of(page)
    manager.post(
        section(child_q, "overrun"),
        {"overrun-clock": "notification", "overrun-reason": "Referral came late."},
    )
    rows = clock_rows(manager.get(reverse("review", args=[child_q.pk])))
    assert "Reason for the overrun: Referral came late." in rows["notification"]
    assert "No reason recorded" in rows["rapid_review"]
    refused = manager.post(section(child_q, "overrun"), {"overrun-clock": "lcspr", "overrun-reason": "x"})
    assert "Choose a clock from the list." in text_of(refused)  # not a clock of this review that ran over


def test_a_parallel_process_that_ends_no_longer_holds_publication(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    review = decided(cast, child_q)
    process = ParallelProcess.objects.create(review=review, kind="criminal", description="Trial")
    manager.post(
        section(review, "ended"), {"ended-process": str(process.pk), "ended-concluded_on": "01/05/2024"}
    )
    process.refresh_from_db()
    assert process.concluded_on == dt.date(2024, 5, 1)
    _, problems, _ = services.publication_plan(
        review=review, user=cast.manager, version=review.version, day=dt.date(2024, 7, 4)
    )
    assert problems == []


def test_a_late_publication_needs_a_reason(cast: Cast, child_q: Review, manager: Client) -> None:
    review = decided(cast, child_q)  # the LCSPR was due by 10 November 2022
    data = {
        "publication-version": str(review.version),
        "publication-outcome": "full",
        "publication-published_on": "01/03/2023",
    }
    refused = manager.post(section(review, "publication"), data)
    assert "It was due by 10 November 2022: say why it ran over." in text_of(refused)
    assert Review.objects.get(pk=review.pk).published_on is None
    data["publication-overrun_reason"] = "The inquest concluded in February."
    manager.post(section(review, "publication"), data)
    review.refresh_from_db()
    assert (review.published_on, review.stage) == (dt.date(2023, 3, 1), "published")
    assert (
        OverrunReason.objects.get(review=review, clock="lcspr").reason == "The inquest concluded in February."
    )


def test_two_stale_changes_of_who_may_see_a_review_do_not_overwrite_each_other(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    nadia = Person.objects.create(partnership=cast.partnership, full_name="Nadia Okafor", user=cast.member)
    victor = Person.objects.create(partnership=cast.partnership, full_name="Victor Hale", user=cast.viewer)
    first = manager.post(
        section(child_q, "people"), {"people-people": [str(nadia.pk)], "people-version": "1"}
    )
    assert first.status_code == 302
    stale = manager.post(
        section(child_q, "people"), {"people-people": [str(victor.pk)], "people-version": "1"}
    )
    assert "This review was changed by someone else since you opened it" in text_of(stale)
    assert [p.full_name for p in Review.objects.get(pk=child_q.pk).named_people.all()] == ["Nadia Okafor"]


def test_the_register_lists_running_reviews_and_finished_ones_on_asking(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    done = services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Adult Z", kind="llb", on=AWARE
    )
    services.stage_move(
        review=done, user=cast.manager, version=1, to="closed", on=AWARE, note="Briefing shared"
    )
    url = reverse("reviews", args=[cast.partnership.slug])
    page = text_of(manager.get(url))
    assert "Child Q" in page and "Adult Z" not in page
    assert "show all 1 of them too" in page and "2 in all" in page
    assert "Adult Z" in text_of(manager.get(url, {"all": "1"}))


def test_closing_a_review_stops_the_clocks_still_running(cast: Cast, child_q: Review) -> None:
    rules = services.rules_for(cast.partnership)
    assert [c.key for c in clocks_of(child_q, rules, today=AWARE)] == ["notification", "rapid_review"]
    closed = services.stage_move(
        review=child_q, user=cast.manager, version=1, to="closed", on=AWARE, note="Referred to another area"
    )
    assert clocks_of(closed, rules, today=dt.date(2023, 1, 1)) == []
