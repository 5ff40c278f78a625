"""Issue 14, the escalations register: stages with working-day targets, overdue counts, version-checked
edits, the audit trail, need-to-know access, the minutes items found by pseudonym, and the .xlsx export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cast import Cast, signed_in, text_of
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person
from boardkeeper.escalations import services
from boardkeeper.escalations.models import Escalation, EscalationRules, EscalationStage
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.meetings.models import Meeting

TODAY = dt.date(2022, 5, 10)


def raise_one(cast: Cast, *, opened_on: dt.date = dt.date(2022, 4, 14), **kw: Any) -> Escalation:
    values: dict[str, Any] = {
        "raised_by_org": "Warwickshire Police",
        "about_agency": "Mental health trust",
        "concern": "Section 136 assessments taking up to 18 hours.",
        "pseudonym": "Family M",
        **kw,
    }
    return services.escalation_create(
        partnership=cast.partnership, user=cast.manager, opened_on=opened_on, **values
    )


def url(name: str, e: Escalation, *args: Any) -> str:
    return reverse(name, args=[e.partnership.slug, e.pk, *args])


def xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_stages_move_with_working_day_targets_over_bank_holidays(cast: Cast) -> None:
    e = raise_one(cast)  # Thursday 14 April 2022: Good Friday and Easter Monday follow
    assert e.reference == "ESC-2022-001" and e.stage == 1
    first = e.stages.get()
    assert (first.stage, first.started_on, first.target_on, first.ended_on) == (
        1,
        dt.date(2022, 4, 14),
        dt.date(2022, 4, 25),  # 5 working days, not counting 15 and 18 April
        None,
    )
    e = services.stage_move(
        escalation=e, user=cast.manager, version=e.version, stage=3, on=dt.date(2022, 4, 22), note="No reply"
    )
    rows = list(e.stages.order_by("pk"))
    assert rows[0].ended_on == dt.date(2022, 4, 22)
    assert (rows[1].stage, rows[1].target_on, rows[1].ended_on) == (3, dt.date(2022, 5, 9), None)  # 2 May
    assert Escalation.objects.get(pk=e.pk).stage == 3
    assert raise_one(cast, opened_on=dt.date(2022, 6, 1)).reference == "ESC-2022-002"
    assert raise_one(cast, opened_on=dt.date(2023, 1, 5)).reference == "ESC-2023-001"


def test_the_partnerships_own_names_and_targets(cast: Cast) -> None:
    assert not EscalationRules.objects.exists()
    assert services.rules_for(cast.partnership).name(4) == "Partnership / independent scrutineer"
    assert not EscalationRules.objects.exists()  # reading the defaults writes nothing
    EscalationRules.objects.create(partnership=cast.partnership, stage_1_name="Frontline", stage_1_days=2)
    e = raise_one(cast)
    assert e.stages.get().target_on == dt.date(2022, 4, 20)
    page = text_of(signed_in(cast.manager).get(url("escalation", e)))
    assert "Stage 1: Frontline" in page


def test_resolving_ends_the_stage_and_counts_leave_it(cast: Cast) -> None:
    late = raise_one(cast)  # target 25 April: overdue on 10 May
    on_time = raise_one(cast, opened_on=dt.date(2022, 5, 9))
    on_time = services.stage_move(
        escalation=on_time, user=cast.manager, version=on_time.version, stage=2, on=dt.date(2022, 5, 9)
    )
    done = raise_one(cast)
    services.escalation_close(
        escalation=done,
        user=cast.manager,
        version=done.version,
        status="resolved",
        on=dt.date(2022, 5, 3),
        outcome="The trust agreed a named contact for S136.",
        learning="Escalate sooner",
    )
    partnership_escalations = Escalation.objects.filter(partnership=cast.partnership)
    counts = services.register_counts(
        partnership_escalations, services.rules_for(cast.partnership), today=TODAY
    )
    assert [(s, n, over) for s, _, n, over in counts.by_stage] == [(1, 1, 1), (2, 1, 0), (3, 0, 0), (4, 0, 0)]
    assert (counts.open, counts.overdue) == (2, 1)
    done.refresh_from_db()
    assert done.status == "resolved" and done.stages.get().ended_on == dt.date(2022, 5, 3)
    assert list(
        services.overdue_stages(partnership_escalations, TODAY).values_list("escalation", flat=True)
    ) == [late.pk]
    with pytest.raises(services.EscalationRefused):
        services.stage_move(escalation=done, user=cast.manager, version=done.version, stage=2, on=TODAY)


def test_a_stale_edit_is_refused_and_nothing_is_lost(cast: Cast, manager: Client) -> None:
    e = raise_one(cast)
    services.escalation_edit(escalation=e, user=cast.manager, version=1, about_agency="CCG")
    with pytest.raises(StaleEdit):
        services.escalation_edit(escalation=e, user=cast.manager, version=1, about_agency="Trust")
    form = {
        "version": "1",  # the page was drawn before the change above
        "raised_by_org": "Warwickshire Police",
        "about_agency": "Birmingham places of safety",
        "concern": "Places of safety out of county",
        "pseudonym": "Family M",
    }
    response = manager.post(url("escalation_edit", e), form)
    assert response.status_code == 409
    assert "changed by someone else" in text_of(response)
    assert Escalation.objects.get(pk=e.pk).about_agency == "CCG"
    form["version"] = "2"
    response = manager.post(url("escalation_edit", e), form)
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.about_agency, e.version) == ("Birmingham places of safety", 3)
    # the stage form of a stale page is refused too
    response = manager.post(
        url("escalation_stage", e), {"stage-version": "1", "stage-to": "2", "stage-on": "20/04/2022"}
    )
    assert response.status_code == 409 and Escalation.objects.get(pk=e.pk).stage == 1


def test_changes_are_in_the_audit_trail(cast: Cast, manager: Client) -> None:
    response = manager.post(
        reverse("escalation_new", args=[cast.partnership.slug]),
        {
            "raised_by_org": "Warwickshire Police",
            "about_agency": "CCG",
            "concern": "Refused support: taken to Birmingham",
            "pseudonym": "",
            "opened_on": "14/04/2022",
            "stage": "1",
        },
    )
    assert response.status_code == 302
    e = Escalation.objects.get()
    manager.post(
        url("escalation_stage", e), {"stage-version": "1", "stage-to": "2", "stage-on": "20/04/2022"}
    )
    events = AuditEvent.objects.filter(partnership_id=cast.partnership.pk)
    assert events.filter(action="create", model="escalations.escalation", object_id=str(e.pk)).exists()
    change = events.get(action="update", model="escalations.escalation", object_id=str(e.pk))
    assert change.changes["stage"] == [1, 2] and change.username == "amrita"
    assert events.filter(action="create", model="escalations.escalationstage").count() == 2
    manager.get(reverse("escalations_export", args=[cast.partnership.slug]))
    assert events.filter(action="export", detail__startswith="warwickshire-escalations-").exists()


def test_need_to_know(cast: Cast) -> None:
    named = Person.objects.create(partnership=cast.partnership, full_name="Pete Hill", user=cast.member)
    theirs = raise_one(cast, pseudonym="Child Q", named_people=[named])
    other = raise_one(cast, pseudonym="Child Z")
    register = reverse("escalations", args=[cast.partnership.slug])
    manager = signed_in(cast.manager)
    assert manager.get(url("escalation", other)).status_code == 200
    page = text_of(manager.get(register))
    assert "Child Q" in page and "Child Z" in page
    member = signed_in(cast.member)
    assert member.get(url("escalation", theirs)).status_code == 200
    assert member.get(url("escalation", other)).status_code == 404
    page = text_of(member.get(register))
    assert "Child Q" in page and "Child Z" not in page
    assert member.get(url("escalation_edit", theirs))["Location"] == url("escalation", theirs)  # read only
    assert member.post(url("escalation_edit", theirs), {}).status_code == 403
    assert member.post(url("escalation_stage", theirs), {}).status_code == 403
    assert member.get(reverse("escalation_new", args=[cast.partnership.slug])).status_code == 403
    viewer = signed_in(cast.viewer)
    for e in (theirs, other):
        assert viewer.get(url("escalation", e)).status_code == 404
        assert viewer.post(url("escalation_close", e), {}).status_code == 404
    assert "You are not named on any escalation." in text_of(viewer.get(register))
    rows = xlsx_rows(viewer.get(reverse("escalations_export", args=[cast.partnership.slug])).content)
    assert len(rows) == 1  # the header alone
    outsider = signed_in(cast.outsider)
    assert outsider.get(url("escalation", other)).status_code == 404
    assert outsider.get(register).status_code == 404
    # another partnership's escalation is not found at this partnership's address either
    elsewhere = services.escalation_create(
        partnership=cast.other_partnership,
        user=cast.outsider,
        raised_by_org="A",
        about_agency="B",
        concern="C",
        opened_on=TODAY,
    )
    assert manager.get(reverse("escalation", args=[cast.partnership.slug, elsewhere.pk])).status_code == 404


def test_the_minutes_items_are_found_by_pseudonym_and_actions_linked(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    e = raise_one(cast, pseudonym="family m")
    mentions = list(services.items_discussed(e))
    assert mentions and all(m.item.meeting == held for m in mentions)
    assert not services.items_discussed(raise_one(cast, pseudonym=""))
    action = Action.objects.filter(meeting=held, text__icontains="examples").first() or Action.objects.first()
    assert action is not None
    response = manager.post(url("escalation_action", e), {"action-action": str(action.pk)})
    assert response.status_code == 302
    page = text_of(manager.get(url("escalation", e)))
    assert "Executive Board, 23 February 2022" in page
    assert action.text[:30] in page
    link = e.action_links.get()
    manager.post(url("escalation_unlink", e, link.pk))
    assert not e.action_links.exists()


def test_the_register_page_filters_and_the_xlsx(cast: Cast, manager: Client) -> None:
    first = raise_one(cast)
    second = raise_one(cast, opened_on=dt.date(2022, 5, 9), pseudonym="Child Q")
    services.stage_move(escalation=second, user=cast.manager, version=1, stage=2, on=dt.date(2022, 5, 9))
    register = reverse("escalations", args=[cast.partnership.slug])
    page = text_of(manager.get(register))
    assert "ESC-2022-001" in page and "ESC-2022-002" in page and "Overdue" in page
    page = text_of(manager.get(register, {"stage": "2"}))
    assert "ESC-2022-002" in page and "ESC-2022-001" not in page
    services.escalation_close(
        escalation=first,
        user=cast.manager,
        version=1,
        status="withdrawn",
        on=dt.date(2022, 4, 20),
        outcome="Agreed locally",
    )
    assert "ESC-2022-001" not in text_of(manager.get(register))
    assert "ESC-2022-001" in text_of(manager.get(register, {"status": "all"}))
    response = manager.get(reverse("escalations_export", args=[cast.partnership.slug]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    rows = xlsx_rows(response.content)
    header = rows[0]
    assert header[:3] == ["Reference", "Raised by", "Raised by (person)"]
    by_ref = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_ref) == {"ESC-2022-001", "ESC-2022-002"}
    assert by_ref["ESC-2022-001"]["Status"] == "Withdrawn"
    assert by_ref["ESC-2022-001"]["Outcome"] == "Agreed locally"
    assert by_ref["ESC-2022-002"]["Stage"] == "2: Manager"
    assert by_ref["ESC-2022-002"]["Stage target"].date() == dt.date(2022, 5, 16)
    assert by_ref["ESC-2022-002"]["Pseudonym"] == "Child Q"
    assert EscalationStage.objects.filter(escalation=second).count() == 2


def test_an_item_that_does_not_name_the_pseudonym_is_linked_by_hand(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    e = raise_one(cast)
    item = held.items.get(title__icontains="Funding")  # item 7 never names 'Family M'
    assert item.pk not in {m.item_id for m in services.items_discussed(e)}
    form = text_of(manager.get(url("escalation", e)))
    assert "Link an item of the minutes" in form and "Funding" in form
    elsewhere = services.escalation_create(
        partnership=cast.other_partnership,
        user=cast.manager,
        raised_by_org="A",
        about_agency="B",
        concern="C",
        opened_on=TODAY,
    )
    assert manager.post(url("escalation_item", e), {"item-item": "999999"}).status_code == 200  # not a choice
    assert not e.item_links.exists()
    response = manager.post(url("escalation_item", e), {"item-item": str(item.pk)})
    assert response.status_code == 302 and response["Location"].endswith("#minutes")
    page = text_of(manager.get(url("escalation", e)))
    assert f"item {item.number}. {item.title}" in page and "(linked by hand)" in page
    assert AuditEvent.objects.filter(model="escalations.escalationitem", action="create").exists()
    link = e.item_links.get()
    assert manager.post(url("escalation_item_unlink", e, link.pk)).status_code == 302
    assert not e.item_links.exists()
    assert elsewhere.item_links.count() == 0


def test_the_region_whose_bank_holidays_count_is_set_with_the_stage_targets(
    cast: Cast, manager: Client
) -> None:
    data = {
        f"stage_{s}_{what}": v for s in (1, 2, 3, 4) for what, v in (("name", f"Stage {s}"), ("days", "5"))
    }
    response = manager.post(
        reverse("escalation_settings", args=[cast.partnership.slug]), {**data, "region": "WLS"}
    )
    assert response.status_code == 302
    assert EscalationRules.objects.get(partnership=cast.partnership).region == "WLS"


def test_a_pseudonym_that_looks_like_a_real_name_is_held_until_it_is_said_not_to_be(
    cast: Cast, manager: Client
) -> None:
    url = reverse("escalation_new", args=[cast.partnership.slug])
    form = {
        "raised_by_org": "Police",
        "about_agency": "ICB",
        "concern": "Places of safety",
        "opened_on": "01/03/2024",
        "stage": "1",
        "pseudonym": "Jayden Smith-Clarke",
    }
    asked = text_of(manager.post(url, form))
    assert "‘Jayden Smith-Clarke’ looks like a person’s name" in asked and not Escalation.objects.exists()
    assert manager.post(url, {**form, "not_a_name": "on"}).status_code == 302
    assert Escalation.objects.get().pseudonym == "Jayden Smith-Clarke"
    assert manager.post(url, {**form, "pseudonym": "Child Q"}).status_code == 302  # a label: no question
