"""The preview's corrections without a script (plain forms, then back to the preview), as a business manager
makes them on the seed minutes: each lands in the import, a stale page is refused without losing what was
typed, a malicious string stays text, and nothing is written until 'Import these minutes'."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
from cast import SEED_DOCX, Cast, text_of
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
from boardkeeper.imports import services
from boardkeeper.meetings.models import Attendance, Meeting, PendingImport

PETES = "PH to share examples of incidents"  # action 1 of the seed, owned by Pete Hill
SOURCE_CELL = "s1-5-1"  # the seed's item 5 'Mental Health Provision', its Discussion cell


def waiting(cast: Cast) -> PendingImport:
    pending = services.import_upload(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.READY
    return pending


def preview_url(pending: PendingImport, query: str = "") -> str:
    return reverse("import_preview", args=[pending.pk]) + query


def form_of(response: Any) -> dict[str, Any]:
    """The correction form on the page (#editing) as it stands, lists for the checkboxes."""
    (form,) = lxml.html.fromstring(response.content).xpath("//form[@id='editing']")
    data: dict[str, Any] = {}
    for name, value in form.form_values():
        if name == "owners":
            data.setdefault("owners", []).append(value)
        else:
            data[name] = value
    return data


def confirm(client: Client, pending: PendingImport) -> Any:
    pending.refresh_from_db()
    return client.post(preview_url(pending), {"version": pending.version})


def test_a_correction_is_kept_on_the_preview_and_imported_only_on_confirming(
    cast: Cast, manager: Client
) -> None:
    pending = waiting(cast)
    form = form_of(manager.get(preview_url(pending, "?edit=action-1")))
    assert form["text"] == PETES and form["owners"] == ["person:Pete Hill"] and form["item"] == "5"
    form.update(
        text="Share examples of section 136 incidents", owners=["person:Jo Galloway"], due="31/03/2022"
    )
    saved = manager.post(reverse("preview_action", args=[pending.pk, 1]), form)
    assert saved["Location"] == preview_url(pending, "#action-1")
    page = text_of(manager.get(preview_url(pending)))
    assert "Share examples of section 136 incidents" in page and "31 March 2022" in page
    assert not Meeting.objects.exists() and not Action.objects.exists()

    assert confirm(manager, pending).status_code == 302
    action = Action.objects.get(text="Share examples of section 136 incidents")
    assert [p.full_name for p in action.owner_people.all()] == ["Jo Galloway"]
    assert action.due_date == dt.date(2022, 3, 31) and action.item is not None and action.item.number == "5"
    assert not Action.objects.filter(text=PETES).exists()


def test_a_correction_from_a_stale_page_is_refused_and_what_was_typed_is_kept(
    cast: Cast, manager: Client
) -> None:
    pending = waiting(cast)
    first = form_of(manager.get(preview_url(pending, "?edit=action-1")))
    second = form_of(manager.get(preview_url(pending, "?edit=action-0")))  # another tab, same version
    first["text"] = "Share examples by March"
    assert manager.post(reverse("preview_action", args=[pending.pk, 1]), first).status_code == 302
    second["text"] = "Explore panel members' training"
    refused = manager.post(reverse("preview_action", args=[pending.pk, 0]), second)
    assert refused.status_code == 200
    assert "changed since you opened it" in text_of(refused)
    kept = form_of(refused)
    assert kept["text"] == "Explore panel members' training" and kept["version"] == "2"  # ready to save again
    pending.refresh_from_db()
    assert pending.extracted["actions"][0]["text"].startswith("Safeguarding Reviews Panel Members training")
    assert manager.post(reverse("preview_action", args=[pending.pk, 0]), kept).status_code == 302
    # importing from a page drawn before those corrections is refused as well
    stale = manager.post(preview_url(pending), {"version": "1"})
    assert "The preview was changed since you opened it" in text_of(stale)
    assert not Meeting.objects.exists()


def test_a_person_renamed_keeps_their_actions_and_a_person_matched_by_hand_is_not_added_again(
    cast: Cast, manager: Client
) -> None:
    nigel = Person.objects.create(partnership=cast.partnership, full_name="Nigel Minns-Hart")
    pending = waiting(cast)
    # Pete Hill is 'Peter Hill' in the directory's spelling; Nigel Minns is the Nigel Minns-Hart on record
    pete = form_of(manager.get(preview_url(pending, "?edit=person-2")))
    assert pete["name"] == "Pete Hill" and pete["attendance"] == "present" and pete["match"] == "auto"
    pete.update(name="Peter Hill", organisation="Warwickshire Police", attendance="apologies")
    assert manager.post(reverse("preview_person", args=[pending.pk, 2]), pete).status_code == 302
    minns = form_of(manager.get(preview_url(pending, "?edit=person-7")))
    minns["match"] = str(nigel.pk)
    assert manager.post(reverse("preview_person", args=[pending.pk, 7]), minns).status_code == 302
    page = manager.get(preview_url(pending))
    assert "Matches Nigel Minns-Hart" in text_of(page)

    assert confirm(manager, pending).status_code == 302
    peter = Person.objects.get(full_name="Peter Hill")
    assert [a.text for a in peter.actions.all()] == [PETES]  # the action followed the new name
    assert Attendance.objects.get(person=peter).status == "apologies"
    assert not Person.objects.filter(full_name="Nigel Minns").exists()
    assert Attendance.objects.get(person=nigel).status == "apologies"
    assert nigel.aliases.filter(alias="Nigel Minns").exists()  # the next minutes match him unaided
    assert [p.full_name for p in Action.objects.get(text__startswith="Ofsted report").owner_people.all()] == [
        "Nigel Minns-Hart"
    ]


def test_two_people_of_one_meeting_are_not_given_one_name(cast: Cast, manager: Client) -> None:
    pending = waiting(cast)
    form = form_of(manager.get(preview_url(pending, "?edit=person-2")))
    form["name"] = "jo  galloway"
    refused = manager.post(reverse("preview_person", args=[pending.pk, 2]), form)
    assert "Someone else in these minutes is called jo galloway" in text_of(refused)
    assert text_of(refused).startswith("Error: ")
    pending.refresh_from_db()
    assert pending.version == 1


def test_an_action_added_from_a_sentence_of_the_minutes_keeps_it_as_its_quote(
    cast: Cast, manager: Client
) -> None:
    pending = waiting(cast)
    page = manager.get(preview_url(pending))
    links = lxml.html.fromstring(page.content).xpath(
        f"//td[@id='{SOURCE_CELL}']//a[starts-with(., 'Make an action')]"
    )
    assert len(links) == 1
    add = manager.get(links[0].get("href").split("#")[0])
    sentences = [
        label.text_content().strip()
        for label in lxml.html.fromstring(add.content).xpath(
            "//form[@id='editing']//label[starts-with(@for, 'id_sentence_')]"
        )
    ]
    assert sentences[0] == "Mental Health Provision" and len(sentences) > 3
    chosen = next(i for i, s in enumerate(sentences) if "clear escalation process" in s)
    form = form_of(add)
    assert form["source"] == SOURCE_CELL
    missing = manager.post(reverse("preview_action_add", args=[pending.pk]), form)
    assert "Choose the sentence the action comes from." in text_of(missing)
    form.update(sentence=str(chosen), owners=["person:Pete Hill"], due_meeting="next")
    saved = manager.post(reverse("preview_action_add", args=[pending.pk]), form)
    assert saved["Location"] == preview_url(pending, "#action-10")
    page = manager.get(preview_url(pending))
    assert "Actions (9 of 11 to import)" in text_of(page)
    (mark,) = lxml.html.fromstring(page.content).xpath("//mark[@id='q-a10']")
    assert mark.text_content().endswith(sentences[chosen])

    confirm(manager, pending)
    added = Action.objects.get(origin="manual")
    assert added.text == added.quote == sentences[chosen]
    assert added.due_text == "Next meeting"
    assert [p.full_name for p in added.owner_people.all()] == ["Pete Hill"]


def test_words_selected_in_the_minutes_open_the_form_with_them(cast: Cast, manager: Client) -> None:
    pending = waiting(cast)
    form = form_of(manager.get(preview_url(pending, "?add=selection&text=Write+to+the+ICB++about+beds")))
    assert form["text"] == form["quote"] == "Write to the ICB about beds"


def test_an_action_left_out_is_not_imported_and_can_be_put_back(cast: Cast, manager: Client) -> None:
    pending = waiting(cast)
    url = reverse("preview_action_include", args=[pending.pk, 1])
    manager.post(url, {"version": "1", "include": "0"})
    assert "Actions (7 of 10 to import)" in text_of(manager.get(preview_url(pending)))
    manager.post(url, {"version": "2", "include": "1"})
    manager.post(url, {"version": "3", "include": "0"})
    stale = manager.post(url, {"version": "1", "include": "1"}, follow=True)
    assert "changed since you opened it" in text_of(stale)
    confirm(manager, pending)
    assert Action.objects.count() == 7 and not Action.objects.filter(text=PETES).exists()


def test_an_action_due_at_a_meeting_of_the_board_on_record_is_due_there(cast: Cast, manager: Client) -> None:
    march = Meeting.objects.create(
        board=cast.board, date=dt.date(2022, 3, 11), status=Meeting.Status.SCHEDULED
    )
    pending = waiting(cast)
    form = form_of(manager.get(preview_url(pending, "?edit=action-1")))
    form["due_meeting"] = str(march.pk)
    manager.post(reverse("preview_action", args=[pending.pk, 1]), form)
    assert "meeting of 11 March 2022" in text_of(manager.get(preview_url(pending)))
    confirm(manager, pending)
    assert Action.objects.get(text=PETES).due_meeting == march


def test_a_malicious_string_stays_text(cast: Cast, manager: Client) -> None:
    pending = waiting(cast)
    form = form_of(manager.get(preview_url(pending, "?edit=action-1")))
    form["text"] = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    form["team"] = "<b>Bold team</b>"
    manager.post(reverse("preview_action", args=[pending.pk, 1]), form)
    page = manager.get(preview_url(pending))
    html = lxml.html.fromstring(page.content)
    assert not html.xpath("//main//script") and not html.xpath("//main//img") and not html.xpath("//main//b")
    assert '<script>alert("x")</script>' in text_of(page) and "<b>Bold team</b>" in text_of(page)


def test_a_part_that_is_not_there_is_not_found_and_an_import_done_takes_no_corrections(
    cast: Cast, manager: Client
) -> None:
    pending = waiting(cast)
    assert manager.post(reverse("preview_action", args=[pending.pk, 99]), {"version": "1"}).status_code == 404
    assert manager.get(preview_url(pending, "?edit=person-99")).status_code == 404
    confirm(manager, pending)
    late = manager.post(
        reverse("preview_action_include", args=[pending.pk, 1]), {"version": "1", "include": "0"}
    )
    assert late["Location"] == preview_url(pending)
    assert Action.objects.filter(text=PETES).exists()


def test_with_htmx_a_correction_answers_with_the_preview_to_swap_in(cast: Cast, manager: Client) -> None:
    pending = waiting(cast)
    htmx = {"HX-Request": "true", "HX-Target": "extraction"}
    editing = manager.get(preview_url(pending, "?edit=meeting"), headers=htmx)
    assert editing.status_code == 200  # not the reading's status poll
    page = lxml.html.fromstring(editing.content)
    (form,) = page.xpath("//div[@id='extraction']//form[@id='editing']")
    assert form.get("hx-post") == reverse("preview_meeting", args=[pending.pk])
    (row,) = page.xpath("//div[@hx-target='#extraction']")
    assert row.get("hx-select") == "#extraction" and row.get("hx-select-oob") == "#source-text"
    data = form_of(editing)
    data["title"] = "Warwickshire Safeguarding Executive Board"
    saved = manager.post(reverse("preview_meeting", args=[pending.pk]), data, headers=htmx, follow=True)
    assert "Warwickshire Safeguarding Executive Board" in text_of(saved)
    confirm(manager, pending)
    assert Meeting.objects.get().title == "Warwickshire Safeguarding Executive Board"
