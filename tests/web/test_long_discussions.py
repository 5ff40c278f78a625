"""An item's discussion may run to a megabyte (a pasted report): the pages and exports that list actions
name the item but never read its discussion."""

from __future__ import annotations

from cast import Cast, signed_in
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import AgendaItem, Meeting

MEGABYTE = "The board discussed the report at length. " * 25_000


def test_pages_and_exports_that_list_actions_do_not_read_an_items_discussion(
    held: Meeting, cast: Cast
) -> None:
    AgendaItem.objects.filter(meeting=held).update(discussion=MEGABYTE)
    action = Action.objects.filter(meeting=held).earliest("pk")
    pete = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")
    slug, board = cast.partnership.slug, cast.board.slug
    urls = [
        reverse("board_actions", args=[slug, board]),
        reverse("partnership_actions", args=[slug]),
        reverse("board_actions_export", args=[slug, board, "csv"]),
        reverse("partnership_actions_export", args=[slug, "xlsx"]),
        reverse("action", args=[action.pk]),
        reverse("person", args=[pete.pk]),
        reverse("forward_plan", args=[slug, board]),
    ]
    client = signed_in(cast.manager)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        read = [
            q["sql"]
            for q in queries.captured_queries
            if "agendaitem" in q["sql"] and "discussion" in q["sql"]
        ]
        assert read == [], url
    # the meeting's own page is where the discussion is read
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("meeting", args=[held.pk]))
    assert "discussed the report at length" in page.content.decode()
