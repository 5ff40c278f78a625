"""Issue 16, item 2: search. One box finds items, decisions, actions, meetings, people, case reviews and
escalations, best first, with the words marked in an escaped snippet; filtered by board, kind and date;
never a record the person could not open; kept current as records change and minutes are imported; and
`boardkeeper search` for scripts. Runs on SQLite (FTS5) and on PostgreSQL (tsvector, GIN) alike."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_update
from boardkeeper.directory.boards import board_change
from boardkeeper.directory.models import Person, PersonAlias
from boardkeeper.imports import services as imports
from boardkeeper.meetings.models import AgendaItem, Meeting
from boardkeeper.meetings.services import minutes_approve, minutes_unapprove
from boardkeeper.reviews import services as review_services
from boardkeeper.reviews.models import Theme
from boardkeeper.search import indexer
from boardkeeper.search.backends import Query
from boardkeeper.search.models import SearchEntry

SEARCH = reverse("search")


def results(client: Client, **params: str) -> list[tuple[str, str, str]]:
    """(kind, title, url) of each result on the page the search shows."""
    page = client.get(SEARCH, params)
    assert page.status_code == 200
    html = lxml.html.fromstring(page.content)
    return [
        (li.get("data-kind"), li.xpath(".//h3")[0].text_content(), li.xpath(".//h3/a/@href")[0])
        for li in html.xpath("//li[contains(@class, 'bk-search-result')]")
    ]


def item(meeting: Meeting, title: str, discussion: str, position: int = 90) -> AgendaItem:
    return AgendaItem.objects.create(meeting=meeting, position=position, title=title, discussion=discussion)


def test_the_imported_funding_item_is_found_first_with_its_words_marked(cast: Cast, held: Meeting) -> None:
    client = signed_in(cast.manager)
    found = results(client, q="funding")
    assert found[0] == (
        "item",
        "7 Partnership Funding 2022/2023",
        f"/meetings/{held.pk}/#item-7".replace(
            "item-7", f"item-{AgendaItem.objects.get(meeting=held, number='7').pk}"
        ),
    )
    assert {k for k, _, _ in found} == {"item", "decision", "action"}
    page = client.get(SEARCH, {"q": "funding"}).content.decode()
    assert "<mark>Funding</mark>" in page  # the title
    assert "shortfall in the <mark>funding</mark>" in page  # the snippet of the discussion
    assert "3 results" in page


def test_ranking_puts_a_title_match_above_a_passing_mention(cast: Cast, held: Meeting) -> None:
    item(held, "General business", "Several partners noted that neglect was raised once in passing.", 91)
    item(held, "Neglect strategy", "The neglect strategy and the neglect toolkit were presented.", 92)
    found = [t for k, t, _ in results(signed_in(cast.manager), q="neglect") if k == "item"]
    assert found.index("Neglect strategy") < found.index("General business")


def test_a_phrase_must_match_as_a_phrase_and_every_word_must_match(cast: Cast, held: Meeting) -> None:
    item(held, "Exploitation", "Criminal exploitation of children in county lines.", 91)
    item(held, "Other", "Children at risk of exploitation, and criminal cases.", 92)
    client = signed_in(cast.manager)
    both = {t for _, t, _ in results(client, q="criminal exploitation")}
    assert {"Exploitation", "Other"} <= both
    assert {t for _, t, _ in results(client, q='"criminal exploitation"')} == {"Exploitation"}
    assert results(client, q="criminal zebra") == []


def test_snippets_are_escaped_and_records_cannot_forge_a_mark(cast: Cast, held: Meeting) -> None:
    item(
        held,
        "<b>Bold</b> title",
        "The budget <script>alert('x')</script> was \x02forged\x03 <mark>not ours</mark>",
    )
    page = signed_in(cast.manager).get(SEARCH, {"q": "budget"}).content.decode()
    assert "<script>alert" not in page
    assert "alert(&#x27;x&#x27;)" in page  # escaped (PostgreSQL's ts_headline drops the tags themselves)
    assert "<mark>budget</mark>" in page
    assert "<mark>forged</mark>" not in page
    assert "<mark>not ours</mark>" not in page
    assert "<b>Bold</b>" not in page


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"""',
        "funding AND OR NOT",
        "NEAR(funding shortfall, 2)",
        "fund*",
        "title:funding",
        "-funding",
        "'; DROP TABLE search_searchentry; --",
        "<script>alert(1)</script>",
        "funding)(",
        "^ ~ ! & | : *",
        "\x00\x02\x03",
        "a" * 2000,
        "café naïve",
        "{{ 7*7 }}",
    ],
)
def test_strange_input_never_fails_and_is_shown_escaped(cast: Cast, held: Meeting, text: str) -> None:
    page = signed_in(cast.manager).get(SEARCH, {"q": text})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.content.decode()
    assert SearchEntry.objects.exists()  # the index is all there


