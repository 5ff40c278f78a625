"""Importing minutes through the pages, as the business team does it, and reading the record after."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest
from cast import FIXTURES, PASSWORD, SEED_DOCX, Cast, text_of
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.minutes import MinutesError, extract

EXPECTED = json.loads((FIXTURES / "warwickshire-executive-board-2022-02-23.expected.json").read_text())
SEED_TXT = FIXTURES / "warwickshire-executive-board-2022-02-23.txt"
BUDGET = "Seek update on budget shortfall sum from Finance"


def form_data(response: Any, form_id: str = "confirm") -> dict[str, str]:
    """What a form of the page sends as it stands (inputs, selected options and ticked boxes): the one
    with this id, else the page's first."""
    page = lxml.html.fromstring(response.content)
    forms = page.xpath(f"//main//form[@id='{form_id}']") or page.xpath("//main//form[@method='post']")
    return {k: v for k, v in forms[0].form_values()}


def card(response: Any, action_text: str) -> Any:
    """The preview's card of the action with these words."""
    page = lxml.html.fromstring(response.content)
    cards = [
        c for c in page.xpath("//main//div[starts-with(@id, 'action-')]") if action_text in c.text_content()
    ]
    assert len(cards) == 1, f"{action_text!r} is on {len(cards)} cards of the preview"
    return cards[0]


def action_index(response: Any, action_text: str) -> int:
    return int(card(response, action_text).get("id").removeprefix("action-"))


@pytest.fixture
def manager(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.manager)
    return client


def upload_url(cast: Cast) -> str:
    return reverse("import_upload", args=[cast.partnership.slug, cast.board.slug])


def upload(client: Client, cast: Cast, name: str, data: bytes, **kw: Any) -> Any:
    return client.post(upload_url(cast), {"file": SimpleUploadedFile(name, data)}, **kw)


def nothing_written() -> bool:
    return not (
        Meeting.objects.exists()
        or Person.objects.exists()
        or Action.objects.exists()
        or SourceDocument.objects.exists()
    )


def import_seed(client: Client, cast: Cast) -> Meeting:
    preview = upload(client, cast, SEED_DOCX.name, SEED_DOCX.read_bytes(), follow=True)
    response = client.post(preview.request["PATH_INFO"], form_data(preview))
    assert response.status_code == 302
    return Meeting.objects.get()


def test_the_upload_page_offers_a_file_field_to_the_business_team(cast: Cast, manager: Client) -> None:
    response = manager.get(upload_url(cast))
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert page.xpath("//form[@enctype='multipart/form-data']//input[@type='file'][@name='file']")
    assert "csrfmiddlewaretoken" in form_data(response)


def test_an_empty_file_is_refused_on_the_upload_page(cast: Cast, manager: Client) -> None:
    response = upload(manager, cast, "minutes.docx", b"")
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "The submitted file is empty." in text_of(response)
    assert nothing_written() and not PendingImport.objects.exists()


def test_no_file_chosen_is_refused_on_the_upload_page(cast: Cast, manager: Client) -> None:
    response = manager.post(upload_url(cast), {"csrfmiddlewaretoken": "ignored-by-the-test-client"})
    assert response.status_code == 200
    assert "Choose the minutes file to import." in text_of(response)
    assert nothing_written() and not PendingImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused_on_the_upload_page(
    cast: Cast, manager: Client, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    response = upload(manager, cast, "minutes.txt", b"x" * (1024 * 1024 + 1))
    assert response.status_code == 200
    assert "The file is larger than 1 MB." in text_of(response)
    assert nothing_written() and not PendingImport.objects.exists()


def test_a_corrupt_docx_is_refused_with_the_engines_reason(cast: Cast, manager: Client) -> None:
    data = b"PK\x03\x04 not really a Word document"
    with pytest.raises(MinutesError) as engine:
        extract(data, "minutes.docx")
    response = upload(manager, cast, "minutes.docx", data, follow=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "These minutes could not be read" in page
    assert f"minutes.docx: {engine.value}." in page
    assert "Import another file" in page
    assert nothing_written()
    assert PendingImport.objects.get().status == PendingImport.Status.FAILED


def test_uploading_the_seed_minutes_leads_to_a_preview_of_them(cast: Cast, manager: Client) -> None:
    response = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes())
    pending = PendingImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_preview", args=[pending.pk])
    preview = manager.get(response["Location"])
    assert preview.status_code == 200
    page = text_of(preview)
    assert "Check the minutes before you import them" in page
    assert "Pete Hill (PH)" in page
    assert "People (8)" in page
    assert "Items (11)" in page
    for item in EXPECTED["items"]:
        assert item["title"] in page
    for action in EXPECTED["actions"]:
        assert action["text"] in page
    # the 8 listed, and 2 commitments found in the discussion, which are imported only if chosen
    assert "Actions (8 of 10 to import)" in page
    assert page.count("A commitment in the discussion: it goes into the action log only if you choose") == 2
    assert "23 February 2022" in page
    assert form_data(preview)["version"] == "1"
    # the document as read is beside it, each action's words marked where they were read
    html = lxml.html.fromstring(preview.content)
    (mark,) = html.xpath("//main//*[@data-bk-source]//mark[@id='q-a1']")
    assert mark.text_content().endswith(EXPECTED["actions"][1]["text"])
    assert card(preview, EXPECTED["actions"][1]["text"]).xpath(".//a[@href='#q-a1']")
    assert nothing_written()


def test_the_preview_spells_out_each_persons_attendance(cast: Cast, manager: Client) -> None:
    preview = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes(), follow=True)
    page = lxml.html.fromstring(preview.content)
    (people,) = page.xpath("//main//dl[@data-list='people']")
    (amrita,) = [row for row in people.xpath("./div") if "Amrita Sharma" in row.text_content()]
    assert amrita.xpath(".//*[@data-field='attendance']")[0].text_content().strip() == "In attendance"


