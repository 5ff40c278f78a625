"""`boardkeeper demo`: a demo partnership with the sample minutes imported, and sign-ins to try it."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.utils import timezone

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.audit.recorder import acting_as
from boardkeeper.directory.models import Board, Partnership, Person
from boardkeeper.imports import services

# Part of the package (boardkeeper/meetings/sample/), so an installed Boardkeeper has it too
SAMPLE = files("boardkeeper.meetings") / "sample" / "warwickshire-executive-board-2022-02-23.docx"
DEMO_PASSWORD = "demo-boardkeeper-2026"  # the demo only; printed for whoever runs it on 127.0.0.1
MEMBER_AS = "Pete Hill"  # the member signs in as this person of the sample minutes, who owns an action


class Command(BaseCommand):
    help = "Set up the demo: a partnership, its Executive Board, the sample minutes and two sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        partnership, _ = Partnership.objects.get_or_create(
            slug="warwickshire-demo", defaults={"name": "Warwickshire Safeguarding (demo)"}
        )
        board, _ = Board.objects.get_or_create(
            partnership=partnership, slug="executive-board", defaults={"name": "Executive Board"}
        )
        users = get_user_model().objects
        manager = users.filter(username="manager").first() or users.create_user(
            "manager", password=DEMO_PASSWORD, first_name="Business", last_name="Manager"
        )
        member = users.filter(username="member").first() or users.create_user(
            "member", password=DEMO_PASSWORD, first_name="Board", last_name="Member"
        )
        PartnershipRole.objects.get_or_create(
            user=manager, partnership=partnership, defaults={"role": PartnershipRole.Role.BUSINESS_TEAM}
        )
        PartnershipRole.objects.get_or_create(
            user=member, partnership=partnership, defaults={"role": PartnershipRole.Role.MEMBER}
        )
        result = services.import_file(board=board, user=manager, name=SAMPLE.name, data=SAMPLE.read_bytes())
        state = "already there" if result.already_imported else "imported"
        self.stdout.write(
            f"Sample minutes {state}: {result.meeting} ({result.meeting.actions.count()} actions)."
        )
        person = self.link(member, partnership)
        with acting_as(manager):  # the audit trail names who made the demo's reviews and its invitation
            self.reviews(partnership, manager, person)
            self.invitation(partnership, manager)
        if person is not None:
            self.due_soon(person, manager)
        for user, address in ((manager, "manager@example.org"), (member, "member@example.org")):
            if not user.email:  # reminders go by e-mail (printed on the console in the demo)
                user.email = address
                user.save(update_fields=["email"])
        self.stdout.write("")
        self.stdout.write("Sign in at http://127.0.0.1:8000/ as")
        self.stdout.write(f"  manager / {DEMO_PASSWORD}   (business team: can import)")
        self.stdout.write(f"  member  / {DEMO_PASSWORD}   (board member: can view)")
        self.stdout.write(
            "At first sign-in each sets up an authenticator app (the page shows a QR code and its key); "
            "without one, .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('KEY').now())\" gives the code."
        )
        if person is not None:
            self.stdout.write(
                f"The member signs in as {person.full_name}: 'My actions' and 'My calendar' show "
                f"{person.full_name}'s actions and meetings."
            )

    def reviews(self, partnership: Partnership, manager: User, member: Person | None) -> None:
        """Three case reviews with invented pseudonyms, so the register and its clocks have something to show:
        a notification this week, an LCSPR from the minutes' 'Family M' (the member is named on it), an SAR."""
        from boardkeeper.lib.workdays import WorkingDays
        from boardkeeper.reviews import services as reviews
        from boardkeeper.reviews.models import Review, Theme

        if Review.objects.filter(partnership=partnership).exists():
            return
        today = timezone.localdate()
        days = WorkingDays()
        themes = {
            name: Theme.objects.get_or_create(partnership=partnership, name=name)[0]
            for name in ["Neglect", "Information sharing", "Domestic abuse", "Parental mental health"]
        }
        reviews.notification_record(
            partnership=partnership, user=manager, pseudonym="Child Q", aware_on=days.back(today, 3)
        )
        family_m = reviews.review_create(
            partnership=partnership, user=manager, pseudonym="Family M", kind="lcspr", on=today
        )
        Review.objects.filter(pk=family_m.pk).update(
            decided_on=today - dt.timedelta(days=120),
            criterion_a=True,
            criterion_c=True,
            decision_rationale="Agencies held information about the home that was not shared.",
            reviewer="Independent reviewer (demo)",
        )
        reviews.themes_set(review=family_m, themes=[themes["Neglect"], themes["Information sharing"]])
        if member is not None:
            reviews.named_people_set(review=family_m, people=[member])
        mr_f = reviews.review_create(
            partnership=partnership,
            user=manager,
            pseudonym="Mr F",
            kind="sar_mandatory",
            on=today,
            referral_source="Adult social care",
        )
        reviews.themes_set(review=mr_f, themes=[themes["Domestic abuse"], themes["Information sharing"]])
        self.stdout.write("Case reviews: Child Q (notification this week), Family M (LCSPR), Mr F (SAR).")

    def due_soon(self, person: Person, manager: User) -> None:
        """The member's first action given a due date this week, so that today's reminders have one."""
        from boardkeeper.actions.models import Action
        from boardkeeper.actions.services import action_update

        action = Action.objects.filter(owner_people=person, due_date__isnull=True).order_by("pk").first()
        if action is None:
            return
        action_update(
            action=action,
            user=manager,
            version=action.version,
            status=action.status,
            note="Due this week (demo).",
            change_due=True,
            due_date=timezone.localdate() + dt.timedelta(days=5),
        )

    def invitation(self, partnership: Partnership, manager: User) -> None:
        """An invitation waiting on 'Who has access' (its link is not shown: it went by e-mail)."""
        from boardkeeper.accounts.invitations import invitation_create
        from boardkeeper.accounts.models import Invitation

        if Invitation.objects.filter(partnership=partnership).exists():
            return
        jo = Person.objects.filter(partnership=partnership, full_name="Jo Galloway").first()
        invitation, _ = invitation_create(
            partnership=partnership, email="jo.galloway@example.org", role="member", person=jo, by=manager
        )
        self.stdout.write(
            f"An invitation waits on 'Who has access': {invitation.email} ({invitation.get_role_display()})."
        )

    def link(self, member: User, partnership: Partnership) -> Person | None:
        """The member's account linked to MEMBER_AS in the directory, so that 'My actions' and 'My
        calendar' show something; left as it is if either is already linked to someone else."""
        person = Person.objects.filter(partnership=partnership, full_name=MEMBER_AS).first()
        if person is None:
            return None
        if person.user_id == member.pk:
            return person
        if person.user_id is not None or Person.objects.filter(user=member).exists():
            return None
        person.user = member
        person.save(update_fields=["user"])
        return person