def test_query_parsing_keeps_words_and_phrases_and_drops_syntax() -> None:
    q = Query.parse('NEAR(funding) "county lines" -x* "')
    assert q.words == ("NEAR", "funding", "x")
    assert q.phrases == (("county", "lines"),)
    assert q.quoted() == '"NEAR" "funding" "x" "county lines"'
    assert Query.parse(' " ; -- ').empty


def test_an_empty_search_shows_the_form_and_no_results(cast: Cast, held: Meeting) -> None:
    page = signed_in(cast.manager).get(SEARCH, {"q": "   "})
    assert page.status_code == 200
    html = lxml.html.fromstring(page.content)
    assert html.xpath("//form[@role='search']//input[@name='q']")
    assert not html.xpath("//*[@id='results']")


def test_a_member_not_named_on_a_review_finds_nothing_of_it(cast: Cast, held: Meeting) -> None:
    review = review_services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym="Child Zebedee",
        kind="lcspr",
        on=dt.date(2024, 1, 8),
    )
    member = signed_in(cast.member)
    assert results(member, q="Zebedee") == []
    assert [k for k, _, _ in results(signed_in(cast.manager), q="Zebedee")] == ["review"]
    pete = Person.objects.create(partnership=cast.partnership, full_name="Pete Member", user=cast.member)
    review_services.named_people_set(review=review, people=[pete])
    assert [(k, u) for k, _, u in results(member, q="Zebedee")] == [("review", f"/reviews/{review.pk}/")]
    assert member.get(f"/reviews/{review.pk}/").status_code == 200  # what is found can be opened


def test_another_partnerships_records_never_appear(cast: Cast, held: Meeting) -> None:
    theirs = imports.import_file(
        board=cast.other_board, user=cast.outsider, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    ours = results(signed_in(cast.manager), q="funding")
    assert ours and all(f"/meetings/{theirs.pk}/" not in u for _, _, u in ours)
    assert not any(
        f"/actions/{a.pk}/" == u for a in Action.objects.filter(meeting=theirs) for _, _, u in ours
    )
    outsider = results(signed_in(cast.outsider), q="funding")
    assert outsider and all(f"/meetings/{held.pk}/" not in u for _, _, u in outsider)
    assert results(signed_in(cast.outsider), q="Hill") != []  # their own Pete Hill
    ours_people = {u for k, _, u in results(signed_in(cast.manager), q="Hill") if k == "person"}
    theirs_people = {u for k, _, u in results(signed_in(cast.outsider), q="Hill") if k == "person"}
    assert ours_people and theirs_people and not ours_people & theirs_people


def test_filters_by_kind_board_and_date(cast: Cast, held: Meeting) -> None:
    client = signed_in(cast.manager)
    assert {k for k, _, _ in results(client, q="funding", kind="action")} == {"action"}
    assert results(client, q="funding", board=str(cast.board.pk))
    assert results(client, q="funding", board=str(cast.other_board.pk)) == results(
        client, q="funding"
    )  # not theirs: ignored
    assert results(client, q="funding", **{"from": "24/2/2022"}) == []
    assert results(client, q="funding", **{"to": "2022-02-23"})
    assert results(client, q="funding", **{"from": "1/1/2022", "to": "31/12/2022"})
    page = client.get(SEARCH, {"q": "funding", "from": "31/2/2022"})
    assert page.status_code == 200
    assert "Date from must be a real date" in page.content.decode()


def test_twenty_results_a_page(cast: Cast, held: Meeting) -> None:
    for n in range(25):
        item(held, f"Quarterly dashboard {n}", "The quarterly dashboard was noted.", 100 + n)
    client = signed_in(cast.manager)
    first = results(client, q="dashboard")
    second = results(client, q="dashboard", page="2")
    assert len(first) == 20 and len(second) == 5
    assert not set(first) & set(second)
    assert "25 results" in client.get(SEARCH, {"q": "dashboard"}).content.decode()


def test_the_index_follows_an_action_update_an_item_edit_and_a_deletion(cast: Cast, held: Meeting) -> None:
    client = signed_in(cast.manager)
    action = Action.objects.get(meeting=held, text__contains="School's Forum")
    assert results(client, q="funding dropped") == []
    action_update(action=action, user=cast.manager, version=action.version, status="dropped")
    assert [k for k, _, _ in results(client, q="funding dropped")] == ["action"]
    it = AgendaItem.objects.get(meeting=held, number="7")
    it.discussion += " The quokka census was mentioned."
    it.save()
    assert [k for k, _, _ in results(client, q="quokka")] == ["item"]
    it.delete()
    assert results(client, q="quokka") == []


def test_the_index_follows_what_a_row_reads_of_other_records(cast: Cast, held: Meeting) -> None:
    """A board renamed, minutes approved, a review's themes and a person's aliases changed: the rows that
    show them change too, without a rebuild."""
    client = signed_in(cast.manager)
    assert results(client, q="Strategic", kind="meeting") == []
    board_change(board=cast.board, name="Strategic Safeguarding Board", parent=None)
    assert [u for _, _, u in results(client, q="Strategic", kind="meeting")] == [f"/meetings/{held.pk}/"]
    named = SearchEntry.objects.filter(board_id=cast.board.pk).exclude(kind="meeting")
    assert named.count() > 20 and all(
        c.startswith("Strategic Safeguarding Board, ") for c in named.values_list("context", flat=True)
    )

    assert results(client, q="approved 11 March", kind="meeting") == []
    minutes_approve(meeting=held, user=cast.manager, on=dt.date(2022, 3, 11), today=dt.date(2022, 3, 11))
    assert [u for _, _, u in results(client, q="approved 11 March", kind="meeting")] == [
        f"/meetings/{held.pk}/"
    ]
    minutes_unapprove(meeting=held, user=cast.manager)
    assert results(client, q="approved 11 March", kind="meeting") == []

    review = review_services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym="Child Y",
        kind="lcspr",
        on=dt.date(2024, 1, 8),
    )
    neglect = Theme.objects.create(partnership=cast.partnership, name="Neglect")
    assert results(client, q="neglect", kind="review") == []
    review_services.themes_set(review=review, themes=[neglect])
    assert [t for _, t, _ in results(client, q="neglect", kind="review")] == ["Child Y"]
    review_services.themes_set(review=review, themes=[])
    assert results(client, q="neglect", kind="review") == []

    pete = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")
    alias = PersonAlias.objects.create(person=pete, alias="Petros", kind=PersonAlias.Kind.NAME)
    assert [t for _, t, _ in results(client, q="Petros")] == ["Pete Hill"]
    alias.delete()
    assert results(client, q="Petros") == []


