"""Issue 14, inspections and improvement plans: recording an inspection (version-checked edits, audited,
the business team's alone), the items of the minutes that mention it, the plan page (progress by
recommendation, overdue actions first) and its .docx and .xlsx, opened and read."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cast import Cast, signed_in, text_of
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_create
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Organisation, Person
from boardkeeper.inspections import services
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.meetings.models import Meeting
from boardkeeper.recommendations import plans
from boardkeeper.recommendations.models import Evidence, Recommendation, RecommendationAction

FORM = {
    "body": "hmicfrs",
    "title": "HMICFRS national child protection inspection: Warwickshire Police",
    "board": "",
    "inspected_on": "07/02/2022",
    "published_on": "",
    "judgement": "",
    "summary": "",
    "mentioned_as": "",
}


def record(cast: Cast, **kw: Any) -> Inspection:
    values: dict[str, Any] = {
        "body": "hmicfrs",
        "title": "HMICFRS national child protection inspection: Warwickshire Police",
        "inspected_on": dt.date(2022, 2, 7),
        **kw,
    }
    return services.inspection_create(partnership=cast.partnership, user=cast.manager, **values)


def url(name: str, i: Inspection) -> str:
    return reverse(name, args=[i.partnership.slug, i.pk])


def xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def a_plan(cast: Cast, meeting: Meeting) -> tuple[Inspection, dict[str, Any]]:
    """An Ofsted inspection with three recommendations, made with the ORM: '2' implemented; '1' in progress
    with an overdue action (with evidence) and a done one; '10' without actions but with evidence."""
    inspection = record(
        cast,
        body="ofsted",
        title="Ofsted ILACS inspection",
        inspected_on=dt.date(2021, 11, 15),
        published_on=dt.date(2022, 2, 1),
        judgement="Good",
        board=cast.board,
    )
    police, _ = Organisation.objects.get_or_create(partnership=cast.partnership, name="Warwickshire Police")
    pete = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")

    def rec(number: str, text: str, status: str = "open") -> Recommendation:
        return Recommendation.objects.create(
            partnership=cast.partnership,
            inspection=inspection,
            number=number,
            text=text,
            made_on=dt.date(2022, 2, 1),
            status=status,
        )

    two = rec("2", "Strengthen management oversight of section 47 enquiries.", "implemented")
    one = rec(
        "1",
        "Improve the timeliness of strategy meetings for children at risk of exploitation.",
        "in_progress",
    )
    ten = rec("10", "Review the quality of return home interviews.")
    one.agencies.add(police)
    late = action_create(
        meeting=meeting,
        user=cast.manager,
        text="Audit 20 strategy meetings held out of hours",
        people=[pete],
        due_date=dt.date(2022, 3, 31),
    )
    done = action_create(
        meeting=meeting,
        user=cast.manager,
        text="Agree the strategy meeting protocol",
        due_date=dt.date(2022, 3, 1),
    )
    Action.objects.filter(pk=done.pk).update(status=Action.Status.DONE)
    later = action_create(
        meeting=meeting, user=cast.manager, text="Train supervisors", due_date=dt.date(2099, 1, 1)
    )
    RecommendationAction.objects.create(recommendation=one, action=late)
    RecommendationAction.objects.create(recommendation=one, action=done)
    RecommendationAction.objects.create(recommendation=two, action=later)
    Evidence.objects.create(
        recommendation=one, action=done, note="Protocol signed off", file_name="protocol.pdf"
    )
    Evidence.objects.create(recommendation=ten, note="Commissioned an audit", file_name="")
    return inspection, {"one": one, "two": two, "ten": ten, "late": late, "done": done, "later": later}


# Recording ---------------------------------------------------------------------------------------------


def test_recording_and_changing_an_inspection_is_audited_and_a_stale_edit_refused(
    cast: Cast, manager: Client
) -> None:
    response = manager.post(reverse("inspection_new", args=[cast.partnership.slug]), FORM)
    assert response.status_code == 302
    i = Inspection.objects.get()
    assert (i.body, i.inspected_on, i.version, i.partnership) == (
        "hmicfrs",
        dt.date(2022, 2, 7),
        1,
        cast.partnership,
    )
    events = AuditEvent.objects.filter(model="inspections.inspection", object_id=str(i.pk))
    assert events.filter(action="create", username="amrita").exists()

    services.inspection_edit(inspection=i, user=cast.manager, version=1, judgement="Requires improvement")
    with pytest.raises(StaleEdit):
        services.inspection_edit(inspection=i, user=cast.manager, version=1, judgement="Good")
    typed = {**FORM, "version": "1", "judgement": "Adequate", "published_on": "04/04/2022"}  # a stale page
    response = manager.post(url("inspection_edit", i), typed)
    assert response.status_code == 409
    page = text_of(response)
    assert "changed by someone else" in page and "your change has not been saved" in page
    assert 'value="Adequate"' in response.content.decode()  # what they typed is still in the form
    i.refresh_from_db()
    assert (i.judgement, i.version) == ("Requires improvement", 2)
    response = manager.post(url("inspection_edit", i), {**typed, "version": "2"})
    assert response.status_code == 302
    i.refresh_from_db()
    assert (i.judgement, i.published_on, i.version) == ("Adequate", dt.date(2022, 4, 4), 3)
    change = events.filter(action="update").order_by("pk").last()
    assert change is not None and change.changes["judgement"] == ["Requires improvement", "Adequate"]


def test_bad_input_gets_a_plain_message_and_saves_nothing(cast: Cast, manager: Client) -> None:
    new = reverse("inspection_new", args=[cast.partnership.slug])
    response = manager.post(new, {**FORM, "published_on": "01/01/2022"})  # before the inspection
    assert response.status_code == 200
    assert "The date published cannot come before the date of the inspection." in text_of(response)
    response = manager.post(new, {**FORM, "inspected_on": "31/02/2022", "title": "", "body": "nonsense"})
    page = text_of(response)
    assert "Enter a real date of the inspection" in page and "Enter the title." in page
    assert "Choose the inspectorate or kind of report from the list." in page
    assert response.status_code == 200 and not Inspection.objects.exists()
    with pytest.raises(services.InspectionRefused):
        record(cast, published_on=dt.date(2022, 1, 1))
    with pytest.raises(services.InspectionRefused):
        record(cast, board=cast.other_board)


def test_members_and_viewers_read_but_only_the_business_team_changes(cast: Cast) -> None:
    i = record(cast)
    for who in (cast.member, cast.viewer):
        client = signed_in(who)
        assert client.get(reverse("inspections", args=[cast.partnership.slug])).status_code == 200
        page = text_of(client.get(url("inspection", i)))
        assert i.title in page and "Change the details" not in page
        assert client.get(url("inspection_plan_docx", i)).status_code == 200
        assert client.get(reverse("inspection_new", args=[cast.partnership.slug])).status_code == 403
        assert client.get(url("inspection_edit", i)).status_code == 403
        assert (
            client.post(url("inspection_edit", i), {**FORM, "version": "1", "title": "X"}).status_code == 403
        )
        assert client.post(url("inspection_delete", i), {"version": "1"}).status_code == 403
    i.refresh_from_db()
    assert (i.title, i.version) == (FORM["title"], 1)
    outsider = signed_in(cast.outsider)
    assert outsider.get(url("inspection", i)).status_code == 404
    assert outsider.get(url("inspection_plan_xlsx", i)).status_code == 404
    elsewhere = services.inspection_create(
        partnership=cast.other_partnership,
        user=cast.outsider,
        body="cqc",
        title="CQC local system review",
        inspected_on=dt.date(2022, 1, 1),
    )
    manager = signed_in(cast.manager)
    assert manager.get(reverse("inspection", args=[cast.partnership.slug, elsewhere.pk])).status_code == 404
    assert (
        manager.get(reverse("inspection_edit", args=[cast.partnership.slug, elsewhere.pk])).status_code == 404
    )
    register = text_of(manager.get(reverse("inspections", args=[cast.partnership.slug])))
    assert i.title in register and "CQC local system review" not in register


def test_removing_an_inspection_is_confirmed_audited_and_refused_with_a_plan(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    mistake = record(cast, title="Recorded twice")
    page = text_of(manager.get(url("inspection_delete", mistake)))
    assert "Remove Recorded twice?" in page
    response = manager.post(url("inspection_delete", mistake), {"version": "9"})  # a stale page
    assert response.status_code == 409 and Inspection.objects.filter(pk=mistake.pk).exists()
    assert "so it has not been removed" in text_of(response)
    response = manager.post(url("inspection_delete", mistake), {"version": "1"})
    assert response.status_code == 302 and not Inspection.objects.filter(pk=mistake.pk).exists()
    assert AuditEvent.objects.filter(
        model="inspections.inspection", object_id=str(mistake.pk), action="delete"
    ).exists()
    with_plan, _ = a_plan(cast, held)
    response = manager.post(url("inspection_delete", with_plan), {"version": "1"})
    assert response.status_code == 409
    assert "remove its recommendations first" in text_of(response)
    assert Recommendation.objects.filter(inspection=with_plan).count() == 3


# The minutes that mention it ---------------------------------------------------------------------------


def test_the_minutes_items_that_mention_it_are_found_and_linked(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    police = record(cast)  # no words given: HMICFRS and HMIC
    assert services.search_words(police) == ["HMICFRS", "HMIC"]
    items = services.items_mentioning(police)
    assert [(i.number, i.title) for i in items] == [("6", "Police Inspection - HMIC")]
    page = text_of(manager.get(url("inspection", police)))
    assert "Executive Board, 23 February 2022: item 6. Police Inspection - HMIC" in page
    assert (
        f'href="{reverse("meeting", args=[held.pk])}#item-{items[0].pk}"'
        in manager.get(url("inspection", police)).content.decode()
    )

    ofsted = record(cast, body="ofsted", title="Ofsted ILACS inspection", inspected_on=dt.date(2021, 11, 15))
    assert {i.number for i in services.items_mentioning(ofsted)} == {"2", "11"}
    inquiry = record(
        cast,
        body="inquiry",
        title="Independent Inquiry into Child Sexual Abuse",
        inspected_on=dt.date(2022, 2, 1),
    )
    assert [i.number for i in services.items_mentioning(inquiry)] == ["11"]
    # whole words only: 'HMI' is not 'HMIC'; and minutes more than a year before the inspection are not searched
    assert services.items_mentioning(record(cast, mentioned_as="HMI")) == []
    assert services.items_mentioning(record(cast, inspected_on=dt.date(2023, 6, 1))) == []

    meeting = manager.get(reverse("meeting", args=[held.pk])).content.decode()
    assert f'href="{url("inspection", police)}">Inspection: {police.title}</a>' in meeting
    assert f'href="{url("inspection", inquiry)}">Inspection: {inquiry.title}</a>' in meeting
    assert meeting.count(f'href="{url("inspection", ofsted)}"') == 2  # items 2 and 11


# The plan and its files --------------------------------------------------------------------------------


def test_the_plan_page_shows_progress_and_overdue_actions_first(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    inspection, made = a_plan(cast, held)
    plan = plans.plan_of(inspection, dt.date(2022, 5, 10))
    assert [r.recommendation.number for r in plan.recommendations] == ["1", "2", "10"]
    assert plan.summary == "1 of 3 recommendations implemented; 1 action overdue"
    first = plan.recommendations[0]
    assert [a.action.pk for a in first.actions] == [made["done"].pk, made["late"].pk]
    assert first.progress == "1 of 2 actions done; 1 overdue" and first.agencies == ["Warwickshire Police"]
    assert [a.flag.colour for a in first.actions] == ["green", "red"]
    assert [e.note for e in first.actions[0].evidence] == ["Protocol signed off"]
    assert [e.note for e in plan.recommendations[2].evidence] == ["Commissioned an audit"]
    assert [a.action.pk for _, a in plan.overdue] == [made["late"].pk]

    response = manager.get(url("inspection", inspection))
    page = text_of(response)
    assert "1 of 3 recommendations implemented; 1 action overdue." in page
    overdue = page[page.index("Overdue actions (1)") :]
    assert overdue.startswith(
        "Overdue actions (1) Audit 20 strategy meetings held out of hours: due 31 Mar 2022, Pete Hill"
    )
    assert (
        page.index("Recommendation 1 ") < page.index("Recommendation 2 ") < page.index("Recommendation 10 ")
    )
    assert f'href="{reverse("action", args=[made["late"].pk])}"' in response.content.decode()
    assert "Protocol signed off (protocol.pdf)" in page
    register = text_of(manager.get(reverse("inspections", args=[cast.partnership.slug])))
    assert "1 of 3 recommendations implemented; 1 action overdue" in register
    # the action is updated in the action log, and the plan follows
    Action.objects.filter(pk=made["late"].pk).update(status=Action.Status.DONE)
    assert "1 of 3 recommendations implemented." in text_of(manager.get(url("inspection", inspection)))


def test_the_plan_as_a_word_document_for_the_inspectorate(cast: Cast, held: Meeting, manager: Client) -> None:
    from docx import Document

    inspection, _ = a_plan(cast, held)
    response = manager.get(url("inspection_plan_docx", inspection))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Cache-Control"] == "private, no-store"
    assert "warwickshire-improvement-plan-ofsted-ilacs-inspection-" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "Improvement plan: Ofsted ILACS inspection"
    assert "Ofsted: Ofsted ILACS inspection" in paragraphs and "Judgement: Good" in paragraphs
    assert (
        "Report published: 1 February 2022" in paragraphs and "Plan owned by: Executive Board" in paragraphs
    )
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Recommendation", "Actions", "Owner", "Due", "RAG/Status", "Evidence"]
    # recommendation 1: its cell spans its two actions
    assert rows[1][0] == rows[2][0] and rows[1][0].startswith(
        "1. Improve the timeliness of strategy meetings"
    )
    assert "Status: In progress" in rows[1][0] and "Agencies: Warwickshire Police" in rows[1][0]
    assert rows[1][1:4] == ["Agree the strategy meeting protocol", "", "1 March 2022"]
    assert rows[1][4].startswith("Green – Done") and rows[1][5] == "Protocol signed off (file: protocol.pdf)"
    assert rows[2][1:4] == ["Audit 20 strategy meetings held out of hours", "Pete Hill", "31 March 2022"]
    assert rows[2][4] == "Red – Overdue\nStatus: Open"
    assert rows[3][0].startswith("2. Strengthen management oversight") and rows[3][1] == "Train supervisors"
    assert rows[4][0].startswith("10. Review the quality") and rows[4][1] == "No actions yet"
    assert rows[4][5] == "Commissioned an audit" and len(rows) == 5
    assert AuditEvent.objects.filter(
        action="export", detail=response["Content-Disposition"].split('"')[1]
    ).exists()


def test_the_plan_as_a_spreadsheet(cast: Cast, held: Meeting, manager: Client) -> None:
    inspection, _ = a_plan(cast, held)
    response = manager.get(url("inspection_plan_xlsx", inspection))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response.content)
    header = rows[0]
    assert header[:5] == [
        "Recommendation",
        "Recommendation text",
        "Recommendation status",
        "Agencies",
        "Action",
    ]
    table = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert [(r["Recommendation"], r["Action"]) for r in table] == [
        ("1", "Agree the strategy meeting protocol"),
        ("1", "Audit 20 strategy meetings held out of hours"),
        ("2", "Train supervisors"),
        ("10", "No actions yet"),  # a recommendation without actions is still listed
    ]
    late = table[1]
    assert (late["RAG"], late["Why"], late["Action status"], late["Owners"]) == (
        "Red",
        "Overdue",
        "Open",
        "Pete Hill",
    )
    assert late["Due"].date() == dt.date(2022, 3, 31) and late["Agencies"] == "Warwickshire Police"
    assert table[0]["Evidence"] == "Protocol signed off (file: protocol.pdf)"
    assert (
        table[3]["Evidence"] == "Commissioned an audit" and table[3]["Recommendation status"] == "Not started"
    )
    empty = record(cast, title="Peer review of the partnership", body="peer")
    assert xlsx_rows(manager.get(url("inspection_plan_xlsx", empty)).content) == [header]
