"""Agencies answer for themselves (issue 16, item 7): a board member named on a review records their
agency's comments and change requests against a version of its report, changes or withdraws them until the
business team responds, and the business team alone records the response. Need to know holds: anyone not
named is told the review does not exist, and nothing is written."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import lxml.html
import pytest
from cast import PASSWORD, Cast, signed_in, text_of
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from review_steps import decided, section

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Organisation, Person
from boardkeeper.reviews import services
from boardkeeper.reviews.models import ChangeRequest, ReportVersion, Review

POLICE = "Warwickshire Police"
ICB = "Coventry and Warwickshire ICB"


@pytest.fixture
def version(cast: Cast, child_q: Review) -> ReportVersion:
    """Child Q decided, with version 1 of its report out to the agencies."""
    review = decided(cast, child_q)
    return services.version_add(
        review=review, user=cast.manager, number="1", dated=dt.date(2022, 9, 1), summary="For agencies"
    )


def person(cast: Cast, user: User, name: str, organisation: str | None) -> Person:
    org = (
        Organisation.objects.get_or_create(partnership=cast.partnership, name=organisation)[0]
        if organisation
        else None
    )
    return Person.objects.create(partnership=cast.partnership, full_name=name, user=user, organisation=org)


@pytest.fixture
def nadia(cast: Cast, version: ReportVersion) -> Client:
    """Nadia Okafor of the police (the cast's board member), named on Child Q, signed in."""
    version.review.named_people.add(person(cast, cast.member, "Nadia Okafor", POLICE))
    return signed_in(cast.member)


@pytest.fixture
def sam(cast: Cast, version: ReportVersion) -> Client:
    """Sam Patel of the ICB, another board member named on Child Q, signed in."""
    user = User.objects.create_user("sam", password=PASSWORD)
    PartnershipRole.objects.create(user=user, partnership=cast.partnership, role=PartnershipRole.Role.MEMBER)
    version.review.named_people.add(person(cast, user, "Sam Patel", ICB))
    return signed_in(user)


def ask(version: ReportVersion, **fields: str) -> dict[str, str]:
    return {
        "agency-report_version": str(version.pk),
        "agency-kind": "change",
        "agency-reference": "Paragraph 4.2",
        "agency-request": "The strategy meeting was on 3 May, not 5 May.",
        **fields,
    }


def edit(change: ChangeRequest, row_version: int | None = None, **fields: str) -> dict[str, str]:
    prefix = f"agency-{change.pk}"
    data = {
        f"{prefix}-row_version": str(change.row_version if row_version is None else row_version),
        f"{prefix}-kind": change.kind,
        f"{prefix}-reference": change.reference,
        f"{prefix}-request": change.request,
    }
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return data


def edit_url(change: ChangeRequest, what: str = "edit") -> str:
    return reverse(f"review_agency_{what}", args=[change.version.review_id, change.pk])


def raised(client: Client, version: ReportVersion, **fields: str) -> ChangeRequest:
    response = client.post(section(version.review, "agency"), ask(version, **fields))
    assert response.status_code == 302, text_of(response)
    return ChangeRequest.objects.latest("pk")


def answer(manager: Client, change: ChangeRequest, response: str = "agreed", why: str = "") -> Any:
    prefix = f"response-{change.pk}"
    return manager.post(
        section(change.version.review, "response"),
        {
            "request": str(change.pk),
            f"{prefix}-row_version": str(change.row_version),
            f"{prefix}-response": response,
            f"{prefix}-rationale": why,
            f"{prefix}-on": "12/09/2022",
        },
    )


def change_log(client: Client, review: Review) -> list[list[str]]:
    page = lxml.html.fromstring(client.get(reverse("review", args=[review.pk])).content)
    return [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in page.xpath("//table[@id='change-log']/tbody/tr")
    ]


# Raising a request -------------------------------------------------------------------------------------------


def test_a_named_member_records_a_request_for_their_agency_and_it_is_audited(
    cast: Cast, version: ReportVersion, nadia: Client
) -> None:
    page = lxml.html.fromstring(nadia.get(reverse("review", args=[version.review_id])).content)
    assert page.xpath("//form[@action=$a]", a=section(version.review, "agency"))
    assert not page.xpath("//form[@action=$a]", a=section(version.review, "change"))  # the team's own form

    response = nadia.post(section(version.review, "agency"), ask(version))
    assert response["Location"].endswith("#agency-requests")
    change = ChangeRequest.objects.get()
    assert (change.raised_by, change.agency.name if change.agency else None) == (cast.member, POLICE)
    assert (change.requested_by, change.organisation, change.reference, change.kind) == (
        "Nadia Okafor",
        POLICE,
        "Paragraph 4.2",
        "change",
    )
    assert (change.requested_on, change.response) == (timezone.localdate(), "pending")
    banner = text_of(nadia.get(reverse("review", args=[version.review_id])))
    assert "Your change request is recorded for Warwickshire Police against version 1." in banner
    assert change_log(nadia, version.review)[0][1:3] == [
        f"Nadia Okafor, {POLICE} {timezone.localdate():%-d %b %Y}",
        "Paragraph 4.2 The strategy meeting was on 3 May, not 5 May.",
    ]
    event = AuditEvent.objects.get(model="reviews.changerequest", action="create")
    assert (event.username, event.object_id, event.partnership_id) == (
        "pete",
        str(change.pk),
        cast.partnership.pk,
    )


def test_a_comment_is_recorded_as_a_comment(version: ReportVersion, nadia: Client) -> None:
    raised(nadia, version, **{"agency-kind": "comment", "agency-reference": "The whole report"})
    assert ChangeRequest.objects.get().kind == "comment"
    assert change_log(nadia, version.review)[0][2].startswith("Comment: The whole report")


def test_an_incomplete_request_is_refused_with_each_field_named_and_nothing_is_written(
    version: ReportVersion, nadia: Client
) -> None:
    response = nadia.post(
        section(version.review, "agency"),
        {"agency-report_version": "999", "agency-request": "Kept as typed"},
    )
    page = text_of(response)
    for message in (
        "Choose a version from the list.",
        "Choose whether it is a change request or a comment.",
        "Enter the paragraph or section.",
    ):
        assert message in page
    html = lxml.html.fromstring(response.content)
    assert html.xpath("//details[@id='agency-form'][@open]//textarea[.='Kept as typed']")
    assert not ChangeRequest.objects.exists()


# Who may not -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_someone_not_named_on_the_review_finds_nothing_and_writes_nothing(
    cast: Cast, version: ReportVersion, sam: Client, who: str
) -> None:
    change = raised(sam, version)
    client = signed_in(getattr(cast, who))
    before = AuditEvent.objects.count()
    assert client.post(section(version.review, "agency"), ask(version)).status_code == 404
    assert client.get(section(version.review, "agency")).status_code == 404
    assert client.post(edit_url(change), edit(change, request="Rewritten")).status_code == 404
    assert client.post(edit_url(change, "withdraw"), {"row_version": "1"}).status_code == 404
    assert ChangeRequest.objects.count() == 1
    change.refresh_from_db()
    assert (change.request, change.response, change.row_version) == (
        "The strategy meeting was on 3 May, not 5 May.",
        "pending",
        1,
    )
    assert AuditEvent.objects.count() == before