def test_an_owner_changed_in_the_preview_is_the_owner_imported(cast: Cast, manager: Client) -> None:
    preview = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes(), follow=True)
    index = action_index(preview, BUDGET)
    pending = PendingImport.objects.get()
    change = manager.post(
        reverse("preview_action", args=[pending.pk, index]),
        {"version": "1", "text": BUDGET, "item": "7", "owners": ["person:Pete Hill"]},
    )
    assert change["Location"] == reverse("import_preview", args=[pending.pk]) + f"#action-{index}"
    preview = manager.get(reverse("import_preview", args=[pending.pk]))
    assert "Pete Hill" in card(preview, BUDGET).text_content()
    assert nothing_written()
    response = manager.post(preview.request["PATH_INFO"], form_data(preview), follow=True)
    meeting = Meeting.objects.get()
    assert response.redirect_chain == [(reverse("meeting", args=[meeting.pk]), 302)]
    assert "Imported: 8 actions; 0 people recognised, 8 added to the directory." in text_of(response)
    budget = Action.objects.get(meeting=meeting, text=BUDGET)
    assert [p.full_name for p in budget.owner_people.all()] == ["Pete Hill"]
    assert not budget.owner_teams.exists()
    # the other actions keep the owners the minutes give
    request = Action.objects.get(text__startswith="Request partnership funding")
    assert [p.full_name for p in request.owner_people.all()] == ["Amrita Sharma"]
    assert PendingImport.objects.get().status == PendingImport.Status.IMPORTED


def test_a_commitment_chosen_in_the_preview_joins_the_action_log(cast: Cast, manager: Client) -> None:
    preview = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes(), follow=True)
    pending = PendingImport.objects.get()
    buttons = lxml.html.fromstring(preview.content).xpath("//main//button[starts-with(., 'Import it')]")
    assert len(buttons) == 2  # the two commitments of the discussion
    form = buttons[0].getparent()
    manager.post(form.get("action"), dict(form.form_values()))
    preview = manager.get(reverse("import_preview", args=[pending.pk]))
    assert "Actions (9 of 10 to import)" in text_of(preview)
    manager.post(preview.request["PATH_INFO"], form_data(preview))
    assert Action.objects.count() == 9
    assert Action.objects.filter(origin="prose").count() == 1


def test_uploading_the_same_file_again_points_to_the_meeting_already_imported(
    cast: Cast, manager: Client
) -> None:
    meeting = import_seed(manager, cast)
    again = upload(manager, cast, "renamed.docx", SEED_DOCX.read_bytes(), follow=True)
    assert again.status_code == 200
    assert "These minutes are already imported" in text_of(again)
    page = lxml.html.fromstring(again.content)
    assert page.xpath(f"//main//a[@href='{reverse('meeting', args=[meeting.pk])}']")
    assert not page.xpath("//main//form[@method='post']//select")  # nothing to confirm
    assert Meeting.objects.count() == 1


