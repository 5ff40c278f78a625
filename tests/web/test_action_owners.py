"""An action's owners and due meeting: read from the minutes' wording ('to the April meeting'), and
corrected by the business team on the action's page, refusing a stale page without losing anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
from cast import Cast, signed_in, text_of
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.due_meetings import meeting_due
from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.directory.models import Person
from boardkeeper.imports import services as meeting_services
from boardkeeper.plan.next_meeting import schedule_next_meeting

LLB = "LLB to be progressed"
MARCH = (
    b"Warwickshire Safeguarding Executive Board\n\nDate: 11 March 2022\n\n"
    b"Present: Pete Hill, PH (Warwickshire Police); Jackie Channell, JC (Clinical Commissioning Group)\n\n"
    b"1. Welcome\n\nWelcome.\n\n2. Custody\n\nAction: PH to report the custody audit findings to the April meeting.\n\n"
    b"3. Training\n\nAction: JC to circulate the training figures before the next meeting.\n\n"
    b"4. Budget\n\nAction: JC to bring the budget to the June meeting.\n\n"
    b"5. Any other business\n\nNone.\n"
)


def form_fields(response: Any) -> dict[str, list[str]]:
    """The owners form as the browser would send it: checkboxes can give a name several values."""
    (form,) = lxml.html.fromstring(response.content).xpath("//main//form[@method='post']")
    fields: dict[str, list[str]] = {}
    for name, value in form.form_values():
        fields.setdefault(name, []).append(value)
    return fields


def choice(response: Any, name: str, label: str) -> str:
    """The value of the checkbox or option whose label starts with `label`."""
    page = lxml.html.fromstring(response.content)
    for box in page.xpath(f"//input[@name='{name}']"):
        if page.xpath(f"//label[@for='{box.get('id')}']")[0].text_content().strip().startswith(label):
            return str(box.get("value"))
    for option in page.xpath(f"//select[@name='{name}']/option"):
        if option.text_content().strip().startswith(label):
            return str(option.get("value"))
    raise AssertionError(f"no {label!r} among the choices of {name}")


def test_actions_due_at_a_named_meeting_get_it_once_the_board_has_it(seeded: Cast) -> None:
    meeting_services.import_file(board=seeded.board, user=seeded.manager, name="march.txt", data=MARCH)
    audit = Action.objects.get(text__contains="custody audit")
    figures = Action.objects.get(text__contains="training figures")
    budget = Action.objects.get(text__contains="budget to the June")
    assert audit.due_meeting is None and figures.due_meeting is None  # no April meeting on record yet
    Action.objects.filter(pk=budget.pk).update(due_date=dt.date(2022, 5, 1))  # given a date by hand

    april = schedule_next_meeting(board=seeded.board, date=dt.date(2022, 4, 8))
    audit.refresh_from_db(), figures.refresh_from_db(), budget.refresh_from_db()
    assert audit.due_meeting == april  # 'to the April meeting'
    assert figures.due_meeting == april  # 'before the next meeting': the first after 11 March

    june = schedule_next_meeting(board=seeded.board, date=dt.date(2022, 6, 10))
    assert Action.objects.get(pk=audit.pk).due_meeting == april  # set once, not moved by later meetings
    assert not Action.objects.filter(due_meeting=june).exists()  # the budget has its date: a date wins


def test_the_meeting_a_wording_means() -> None:
    due = meeting_due
    raised = dt.date(2022, 3, 11)
    meetings = [(dt.date(2022, 3, 11), 1), (dt.date(2022, 4, 8), 2), (dt.date(2023, 3, 10), 3)]
    assert due(text="report to the March meeting", due_text="").pick(raised, meetings) == 3  # next March
    assert due(text="x", due_text="Next meeting").pick(raised, meetings) == 2
    assert due(text="x", due_text="January meeting").pick(raised, meetings) is None
    assert due(text="by the March 2023 meeting", due_text="").pick(raised, meetings) == 3
    assert due(text="Arrange the next meeting for six months' time", due_text="") is None  # no 'by', 'to'
    assert due(text="go through the lease before the meeting", due_text="") is None


def test_the_business_team_changes_owners_and_due_meeting_and_the_history_says_what(seeded: Cast) -> None:
    march = schedule_next_meeting(board=seeded.board, date=dt.date(2022, 3, 11))
    action = Action.objects.get(text=LLB)
    client = signed_in(seeded.manager)
    page = client.get(reverse("action_owners", args=[action.pk]))
    assert page.status_code == 200
    data = form_fields(page)
    assert data["teams"] == [choice(page, "teams", "Warwickshire Safeguarding Team")]  # as the minutes had it
    data.update(
        people=[choice(page, "people", "Pete Hill")],
        teams=[],
        due_meeting=[choice(page, "due_meeting", "11 March 2022")],
    )
    saved = client.post(reverse("action_owners", args=[action.pk]), data, follow=True)
    assert "Owners: Warwickshire Safeguarding Team → Pete Hill." in text_of(saved)
    action.refresh_from_db()
    assert [p.full_name for p in action.owner_people.all()] == ["Pete Hill"]
    assert not action.owner_teams.exists() and action.due_meeting == march and action.version == 2
    (update,) = ActionUpdate.objects.filter(action=action)
    assert update.note == (
        "Owners: Warwickshire Safeguarding Team → Pete Hill. Due at: (none) → meeting of 11 March 2022."
    )
    assert update.status_from == update.status_to == "open"
    page = text_of(client.get(reverse("action", args=[action.pk])))
    assert "Meeting of 11 Mar 2022" in page and "Due at: (none) → meeting of 11 March 2022." in page


def test_someone_outside_the_board_can_be_made_owner(seeded: Cast) -> None:
    stranger = Person.objects.create(partnership=seeded.partnership, full_name="Nadia Okafor")
    action = Action.objects.get(text=LLB)
    client = signed_in(seeded.manager)
    page = client.get(reverse("action_owners", args=[action.pk]))
    data = form_fields(page)
    data["other"] = [choice(page, "other", "Nadia Okafor")]
    client.post(reverse("action_owners", args=[action.pk]), data)
    assert list(action.owner_people.all()) == [stranger]
    assert [t.name for t in action.owner_teams.all()] == ["Warwickshire Safeguarding Team"]


def test_of_two_stale_changes_the_second_is_told_and_keeps_its_choices(seeded: Cast) -> None:
    action = Action.objects.get(text=LLB)
    url = reverse("action_owners", args=[action.pk])
    first, second = signed_in(seeded.manager), signed_in(seeded.manager)
    first_page, second_page = first.get(url), second.get(url)
    first_data, second_data = form_fields(first_page), form_fields(second_page)
    first_data["people"] = [choice(first_page, "people", "Pete Hill")]
    assert first.post(url, first_data).status_code == 302
    second_data["people"] = [choice(second_page, "people", "Jackie Channell")]
    refused = second.post(url, second_data)
    assert refused.status_code == 200
    page = text_of(refused)
    assert "This action was changed by someone else since you opened it" in page
    assert "It is now owned by Pete Hill" in page
    kept = form_fields(refused)
    assert kept["people"] == [choice(refused, "people", "Jackie Channell")] and kept["version"] == ["2"]
    owners = {p.full_name for p in Action.objects.get(pk=action.pk).owner_people.all()}
    assert owners == {"Pete Hill"} and ActionUpdate.objects.filter(action=action).count() == 1


def test_an_action_needs_an_owner_and_choices_from_the_lists(seeded: Cast) -> None:
    action = Action.objects.get(text=LLB)
    url = reverse("action_owners", args=[action.pk])
    client = signed_in(seeded.manager)
    data = form_fields(client.get(url))
    data.update(teams=[], people=[])
    nobody = client.post(url, data)
    assert nobody.status_code == 200 and "Choose at least one owner: a person or a team." in text_of(nobody)
    data.update(people=["999999"], due_meeting=["not-a-meeting"])
    bad = text_of(client.post(url, data))
    assert "Choose people from the list." in bad and "Choose a meeting from the list." in bad
    assert Action.objects.get(pk=action.pk).version == 1 and not ActionUpdate.objects.exists()


def test_only_the_business_team_changes_owners(seeded: Cast) -> None:
    action = Action.objects.get(text=LLB)
    url = reverse("action_owners", args=[action.pk])
    assert signed_in(seeded.member).get(url).status_code == 403
    assert signed_in(seeded.member).post(url, {"version": "1"}).status_code == 403
    assert signed_in(seeded.outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in
    member_view = text_of(signed_in(seeded.member).get(reverse("action", args=[action.pk])))
    assert "owners and due meeting" not in member_view