def test_a_viewer_named_on_the_review_reads_it_but_cannot_add(cast: Cast, version: ReportVersion) -> None:
    version.review.named_people.add(person(cast, cast.viewer, "Victor Hale", POLICE))
    viewer = signed_in(cast.viewer)
    page = viewer.get(reverse("review", args=[version.review_id]))
    assert page.status_code == 200
    assert b"agency-requests" not in page.content
    assert viewer.post(section(version.review, "agency"), ask(version)).status_code == 403
    assert not ChangeRequest.objects.exists()


def test_the_business_team_records_an_agencys_request_with_its_own_form_not_this_one(
    cast: Cast, version: ReportVersion, manager: Client
) -> None:
    person(cast, cast.manager, "Amrita Shah", "Business unit")
    assert manager.post(section(version.review, "agency"), ask(version)).status_code == 403
    assert not ChangeRequest.objects.exists()


def test_a_named_member_with_no_organisation_is_told_to_ask_for_one(
    cast: Cast, version: ReportVersion
) -> None:
    version.review.named_people.add(person(cast, cast.member, "Nadia Okafor", None))
    client = signed_in(cast.member)
    assert "Your entry in the directory names no organisation" in text_of(
        client.get(reverse("review", args=[version.review_id]))
    )
    assert client.post(section(version.review, "agency"), ask(version)).status_code == 403
    assert not ChangeRequest.objects.exists()


