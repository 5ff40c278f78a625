"""Reminders by e-mail (issue 13): who gets what, once a day, as each person chose, with no case details."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from cast import Cast, signed_in
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from smtp import Recorder

from boardkeeper.actions.models import Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.next_meeting import schedule_next_meeting
from boardkeeper.reminders.models import ReminderPreference, ReminderSent
from boardkeeper.reminders.services import reminders_due, reminders_send
from boardkeeper.reminders.tasks import reminders_send_today
from boardkeeper.reviews import services as reviews
from boardkeeper.reviews.models import Review

FRIDAY = dt.date(2022, 3, 4)
MONDAY = dt.date(2022, 3, 7)


class World:
    def __init__(self, cast: Cast, held: Meeting) -> None:
        self.cast = cast
        Action.objects.update(due_date=None, due_meeting=None)
        self.actions = list(Action.objects.filter(meeting=held).order_by("pk")[:3])
        self.person = Person.objects.filter(partnership=cast.partnership).order_by("pk").first()
        assert self.person is not None
        self.person.user = cast.member
        self.person.save()
        for action, due in zip(self.actions, ["2022-03-03", "2022-03-10", "2022-03-20"], strict=True):
            action.due_date = dt.date.fromisoformat(due)
            action.status = Action.Status.OPEN
            action.save()
            action.owner_people.set([self.person])
        for user, email in [
            (cast.member, "pete@example.org"),
            (cast.manager, "amrita@example.org"),
            (cast.outsider, "olga@example.org"),
        ]:
            user.email = email
            user.save()
        # due in 2 working days on the Friday (aware Tuesday 1 March: notification due Tuesday 8 March)
        self.due = reviews.notification_record(
            partnership=cast.partnership, user=cast.manager, pseudonym="Child Q", aware_on=dt.date(2022, 3, 1)
        )
        # notified late with no reason given, and its rapid review overdue
        self.late = reviews.notification_record(
            partnership=cast.partnership,
            user=cast.manager,
            pseudonym="Child R",
            aware_on=dt.date(2022, 2, 1),
            notified_on=dt.date(2022, 2, 20),
        )
        self.march = schedule_next_meeting(board=cast.board, date=dt.date(2022, 3, 11))


@pytest.fixture
def world(cast: Cast, held: Meeting) -> World:
    return World(cast, held)


def keys(reminders: list[Any], email: str) -> list[str]:
    found = [r for r in reminders if r.recipient == email]
    return [i.key for r in found for i in r.items]


def bodies(received: Any) -> dict[str, str]:
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    return {p.get_content_type(): p.get_content().replace("\r\n", "\n") for p in message.iter_parts()}


def test_each_owner_and_the_business_team_get_what_is_theirs(world: World) -> None:
    due = reminders_due(today=FRIDAY)
    a, b, _c = world.actions
    assert keys(due, "pete@example.org") == [f"action:{a.pk}", f"action:{b.pk}"]  # overdue, within 7 days
    assert keys(due, "amrita@example.org") == [
        f"clock:{world.due.pk}:notification",
        f"overrun:{world.late.pk}:notification",
        f"clock:{world.late.pk}:rapid_review",
        f"agenda:{world.march.pk}",
    ]
    assert keys(due, "olga@example.org") == []  # another partnership's business team: nothing of this one
    assert {r.recipient for r in due} == {"pete@example.org", "amrita@example.org"}  # victor has no address
    [pete] = [r for r in due if r.recipient == "pete@example.org"]
    assert [i.due for i in pete.items] == [dt.date(2022, 3, 3), dt.date(2022, 3, 10)]
    assert "overdue since 3 March 2022" in pete.items[0].text
    assert pete.items[0].link.endswith(reverse("action", args=[a.pk]))


def test_an_inactive_account_or_one_with_no_role_is_not_reminded(world: World) -> None:
    world.cast.member.is_active = False
    world.cast.member.save()
    assert keys(reminders_due(today=FRIDAY), "pete@example.org") == []


def test_an_exported_agenda_counts_as_circulated(world: World, manager: Any) -> None:
    assert manager.get(reverse("agenda_export", args=[world.march.pk])).status_code == 200
    assert f"agenda:{world.march.pk}" not in keys(reminders_due(today=FRIDAY), "amrita@example.org")


def test_a_reason_for_the_overrun_ends_its_reminder(world: World) -> None:
    reviews.overrun_reason_add(review=world.late, user=world.cast.manager, clock="notification", reason="x")
    assert f"overrun:{world.late.pk}:notification" not in keys(
        reminders_due(today=FRIDAY), "amrita@example.org"
    )


def test_the_mail_goes_through_smtp_with_both_parts_and_no_case_detail(
    world: World, smtp_server: Recorder
) -> None:
    Review.objects.filter(pk=world.due.pk).update(
        terms_of_reference="SECRET-TERMS", decision_rationale="SECRET"
    )
    sent = reminders_send(today=FRIDAY)
    assert len(sent) == 2 and len(smtp_server.messages) == 2
    by_address = {m.rcpt_tos[0]: m for m in smtp_server.messages}
    pete = bodies(by_address["pete@example.org"])
    assert set(pete) == {"text/plain", "text/html"}
    for text in pete.values():
        assert "Your actions" in text and "overdue since 3 March 2022" in text
        assert f"/actions/{world.actions[0].pk}/" in text
        for action in world.actions:  # the action's words (which may name a case) stay in the service
            assert action.text not in text
        assert "/accounts/reminders/" in text
    amrita = bodies(by_address["amrita@example.org"])
    for text in amrita.values():
        assert "Child Q" in text and "Child R" in text
        assert f"/reviews/{world.due.pk}/" in text and f"/meetings/{world.march.pk}/agenda/" in text
        assert "SECRET" not in text
        assert "met late, on 20 February 2022 (due 8 February 2022); no reason given for the overrun" in text
    assert (
        by_address["amrita@example.org"].message["Subject"] == "Boardkeeper: 4 things to see to, 4 March 2022"
    )


def test_twice_on_the_same_day_sends_once_and_a_new_day_sends_again(
    world: World, smtp_server: Recorder
) -> None:
    assert len(reminders_send(today=FRIDAY)) == 2
    assert ReminderSent.objects.filter(day=FRIDAY).count() == 6
    assert reminders_send(today=FRIDAY) == []
    assert reminders_due(today=FRIDAY) == []
    assert len(smtp_server.messages) == 2
    # something new the same day: only it is sent
    world.actions[2].due_date = dt.date(2022, 3, 5)
    world.actions[2].save()
    [again] = reminders_send(today=FRIDAY)
    assert [i.key for i in again.items] == [f"action:{world.actions[2].pk}"]
    assert len(reminders_send(today=dt.date(2022, 3, 5))) == 2
    assert len(smtp_server.messages) == 5


def test_preferences_none_and_weekly_are_honoured(world: World, smtp_server: Recorder) -> None:
    ReminderPreference.objects.create(user=world.cast.member, frequency="weekly")
    ReminderPreference.objects.create(user=world.cast.manager, frequency="none")
    assert reminders_send(today=FRIDAY) == []
    [monday] = reminders_send(today=MONDAY)
    assert monday.recipient == "pete@example.org"
    assert [i.key for i in monday.items] == [f"action:{a.pk}" for a in world.actions[:2]]
    assert monday.subject.startswith("Boardkeeper: your week from 7 March 2022")
    assert len(smtp_server.messages) == 1


def test_a_dry_run_sends_and_records_nothing(world: World, smtp_server: Recorder) -> None:
    out = io.StringIO()
    call_command("remind", "--dry-run", "--date", "2022-03-04", stdout=out)
    assert out.getvalue().strip() == "Would send 2 e-mails (6 items) for 4 March 2022."
    assert smtp_server.messages == [] and not ReminderSent.objects.exists()


def test_json_says_what_was_sent(world: World, smtp_server: Recorder) -> None:
    out = io.StringIO()
    call_command("remind", "--json", "--date", "2022-03-04", stdout=out)
    sent = json.loads(out.getvalue())
    assert {s["recipient"] for s in sent} == {"amrita@example.org", "pete@example.org"}
    pete = next(s for s in sent if s["recipient"] == "pete@example.org")
    assert pete["subject"] == "Boardkeeper: 2 things to see to, 4 March 2022"
    assert pete["items"][0] == {
        "kind": "action",
        "text": pete["items"][0]["text"],
        "due": "2022-03-03",
        "link": "http://127.0.0.1:8000" + reverse("action", args=[world.actions[0].pk]),
    }
    assert len(smtp_server.messages) == 2
    out = io.StringIO()
    call_command("remind", "--json", "--date", "2022-03-04", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_a_bad_date_is_refused(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must be a date"):
        call_command("remind", "--date", "4/3/2022")


def test_the_task_sends_today(world: World, smtp_server: Recorder) -> None:
    assert reminders_send_today.call() == 2  # today, years after: the actions and clocks are overdue
    assert reminders_send_today.call() == 0
    assert {r.day for r in ReminderSent.objects.all()} == {timezone.localdate()}


def test_the_queries_do_not_grow_with_the_actions(world: World) -> None:
    with CaptureQueriesContext(connection) as few:
        reminders_due(today=FRIDAY)
    for action in Action.objects.exclude(pk__in=[a.pk for a in world.actions]):
        action.due_date = dt.date(2022, 3, 2)
        action.save()
        action.owner_people.add(world.person)
    reviews.notification_record(
        partnership=world.cast.partnership, user=world.cast.manager, pseudonym="Child S", aware_on=FRIDAY
    )
    with CaptureQueriesContext(connection) as many:
        due = reminders_due(today=FRIDAY)
    assert len(keys(due, "pete@example.org")) > 2
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_preferences_page_is_ones_own(world: World) -> None:
    member = signed_in(world.cast.member)
    page = member.get(reverse("reminder_preferences"))
    assert page.status_code == 200
    assert b'value="daily" checked' in page.content and b"pete@example.org" in page.content
    response = member.post(
        reverse("reminder_preferences"), {"frequency": "weekly", "user": world.cast.viewer.pk}
    )
    assert response.status_code == 302
    assert ReminderPreference.objects.get().user == world.cast.member
    assert AuditEvent.objects.filter(model="reminders.reminderpreference").exists()  # the change is audited
    viewer = signed_in(world.cast.viewer)
    page = viewer.get(reverse("reminder_preferences"))
    assert b'value="daily" checked' in page.content and b"pete@example.org" not in page.content
    assert b"has no e-mail address" in page.content
    assert viewer.post(reverse("reminder_preferences"), {"frequency": "never"}).status_code == 200  # refused
    assert not ReminderPreference.objects.filter(user=world.cast.viewer).exists()
    assert member.get(reverse("reminder_preferences")).content.count(b'value="weekly" checked') == 1