def test_minutes_confirmed_from_the_preview_are_found(cast: Cast) -> None:
    pending = imports.import_upload(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    pending.refresh_from_db()
    client = signed_in(cast.manager)
    assert results(client, q="funding") == []
    imports.import_confirm(pending=pending, user=cast.manager)
    assert results(client, q="funding")[0][1] == "7 Partnership Funding 2022/2023"


def test_rebuild_indexes_every_record_again(cast: Cast, held: Meeting) -> None:
    before = SearchEntry.objects.count()
    SearchEntry.objects.all().delete()
    assert results(signed_in(cast.manager), q="funding") == []
    out = StringIO()
    call_command("search", rebuild=True, stdout=out)
    assert SearchEntry.objects.count() == before and f"Indexed {before} records" in out.getvalue()
    assert results(signed_in(cast.manager), q="funding")
    assert indexer.rebuild() == before


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    page = Client().get(SEARCH, {"q": "funding"})
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


def test_the_header_has_the_search_box(cast: Cast) -> None:
    html = lxml.html.fromstring(signed_in(cast.member).get(reverse("my_actions")).content)
    box = html.xpath("//header//form[@role='search']")
    assert box and box[0].get("action") == SEARCH
    assert box[0].xpath(".//label[@for='header-search']") and box[0].xpath(".//input[@id='header-search']")


@pytest.mark.django_db(transaction=True)
def test_the_command_finds_item_7_of_the_demo_meeting() -> None:
    call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("search", "funding", partnership="Warwickshire Safeguarding (demo)", json=True, stdout=out)
    found = json.loads(out.getvalue())
    first = found["results"][0]
    assert (first["kind"], first["title"], first["date"]) == (
        "item",
        "7 Partnership Funding 2022/2023",
        "2022-02-23",
    )
    assert first["where"] == "Executive Board, 23 February 2022, item 7"
    assert "[funding]" in first["snippet"]
    assert found["count"] == len(found["results"]) >= 3
    with pytest.raises(Exception, match="no partnership called"):
        call_command("search", "funding", partnership="Nowhere", stdout=StringIO())