# Responses ---------------------------------------------------------------------------------------------------


def test_a_member_cannot_record_or_change_a_response(
    version: ReportVersion, nadia: Client, manager: Client
) -> None:
    change = raised(nadia, version)
    assert answer(nadia, change).status_code == 403
    change.refresh_from_db()
    assert (change.response, change.responded_on) == ("pending", None)
    assert answer(manager, change, "not_agreed", "The chronology gives 5 May.").status_code == 302
    change.refresh_from_db()
    assert answer(nadia, change, "agreed").status_code == 403  # nor change the team's answer
    change.refresh_from_db()
    assert change.response == "not_agreed"
    assert change_log(manager, version.review)[0][3] == (
        "Not agreed (12 Sep 2022) The chronology gives 5 May."
    )


def test_once_answered_the_member_can_no_longer_change_it_and_keeps_what_they_typed(
    version: ReportVersion, nadia: Client, manager: Client
) -> None:
    change = raised(nadia, version)
    page = lxml.html.fromstring(nadia.get(reverse("review", args=[version.review_id])).content)
    assert page.xpath("//form[@action=$a]", a=edit_url(change))
    answer(manager, change, "agreed")
    late = nadia.post(edit_url(change), edit(change, request="The meeting was on 4 May."))
    assert late.status_code == 200
    assert "The business team responded to that request since you opened the page (‘Agreed’)" in text_of(late)
    html = lxml.html.fromstring(late.content)
    assert html.xpath("//details[@id='agency-form'][@open]//textarea[.='The meeting was on 4 May.']")
    assert not html.xpath("//form[@action=$a]", a=edit_url(change))  # answered: no form to change it
    change.refresh_from_db()
    assert change.request == "The strategy meeting was on 3 May, not 5 May."
    withdrawn = nadia.post(
        edit_url(change, "withdraw"), {"row_version": str(change.row_version)}, follow=True
    )
    assert "That request already has a response, so it can no longer be withdrawn." in text_of(withdrawn)
    change.refresh_from_db()
    assert change.response == "agreed"


# Changing and withdrawing one's own ------------------------------------------------------------------------


def test_a_member_changes_their_own_request_audited_but_not_another_agencys(
    version: ReportVersion, nadia: Client, sam: Client
) -> None:
    change = raised(nadia, version)
    assert nadia.post(edit_url(change), edit(change, reference="Paragraph 4.3")).status_code == 302
    change.refresh_from_db()
    assert (change.reference, change.row_version) == ("Paragraph 4.3", 2)
    event = AuditEvent.objects.get(model="reviews.changerequest", action="update")
    assert event.changes == {"reference": ["Paragraph 4.2", "Paragraph 4.3"]} and event.username == "pete"
    # Sam, of another agency and named on the review too, may read it but not rewrite it
    assert sam.post(edit_url(change), edit(change, request="Sam's words")).status_code == 403
    assert sam.post(edit_url(change, "withdraw"), {"row_version": "2"}).status_code == 403
    change.refresh_from_db()
    assert (change.request, change.response) == ("The strategy meeting was on 3 May, not 5 May.", "pending")