UNDATED = (
    b"Warwickshire Safeguarding Executive Board\n\n"
    b"Present: Sam New (Healthwatch), P Hill (Warwickshire Police)\n\n"
    b"1. Welcome\n\nThe chair welcomed members.\n\n2. Actions\n\nAction: PH to report on custody delays.\n"
)


def test_minutes_without_a_date_are_imported_once_the_date_is_entered(cast: Cast, manager: Client) -> None:
    preview = upload(manager, cast, "undated.txt", UNDATED, follow=True)
    assert "no meeting date could be read" in text_of(preview)
    assert "Not given enter it to import these minutes" in text_of(preview)
    refused = manager.post(preview.request["PATH_INFO"], form_data(preview))
    assert refused.status_code == 200
    assert "The minutes do not say when the meeting was held: enter the date to import them." in text_of(
        refused
    )
    pending = PendingImport.objects.get()
    date_form = manager.get(preview.request["PATH_INFO"] + "?edit=meeting")
    data = form_data(date_form, "editing")
    assert (data["date_day"], data["date_month"], data["date_year"]) == ("", "", "")  # GOV.UK's boxes
    data["date"] = "30/02/2022"  # one value under the field's name is read too
    wrong = manager.post(reverse("preview_meeting", args=[pending.pk]), data)
    assert "Enter the date of the meeting as a real date, for example 23/02/2022." in text_of(wrong)
    assert text_of(wrong).startswith("Error: ")
    assert nothing_written()
    data["date"] = "11/03/2022"
    manager.post(reverse("preview_meeting", args=[pending.pk]), data)
    preview = manager.get(preview.request["PATH_INFO"])
    response = manager.post(preview.request["PATH_INFO"], form_data(preview))
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meeting", args=[meeting.pk])
    assert str(meeting.date) == "2022-03-11"


def test_another_rendition_of_an_imported_meeting_is_refused_at_confirmation(
    cast: Cast, manager: Client
) -> None:
    import_seed(manager, cast)
    people = Person.objects.count()
    preview = upload(manager, cast, SEED_TXT.name, SEED_TXT.read_bytes(), follow=True)
    response = manager.post(preview.request["PATH_INFO"], form_data(preview))
    assert response.status_code == 200
    assert (
        "Executive Board already has a meeting on 23 February 2022; these minutes were not imported again."
        in text_of(response)
    )
    assert Meeting.objects.count() == 1 and Person.objects.count() == people


def test_the_meeting_page_shows_the_actions_their_owners_and_the_source(cast: Cast, manager: Client) -> None:
    meeting = import_seed(manager, cast)
    response = manager.get(reverse("meeting", args=[meeting.pk]))
    assert response.status_code == 200
    page = text_of(response)
    assert "Meeting of Wednesday 23 February 2022" in page
    assert "Actions (8)" in page
    html = lxml.html.fromstring(response.content)
    (actions_table,) = [
        t for t in html.xpath("//main//table") if "Action" in t.xpath(".//th")[1].text_content()
    ]
    rows = {
        tr.xpath("./td")[1].text_content().strip(): tr.xpath("./td")[2].text_content().strip()
        for tr in actions_table.xpath("./tbody/tr")
    }
    assert len(rows) == 8
    owners = {a["text"]: ", ".join(a["owners"]) for a in EXPECTED["actions"] if a["origin"] != "prose"}
    assert {text.split("“")[0]: owner for text, owner in rows.items()} == owners
    pete = Person.objects.get(full_name="Pete Hill")
    assert html.xpath(f"//main//a[@href='{reverse('person', args=[pete.pk])}']")
    document = SourceDocument.objects.get(meeting=meeting)
    (link,) = html.xpath(f"//main//a[@href='{reverse('document', args=[document.pk])}']")
    assert link.text_content() == SEED_DOCX.name


def test_the_meeting_page_lists_those_present_first_and_apologies_last(cast: Cast, manager: Client) -> None:
    meeting = import_seed(manager, cast)
    response = manager.get(reverse("meeting", args=[meeting.pk]))
    attendance = lxml.html.fromstring(response.content).xpath("//main//table")[0]
    statuses = [tr.xpath("./td")[3].text_content().strip() for tr in attendance.xpath("./tbody/tr")]
    assert statuses == ["Present"] * 5 + ["In attendance"] * 2 + ["Apologies"]


