"""The register of a partnership's reviews and recording a new one: a rapid review begins only with a
notification, a pseudonym is never a name, minutes that mention a review lead to it, themes charted
across reviews, need to know, and the reviews still running listed first."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from review_steps import AWARE, section

from boardkeeper.directory.models import Person
from boardkeeper.imports import services as meeting_services
from boardkeeper.reviews import forms, services
from boardkeeper.reviews.models import OverrunReason, Review, Theme


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


def test_a_pseudonym_that_is_not_one_is_refused(cast: Cast, manager: Client) -> None:
    url = reverse("notification_new", args=[cast.partnership.slug])
    for bad in ['<script>alert("x")</script>', "Child Q\u0000", ""]:
        response = manager.post(url, {"pseudonym": bad, "aware_on": "08/04/2022"})
        assert response.status_code == 200 and "There is a problem" in text_of(response)
    response = manager.post(url, {"pseudonym": "Child Q", "aware_on": "31/02/2022"})
    assert "Enter a real date the local authority became aware, for example 27/03/2024." in text_of(response)
    assert not Review.objects.exists()


def test_a_pseudonym_that_looks_like_a_real_name_is_held_until_it_is_said_not_to_be(
    cast: Cast, manager: Client
) -> None:
    url = reverse("notification_new", args=[cast.partnership.slug])
    asked = manager.post(url, {"pseudonym": "Jayden Smith-Clarke", "aware_on": "08/04/2022"})
    page = text_of(asked)
    assert "‘Jayden Smith-Clarke’ looks like a person’s name" in page
    assert "‘Jayden Smith-Clarke’ is not anyone’s real name" in page  # the box, offered only now
    assert not Review.objects.exists()
    said = manager.post(
        url, {"pseudonym": "Jayden Smith-Clarke", "not_a_name": "on", "aware_on": "08/04/2022"}
    )
    assert said.status_code == 302 and Review.objects.get().pseudonym == "Jayden Smith-Clarke"
    plain = text_of(manager.get(url))
    assert "is not anyone’s real name" not in plain  # no box for a form not yet sent
    for label in ("Child Q", "Family M", "Mr F", "Baby T and Sibling U", "Adult B", "Child LW"):
        assert not forms.looks_like_a_name(label), label
    for name in ("Jayden Smith-Clarke", "Family Smith", "Child Jayden", "Mr Patel", "Olivia"):
        assert forms.looks_like_a_name(name), name


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


def test_a_person_named_on_a_review_sees_it_in_the_register(cast: Cast, child_q: Review) -> None:
    person = Person.objects.create(partnership=cast.partnership, full_name="Nadia Okafor", user=cast.member)
    services.named_people_set(review=child_q, people=[person])
    services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Adult B", kind="sar_mandatory", on=AWARE
    )
    page = text_of(signed_in(cast.member).get(reverse("reviews", args=[cast.partnership.slug])))
    assert "Child Q" in page and "Adult B" not in page
    assert "2 in all; 1 of them only for the people named on them" in page


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


def _register_queries(client: Client, url: str) -> int:
    client.get(url)  # warm: the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(cast: Cast, n: int, start: int) -> None:
    themes = [Theme.objects.create(partnership=cast.partnership, name=f"Theme {start}.{k}") for k in range(3)]
    for k in range(n):
        review = services.review_create(
            partnership=cast.partnership,
            user=cast.manager,
            pseudonym=f"Child {chr(65 + (start + k) % 26)}{start + k}",
            kind="sar_mandatory",
            on=AWARE - dt.timedelta(days=400),  # long enough ago for its clocks to have run over
        )
        review.themes.set(themes[: 1 + k % 3])
        OverrunReason.objects.create(
            review=review, clock="notification", reason=f"Reason {k}", by=cast.manager
        )


def test_the_register_runs_the_same_queries_for_2_reviews_and_40(cast: Cast, manager: Client) -> None:
    """The register reads its rows, stage counts, theme chart and overrun reasons in a fixed number of
    queries (issue 15): none a review."""
    member = signed_in(cast.member)
    Person.objects.create(partnership=cast.partnership, full_name="Maya Member", user=cast.member)
    url = reverse("reviews", args=[cast.partnership.slug])
    _grow(cast, 2, 0)
    few = {who: _register_queries(c, url) for who, c in (("manager", manager), ("member", member))}
    few_all = _register_queries(manager, url + "?all=1")
    _grow(cast, 38, 2)
    assert {who: _register_queries(c, url) for who, c in (("manager", manager), ("member", member))} == few
    assert _register_queries(manager, url + "?all=1") == few_all
    listed = lxml.html.fromstring(manager.get(url + "?all=1").content)
    assert len(listed.xpath("//main//a[starts-with(normalize-space(.), 'Child ')]")) >= 40


def test_the_register_pages_50_reviews_the_running_first_with_each_stage_counted_whole(
    cast: Cast, manager: Client
) -> None:
    """Every running review's open clocks are counted; the listing is paged at 50, the running first (by
    stage), then on asking the published and closed, which are read only for the page that lists them."""
    today = dt.date.today()

    def add(n: int, stage: str, start: int) -> None:
        Review.objects.bulk_create(
            Review(
                partnership=cast.partnership,
                pseudonym=f"Child {start + k:03d}",
                kind=Review.Kind.RAPID_REVIEW,
                stage=stage,
                aware_on=today - dt.timedelta(days=2),
            )
            for k in range(n)
        )

    add(45, Review.Stage.NOTIFICATION, 0)
    add(2, Review.Stage.PUBLISHED, 100)
    add(8, Review.Stage.CLOSED, 200)
    url = reverse("reviews", args=[cast.partnership.slug])

    def listed(response: object) -> list[str]:
        page = lxml.html.fromstring(response.content)  # type: ignore[attr-defined]
        return [a.text_content() for a in page.xpath("//main//table//a[starts-with(., 'Child ')]")]

    def headings(response: object) -> list[str]:
        page = lxml.html.fromstring(response.content)  # type: ignore[attr-defined]
        return [" ".join(h.text_content().split()) for h in page.xpath("//main//h3")]

    running = manager.get(url)
    assert len(listed(running)) == 45 and "register-pages" not in running.content.decode()
    assert "show all 10 of them too" in text_of(running)
    first = manager.get(url, {"all": "1"})
    assert listed(first) == [f"Child {k:03d}" for k in range(45)] + ["Child 100", "Child 101"] + [
        f"Child {k}" for k in (200, 201, 202)
    ]
    assert "55 reviews, showing 1 to 50." in text_of(first)
    assert headings(first)[-3:] == [
        "Notification (45)",
        "Published (2)",
        "Closed (8)",
    ]  # whole, not this page's
    nxt = lxml.html.fromstring(first.content).xpath("//nav[@id='register-pages']//a[@rel='next']")[0]
    assert nxt.get("href") == "?all=1&page=2"
    second = manager.get(url, {"all": "1", "page": "2"})
    assert listed(second) == [f"Child {k}" for k in range(203, 208)]
    assert headings(second)[-1:] == ["Closed (8)"]

    def open_clocks(response: object) -> str:
        page = lxml.html.fromstring(response.content)  # type: ignore[attr-defined]
        return " ".join(page.xpath("string(//p[@id='clock-counts'])").split())

    # the open clocks of every running review, whichever page is read
    assert open_clocks(second) == open_clocks(first) == open_clocks(running)
    assert sum(int(word) for word in open_clocks(running).split() if word.isdigit()) >= 45


def test_a_member_pages_the_finished_reviews_they_are_named_on(cast: Cast) -> None:
    nadia = Person.objects.create(partnership=cast.partnership, full_name="Nadia Okafor", user=cast.member)
    for n, stage in enumerate([Review.Stage.CLOSED, Review.Stage.PUBLISHED, Review.Stage.CLOSED, "review"]):
        review = Review.objects.create(
            partnership=cast.partnership, pseudonym=f"Child {n}", kind=Review.Kind.LCSPR, stage=stage
        )
        if n != 2:
            review.named_people.add(nadia)
    url = reverse("reviews", args=[cast.partnership.slug])
    page = lxml.html.fromstring(signed_in(cast.member).get(url, {"all": "1"}).content)
    listed = [a.text_content() for a in page.xpath("//main//table//a[starts-with(., 'Child ')]")]
    assert listed == ["Child 3", "Child 1", "Child 0"]  # running, published, closed; never Child 2