def test_a_change_from_a_stale_page_is_refused_with_a_clear_message_and_what_was_typed_kept(
    version: ReportVersion, nadia: Client
) -> None:
    change = raised(nadia, version)
    assert nadia.post(edit_url(change), edit(change, request="First window")).status_code == 302
    stale = nadia.post(edit_url(change), edit(change, row_version=1, request="Second window"))
    assert stale.status_code == 200
    assert "You changed this request in another window since you opened this page" in text_of(stale)
    html = lxml.html.fromstring(stale.content)
    card = html.xpath(f"//div[@id='agency-{change.pk}-form']")[0]
    assert card.xpath(".//details[@open]//textarea[.='Second window']")
    assert card.xpath(f".//input[@name='agency-{change.pk}-row_version'][@value='2']")  # ready to save again
    (link,) = html.xpath("//div[@class='govuk-error-summary']//a")
    assert link.get("href") == f"#agency-{change.pk}-form"
    change.refresh_from_db()
    assert (change.request, change.row_version) == ("First window", 2)


def test_a_member_withdraws_their_request_it_stays_in_the_log_and_needs_no_response(
    version: ReportVersion, nadia: Client, manager: Client
) -> None:
    change = raised(nadia, version)
    done = nadia.post(edit_url(change, "withdraw"), {"row_version": "1"}, follow=True)
    assert "Your request is withdrawn." in text_of(done)
    change.refresh_from_db()
    assert (change.response, change.responded_on) == ("withdrawn", timezone.localdate())
    assert AuditEvent.objects.get(model="reviews.changerequest", action="update").changes["response"] == [
        "pending",
        "withdrawn",
    ]
    assert change_log(manager, version.review)[0][3].startswith("Withdrawn by the agency")
    refused = answer(manager, change, "agreed")
    assert f"{POLICE} withdrew that request: it needs no response." in text_of(refused)
    change.refresh_from_db()
    assert change.response == "withdrawn"
    again = nadia.post(edit_url(change, "withdraw"), {"row_version": "1"}, follow=True)
    assert "That request is withdrawn already." in text_of(again)


# The change log and hostile text --------------------------------------------------------------------------


def test_the_change_log_spreadsheet_names_the_agency_and_who_raised_it(
    cast: Cast, version: ReportVersion, nadia: Client, manager: Client
) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    services.change_request_add(
        version=version,
        requested_by="Headteacher",
        organisation="St Anne's School",
        requested_on=dt.date(2022, 9, 2),
        request="Name the school's DSL role, not the person.",
    )
    raised(nadia, version)
    data = manager.get(reverse("change_log_export", args=[version.review_id])).content
    rows = [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    header = rows[0]
    col = {
        name: header.index(name)
        for name in ("Requested by", "Agency", "Kind", "Paragraph or section", "Recorded by")
    }
    got = [[row[i] for i in col.values()] for row in rows[1:]]
    assert got == [
        ["Headteacher", "St Anne's School", "Change request", None, "The business team"],
        ["Nadia Okafor", POLICE, "Change request", "Paragraph 4.2", f"Nadia Okafor, for {POLICE}"],
    ]


def test_hostile_text_in_a_request_is_shown_as_text(version: ReportVersion, nadia: Client) -> None:
    script = "<script>alert('x')</script>"
    img = '<img src=x onerror="alert(1)">'
    raised(nadia, version, **{"agency-reference": script, "agency-request": f'{img}\n=HYPERLINK("http://x")'})
    response = nadia.get(reverse("review", args=[version.review_id]))
    body = response.content.decode()
    assert script not in body and img not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    html = lxml.html.fromstring(response.content)
    assert not html.xpath("//script[contains(., 'alert')]") and not html.xpath("//img[@onerror]")
    assert script in text_of(response)
