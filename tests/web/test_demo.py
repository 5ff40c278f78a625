"""`boardkeeper demo` signs the member in as Pete Hill of the sample minutes, so 'My actions' shows his."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import lxml.html
import pytest
from cast import text_of
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import boardkeeper
from boardkeeper.accounts.models import Invitation
from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.directory.models import Person
from boardkeeper.meetings.management.commands.demo import DEMO_PASSWORD, SAMPLE
from boardkeeper.reminders.services import reminders_due

PETES = "PH to share examples of incidents"


def demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def member(transactional_db: None) -> Client:
    """A browser of the demo's member, not yet signed in."""
    return Client()


def test_after_the_demo_the_member_is_pete_hill_and_my_actions_lists_his_action(member: Client) -> None:
    out = demo()
    assert "The member signs in as Pete Hill" in out
    assert Person.objects.get(full_name="Pete Hill").user == User.objects.get(username="member")
    assert member.login(username="member", password=DEMO_PASSWORD)

    page = member.get(reverse("my_actions"))
    assert page.status_code == 200
    html = lxml.html.fromstring(page.content)
    assert "The actions owned by Pete Hill" in text_of(page)
    assert [a.text_content() for a in html.xpath("//main//table//a[@data-field='text']")] == [PETES]
    assert "Still open (1)" in text_of(page)

    calendar = member.get(reverse("my_calendar"))
    assert calendar.status_code == 200
    assert "Meetings of: Executive Board." in text_of(calendar)  # Pete Hill attended the sample meeting


def test_the_demo_run_again_changes_nothing(member: Client) -> None:
    demo()
    before = (
        list(Person.objects.order_by("pk").values_list("pk", "user_id")),
        User.objects.count(),
        Action.objects.count(),
        # the member's action given a due date this week, once (the registers' plan actions' updates move
        # no due date)
        ActionUpdate.objects.filter(due_changed=True).count(),
        Invitation.objects.count(),
    )
    out = demo()
    assert "Sample minutes already there" in out
    assert "The member signs in as Pete Hill" in out
    after = (
        list(Person.objects.order_by("pk").values_list("pk", "user_id")),
        User.objects.count(),
        Action.objects.count(),
        ActionUpdate.objects.filter(due_changed=True).count(),
        Invitation.objects.count(),
    )
    assert after == before
    assert ActionUpdate.objects.count() == 7  # and the six of the registers' plan actions, made once
    assert before[3:] == (1, 1)  # a reminder due this week, and an invitation waiting


def test_the_demo_has_reminders_due_today(member: Client) -> None:
    demo()
    due = reminders_due(today=timezone.localdate())
    assert sorted(r.recipient for r in due) == ["manager@example.org", "member@example.org"]


def test_pete_hill_linked_to_someone_else_is_left_to_them(member: Client) -> None:
    demo()
    pete = Person.objects.get(full_name="Pete Hill")
    real = User.objects.create_user("pete.hill")
    pete.user = real
    pete.save(update_fields=["user"])
    out = demo()
    assert "The member signs in as" not in out
    pete.refresh_from_db()
    assert pete.user == real
    assert not Person.objects.filter(user__username="member").exists()
    assert member.login(username="member", password=DEMO_PASSWORD)
    assert "not linked to a person in the directory" in text_of(member.get(reverse("my_actions")))


def test_the_demo_reads_its_sample_minutes_from_inside_the_package() -> None:
    """An installed Boardkeeper has no tests/ folder: the sample ships in the package (package data)."""
    package = Path(boardkeeper.__file__).resolve().parent
    assert Path(str(SAMPLE)).resolve().is_relative_to(package)
    assert SAMPLE.is_file()
