"""A review's page, a section at a time: the partners' decision, report versions and the changes asked of
them, and edits from a stale page refused with what was typed kept."""

from __future__ import annotations

import datetime as dt

import lxml.html
from cast import Cast, signed_in, text_of
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from review_steps import decided, section

from boardkeeper.directory.models import Person
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import clocks_of
from boardkeeper.reviews.models import ChangeRequest, Review, StageChange

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


# Every section: its own address ------------------------------------------------------------------------------

SECTIONS = {  # a section's form, and where on the page it is
    "notified": "clocks",
    "rapid": "clocks",
    "overrun": "clocks",
    "decision": "decision",
    "details": "details",
    "panel": "details",
    "version": "report",
    "change": "report",
    "response": "report",
    "family": "family",
    "parallel": "parallel",
    "ended": "parallel",
    "plan": "publication",
    "publication": "publication",
    "themes": "themes",
    "people": "people",
    "stage": "stage",
}


def test_each_form_of_the_page_posts_to_its_section_and_opened_alone_that_goes_to_the_page(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    review = decided(cast, child_q)
    version = services.version_add(
        review=review, user=cast.manager, number="1", dated=dt.date(2022, 9, 1), summary=""
    )
    services.change_request_add(
        version=version,
        requested_by="Lead",
        organisation="Police",
        requested_on=dt.date(2022, 9, 8),
        request="?",
    )
    services.parallel_process_add(review=review, kind="inquest")
    page = lxml.html.fromstring(manager.get(reverse("review", args=[review.pk])).content)
    actions = {form.get("action") for form in page.xpath("//form[@method='post']")}
    done_before = ("notified", "rapid", "decision")  # the forms of the steps before the decision
    assert actions >= {section(review, name) for name in SECTIONS if name not in done_before}
    for name, anchor in SECTIONS.items():
        response = manager.get(section(review, name))
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("review", args=[review.pk]) + f"#{anchor}",
        ), name
    # someone who may read the review but not change it is shown the section too, and refused the change
    person = Person.objects.create(partnership=cast.partnership, full_name="Nadia Okafor", user=cast.member)
    services.named_people_set(review=review, people=[person])
    member = signed_in(cast.member)
    assert member.get(section(review, "family"))["Location"].endswith("#family")
    assert member.post(section(review, "family"), {}).status_code == 403


def test_a_review_is_moved_by_hand_only_as_its_stage_allows(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    assert child_q.next_stages() == ["rapid_review", "closed"]
    assert Review(stage="decision").next_stages() == ["closed"]  # forward through the decision only
    assert Review(stage="publication").next_stages() == ["published", "report", "closed"]
    assert Review(stage="closed").next_stages() == []
    page = lxml.html.fromstring(manager.get(reverse("review", args=[child_q.pk])).content)
    assert page.xpath("//input[@name='stage-to']/@value") == ["rapid_review", "closed"]
    refused = manager.post(
        section(child_q, "stage"),
        {"stage-version": "1", "stage-to": "scoping", "stage-on": "08/04/2022"},
    )
    assert "Choose the move to from the list." in text_of(refused)
    assert Review.objects.get(pk=child_q.pk).stage == "notification"
    # recording a fact moves a review forward, never back
    assert child_q.forward_to("rapid_review") == "rapid_review"
    assert child_q.forward_to("notification") is None