def test_the_source_document_downloads_as_it_was_uploaded(cast: Cast, manager: Client) -> None:
    meeting = import_seed(manager, cast)
    document = SourceDocument.objects.get(meeting=meeting)
    response = manager.get(reverse("document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SEED_DOCX.read_bytes()
    assert response["Content-Disposition"] == f'attachment; filename="{SEED_DOCX.name}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_board_page_offers_the_import_only_to_the_business_team(cast: Cast, manager: Client) -> None:
    meeting = import_seed(manager, cast)
    url = reverse("board", args=[cast.partnership.slug, cast.board.slug])
    mine = manager.get(url)
    assert "Import minutes" in text_of(mine)
    assert f'href="{reverse("meeting", args=[meeting.pk])}"' in mine.content.decode()
    viewer = Client()
    viewer.force_login(cast.viewer)
    theirs = viewer.get(url)
    assert theirs.status_code == 200
    assert "Import minutes" not in text_of(theirs)
    assert upload_url(cast) not in theirs.content.decode()


def test_a_meeting_entered_without_minutes_has_no_source_link(cast: Cast, manager: Client) -> None:
    meeting = Meeting.objects.create(board=cast.board, date="2022-04-01")
    response = manager.get(reverse("meeting", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Imported from" not in text_of(response)
    assert "No actions." in text_of(response)


def test_home_lists_every_partnership_of_someone_in_two(cast: Cast, manager: Client) -> None:
    PartnershipRole.objects.create(
        user=cast.manager, partnership=cast.other_partnership, role=PartnershipRole.Role.VIEWER
    )
    response = manager.get(reverse("home"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Elsewhere Safeguarding (Viewer)" in page
    assert "Warwickshire Safeguarding (Business team)" in page


def test_home_tells_someone_in_no_partnership_whom_to_ask(db: None) -> None:
    client = Client()
    client.force_login(User.objects.create_user("newcomer"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "You are not a member of any partnership yet." in text_of(response)


def test_a_post_without_a_csrf_token_is_refused(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.manager)
    assert client.get(upload_url(cast)).status_code == 200  # sets the CSRF cookie: still no token sent
    response = upload(client, cast, SEED_DOCX.name, SEED_DOCX.read_bytes())
    assert response.status_code == 403
    assert not PendingImport.objects.exists() and nothing_written()


def test_confirming_without_a_csrf_token_is_refused(cast: Cast, manager: Client) -> None:
    preview = upload(manager, cast, SEED_DOCX.name, SEED_DOCX.read_bytes(), follow=True)
    data = form_data(preview)
    del data["csrfmiddlewaretoken"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.manager)
    response = client.post(preview.request["PATH_INFO"], data)
    assert response.status_code == 403
    assert nothing_written()
    assert PendingImport.objects.get().status == PendingImport.Status.READY


def test_signing_in_and_out(cast: Cast, client: Client) -> None:
    response = client.post(reverse("login"), {"username": "amrita", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")  # what needs them (issue 16)
    assert "Sign out" in text_of(response)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert client.get(reverse("home")).status_code == 302
    wrong = client.post(reverse("login"), {"username": "amrita", "password": "wrong"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session


def test_a_board_may_take_any_slug_beside_the_partnerships_pages(cast: Any, client: Client) -> None:
    """Boards live under boards/: one slugged like a page of the partnership takes nothing from it."""
    from boardkeeper.directory.models import Board

    board = Board.objects.create(partnership=cast.partnership, name="Reviews Group", slug="reviews")
    client.force_login(cast.manager)
    assert "Reviews Group" in text_of(client.get(reverse("board", args=[cast.partnership.slug, "reviews"])))
    register = client.get(reverse("reviews", args=[cast.partnership.slug]))
    assert register.templates[0].name == "reviews/register.html"
    assert board.slug == "reviews"


def test_a_boards_old_address_sends_its_members_to_the_new_one(cast: Any, client: Client) -> None:
    slug, board = cast.partnership.slug, cast.board.slug
    client.force_login(cast.member)
    old = client.get(f"/p/{slug}/{board}/actions/?status=open")
    assert old.status_code == 301
    assert old["Location"] == reverse("board_actions", args=[slug, board]) + "?status=open"
    assert client.get(f"/p/{slug}/{board}/")["Location"] == reverse("board", args=[slug, board])
    assert client.get(f"/p/{slug}/no-such-board/").status_code == 404
    client.force_login(cast.outsider)
    assert client.get(f"/p/{slug}/{board}/actions/").status_code == 404  # nothing given away
