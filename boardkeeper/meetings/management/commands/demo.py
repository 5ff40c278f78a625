"""`boardkeeper demo`: a demo partnership with the sample minutes imported, and sign-ins to try it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from importlib.resources import files
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.audit.recorder import acting_as
from boardkeeper.directory.models import Board, Organisation, Partnership, Person, Team
from boardkeeper.imports import services
from boardkeeper.meetings.models import Meeting

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
        with acting_as(manager):  # the audit trail names who made the demo's records and its invitation
            self.reviews(partnership, manager, person)
            self.invitation(partnership, manager)
            self.escalation(partnership, manager, result.meeting)
            self.inspection(partnership, board, manager, result.meeting)
            self.review_recommendations(partnership, manager, result.meeting)
            self.funding(partnership)
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

    # The registers (issue 14): one of each, invented but tied to the sample minutes' items ---------------

    def escalation(self, partnership: Partnership, manager: User, meeting: Meeting) -> None:
        """A stage-2 escalation from item 5 of the minutes (mental health places of safety): the police
        about the mental health trust's section 136 waits. Stage 1 ran a day past its target."""
        from boardkeeper.escalations import services as escalations
        from boardkeeper.escalations.models import Escalation
        from boardkeeper.lib.workdays import WorkingDays

        if Escalation.objects.filter(partnership=partnership).exists():
            return
        days = WorkingDays()
        today = timezone.localdate()
        pete = Person.objects.filter(partnership=partnership, full_name="Pete Hill").first()
        with transaction.atomic():
            escalation = escalations.escalation_create(
                partnership=partnership,
                user=manager,
                raised_by_org="Warwickshire Police",
                raised_by=pete,
                about_agency="Coventry and Warwickshire Partnership NHS Trust (mental health)",
                concern=(
                    "Child R, 15, was detained under section 136 of the Mental Health Act and waited 19 hours "
                    "in police custody for a bed at a health-based place of safety. Officers were asked to "
                    "remove the section 136 at A&E. The police ask the trust to agree how children detained "
                    "under section 136 are admitted without waiting in custody."
                ),
                pseudonym="Child R",
                opened_on=days.back(today, 9),
                named_people=[pete] if pete else [],
            )
            escalations.stage_move(
                escalation=escalation,
                user=manager,
                version=escalation.version,
                stage=2,
                on=days.back(today, 3),
                note="No reply from the trust's duty manager within the stage 1 target: raised to the "
                "service manager for crisis and acute care.",
            )
            item = meeting.items.filter(number="5").first()
            if item is not None:
                escalations.item_link(escalation=escalation, user=manager, item=item)
                action = item.actions.order_by("position").first()
                if action is not None:
                    escalations.action_link(escalation=escalation, user=manager, action=action)
        self.stdout.write(f"Escalations: {escalation.reference} (Child R, stage 2: Manager).")

    def _agencies(self, partnership: Partnership, *names: str) -> list[Organisation]:
        found = []
        for name in names:
            organisation = Organisation.objects.filter(partnership=partnership, name__iexact=name).first()
            found.append(organisation or Organisation.objects.create(partnership=partnership, name=name))
        return found

    def _team(self, partnership: Partnership, name: str) -> Team:
        team = Team.objects.filter(partnership=partnership, name__iexact=name).first()
        return team or Team.objects.create(partnership=partnership, name=name)

    def _themes(self, partnership: Partnership, *names: str) -> list[Any]:
        from boardkeeper.reviews.models import Theme

        return [Theme.objects.get_or_create(partnership=partnership, name=name)[0] for name in names]

    def _plan(
        self,
        recommendation: Any,
        meeting: Meeting,
        manager: User,
        actions: Iterable[tuple[str, list[Person], list[Team], dt.date | None, str]],
    ) -> list[Any]:
        """Each (text, people, teams, due, status) an action of the meeting's log linked to the
        recommendation; a status other than open recorded as an update, as a person would."""
        from boardkeeper.actions.services import action_create, action_update
        from boardkeeper.recommendations.models import RecommendationAction

        made = []
        for text, people, teams, due, status in actions:
            action = action_create(
                meeting=meeting, user=manager, text=text, people=people, teams=teams, due_date=due
            )
            if status != "open":
                action_update(action=action, user=manager, version=action.version, status=status)
            RecommendationAction.objects.create(recommendation=recommendation, action=action)
            made.append(action)
        return made

    def inspection(self, partnership: Partnership, board: Board, manager: User, meeting: Meeting) -> None:
        """Item 6's HMIC(FRS) inspection of the police's child protection work, with four recommendations
        at different statuses and their improvement plan; one implemented, with evidence and an impact
        check."""
        from boardkeeper.inspections.models import Inspection
        from boardkeeper.recommendations.models import Evidence, Recommendation

        if Inspection.objects.filter(partnership=partnership).exists():
            return
        today = timezone.localdate()
        people = {p.full_name: p for p in Person.objects.filter(partnership=partnership)}
        jackie, jo, john = (people.get(n) for n in ("Jackie Channell", "Jo Galloway", "John Coleman"))
        ppu = self._team(partnership, "Police Public Protection Unit")
        police, council, trust = self._agencies(
            partnership,
            "Warwickshire Police",
            "Warwickshire County Council",
            "Coventry and Warwickshire Partnership NHS Trust",
        )
        domestic, mental, sharing, missing = self._themes(
            partnership, "Domestic abuse", "Mental health", "Information sharing", "Missing children"
        )
        published = dt.date(2022, 1, 20)
        with transaction.atomic():
            inspection = Inspection.objects.create(
                partnership=partnership,
                board=board,
                body=Inspection.Body.HMICFRS,
                title="HMICFRS child protection inspection, Warwickshire Police",
                inspected_on=dt.date(2021, 11, 8),
                published_on=published,
                judgement="Improving: the force is on a journey since leaving the alliance",
                summary=(
                    "Eight inspectors looked at the police response to child protection. The force's "
                    "commitment was clear; officers did not always record the child's voice, children "
                    "detained under section 136 waited too long in custody, and ICT slowed the sharing "
                    "of information with partners."
                ),
                mentioned_as="HMIC, HMICFRS",
            )

            def recommend(number: str, text: str, status: str, agencies: list[Any], themes: list[Any]) -> Any:
                recommendation = Recommendation.objects.create(
                    partnership=partnership,
                    inspection=inspection,
                    number=number,
                    text=text,
                    made_on=published,
                    status=status,
                )
                recommendation.agencies.set(agencies)
                recommendation.themes.set(themes)
                return recommendation

            voice = recommend(
                "1",
                "The force should make sure that officers attending domestic abuse incidents where children "
                "live record the child's voice and behaviour, and share it with children's social care "
                "without delay.",
                Recommendation.Status.IMPLEMENTED,
                [police],
                [domestic],
            )
            training, _ = self._plan(
                voice,
                meeting,
                manager,
                [
                    (
                        "Deliver child-centred policing training to every response officer",
                        [],
                        [ppu],
                        dt.date(2022, 6, 30),
                        "done",
                    ),
                    (
                        "Add a prompt for the child's voice to the domestic abuse risk assessment",
                        [],
                        [ppu],
                        dt.date(2022, 4, 29),
                        "done",
                    ),
                ],
            )
            Evidence.objects.create(
                recommendation=voice,
                action=training,
                note="Training records: 94% of response officers trained by 30 June 2022; the risk "
                "assessment's new prompt in use from 2 May 2022 (reported to the Executive Board in July "
                "2022).",
                added_by=manager,
            )
            Recommendation.objects.filter(pk=voice.pk).update(
                impact=Recommendation.Impact.CHANGED,
                impact_checked_on=dt.date(2023, 3, 15),
                impact_method="A multi-agency audit of 20 domestic abuse notifications to children's "
                "social care, January to February 2023.",
                impact_finding="18 of the 20 recorded what the child said or how they presented, "
                "against 7 of 20 in the audit before the inspection.",
            )
            places = recommend(
                "2",
                "Within six months, the force and the mental health trust should agree how children "
                "detained under section 136 of the Mental Health Act reach a health-based place of "
                "safety, so that no child waits in police custody.",
                Recommendation.Status.IN_PROGRESS,
                [police, trust],
                [mental],
            )
            self._plan(
                places,
                meeting,
                manager,
                [
                    (
                        "Agree a section 136 protocol for children with the mental health trust",
                        [jackie] if jackie else [],
                        [ppu],
                        today + dt.timedelta(days=45),
                        "in_progress",
                    ),
                    (
                        "Report children's section 136 waiting times to the Executive Board every month",
                        [jo] if jo else [],
                        [],
                        today - dt.timedelta(days=20),
                        "open",
                    ),
                ],
            )
            ict = recommend(
                "3",
                "The force should improve its ICT so that child protection information reaches partners "
                "promptly.",
                Recommendation.Status.OPEN,
                [police],
                [sharing],
            )
            self._plan(
                ict,
                meeting,
                manager,
                [
                    (
                        "Scope a replacement for the child protection information-sharing system",
                        [],
                        [ppu],
                        today + dt.timedelta(days=120),
                        "open",
                    )
                ],
            )
            returns = recommend(
                "4",
                "The force should make sure that every child who returns from being missing is offered a "
                "return home interview, and that what is learnt is shared with partners.",
                Recommendation.Status.IN_PROGRESS,
                [police, council],
                [missing],
            )
            self._plan(
                returns,
                meeting,
                manager,
                [
                    (
                        "Commission return home interviews jointly with children's services",
                        [john] if john else [],
                        [],
                        today + dt.timedelta(days=10),
                        "in_progress",
                    )
                ],
            )
        self.stdout.write(f"Inspections: {inspection.title}, with 4 recommendations and their actions.")

    def review_recommendations(self, partnership: Partnership, manager: User, meeting: Meeting) -> None:
        """Recommendations of the demo's reviews at several statuses: one not implemented (and why), and
        one of Mr F's flagged as repeating one of Family M's."""
        from boardkeeper.recommendations.models import Recommendation
        from boardkeeper.reviews.models import Review

        if Recommendation.objects.filter(partnership=partnership, review__isnull=False).exists():
            return
        family_m = Review.objects.filter(partnership=partnership, pseudonym="Family M").first()
        mr_f = Review.objects.filter(partnership=partnership, pseudonym="Mr F").first()
        if family_m is None or mr_f is None:
            return
        today = timezone.localdate()
        jo = Person.objects.filter(partnership=partnership, full_name="Jo Galloway").first()
        john = Person.objects.filter(partnership=partnership, full_name="John Coleman").first()
        police, council, ccg = self._agencies(
            partnership,
            "Warwickshire Police",
            "Warwickshire County Council",
            "Coventry and Warwickshire Clinical Commissioning Group",
        )
        neglect, sharing, domestic = self._themes(
            partnership, "Neglect", "Information sharing", "Domestic abuse"
        )

        def recommend(
            review: Review,
            number: str,
            text: str,
            made_on: dt.date,
            agencies: list[Any],
            themes: list[Any],
            **more: Any,
        ) -> Recommendation:
            recommendation = Recommendation.objects.create(
                partnership=partnership, review=review, number=number, text=text, made_on=made_on, **more
            )
            recommendation.agencies.set(agencies)
            recommendation.themes.set(themes)
            return recommendation

        m_made, f_made = today - dt.timedelta(days=60), today - dt.timedelta(days=10)
        with transaction.atomic():
            toolkit = recommend(
                family_m,
                "1",
                "All agencies should use the neglect toolkit (Graded Care Profile 2) when a home gives cause "
                "for concern, and share the assessment with the family's health visitor and school.",
                m_made,
                [council, ccg],
                [neglect],
                status=Recommendation.Status.IN_PROGRESS,
            )
            self._plan(
                toolkit,
                meeting,
                manager,
                [
                    (
                        "Relaunch Graded Care Profile 2 training for health visitors and school nurses",
                        [jo] if jo else [],
                        [],
                        today + dt.timedelta(days=60),
                        "in_progress",
                    )
                ],
            )
            health = recommend(
                family_m,
                "2",
                "The partnership should assure itself that universal health services share what they know "
                "about a family's home with children's social care when neglect is suspected.",
                m_made,
                [ccg],
                [neglect, sharing],
            )
            recommend(
                family_m,
                "3",
                "The partnership should commission one case record shared by every agency working with a "
                "family.",
                m_made,
                [],
                [sharing],
                status=Recommendation.Status.NOT_IMPLEMENTED,
                not_implemented_reason="Not within the partnership's powers or budget: each agency's "
                "records system is its own. Recommendation 2's assurance of information sharing answers "
                "the same learning.",
            )
            recommend(
                mr_f,
                "1",
                "Agencies should share what they know about a household with each other when neglect or "
                "domestic abuse is suspected, without waiting to be asked.",
                f_made,
                [police, council],
                [sharing, domestic],
                repeats=health,
            )
            carers = recommend(
                mr_f,
                "2",
                "Adult social care should offer a carer's assessment whenever a safeguarding enquiry finds a "
                "carer under strain.",
                f_made,
                [council],
                [domestic],
                status=Recommendation.Status.IMPLEMENTED,
            )
            self._plan(
                carers,
                meeting,
                manager,
                [
                    (
                        "Add a prompt for a carer's assessment to the safeguarding enquiry form",
                        [john] if john else [],
                        [],
                        today - dt.timedelta(days=3),
                        "done",
                    )
                ],
            )
        self.stdout.write(
            "Recommendations of the reviews: Family M (3, one not implemented) and Mr F (2, one repeating "
            "Family M's)."
        )

    def funding(self, partnership: Partnership) -> None:
        """Item 7's 2022/23 funding with its shortfall (the Schools Forum asked to contribute), and
        2021/22, balanced by a one-off contribution from the council's reserves, to compare."""
        from boardkeeper.funding import services as funding
        from boardkeeper.funding.models import FinancialYear

        if FinancialYear.objects.filter(partnership=partnership).exists():
            return
        council = "Warwickshire County Council"
        ccg = "Coventry and Warwickshire Clinical Commissioning Group"
        police = "Warwickshire Police"
        years: dict[int, tuple[list[tuple[str, str, str]], list[tuple[str, str, Any, Any, str]]]] = {
            2021: (
                [
                    ("business_unit", "Business manager, officers and administration", "398000"),
                    ("chair_scrutineer", "Independent chair and scrutineer", "46000"),
                    ("reviews", "Independent reviewers for case reviews", "60000"),
                    ("training", "Multi-agency training programme", "34000"),
                    ("other", "Website, annual conference and software", "10000"),
                ],
                [
                    (council, "274000", dt.date(2021, 4, 12), dt.date(2021, 5, 10), ""),
                    (ccg, "137000", dt.date(2021, 4, 12), dt.date(2021, 6, 7), ""),
                    (police, "82200", dt.date(2021, 4, 12), dt.date(2021, 7, 19), ""),
                    (
                        f"{council} (one-off, from reserves)",
                        "54800",
                        dt.date(2022, 1, 10),
                        dt.date(2022, 2, 14),
                        "Agreed once to meet the year's gap",
                    ),
                ],
            ),
            2022: (
                [
                    ("business_unit", "Business manager, officers and administration", "412000"),
                    ("chair_scrutineer", "Independent chair and scrutineer", "48000"),
                    ("reviews", "Independent reviewers for case reviews", "65000"),
                    ("training", "Multi-agency training programme", "38000"),
                    ("other", "Website, annual conference and software", "12500"),
                ],
                [
                    (council, "287750", dt.date(2022, 4, 11), dt.date(2022, 5, 9), ""),
                    (ccg, "143875", dt.date(2022, 4, 11), dt.date(2022, 6, 20), ""),
                    (police, "86325", dt.date(2022, 4, 11), None, ""),
                    (
                        "Schools Forum",
                        "0",
                        None,
                        None,
                        "Asked to contribute (Executive Board, 23 February 2022, item 7): not yet agreed",
                    ),
                ],
            ),
        }
        with transaction.atomic():
            for starts, (lines, contributions) in years.items():
                year = funding.year_add(partnership=partnership, starts=starts)
                for kind, description, amount in lines:
                    funding.line_add(
                        year=year,
                        version=year.version,
                        kind=kind,
                        description=description,
                        amount=Decimal(amount),
                    )
                for partner, agreed, invoiced_on, paid_on, note in contributions:
                    funding.contribution_add(
                        year=year,
                        version=year.version,
                        partner=partner,
                        agreed=Decimal(agreed),
                        invoiced_on=invoiced_on,
                        paid_on=paid_on,
                        note=note,
                    )
        self.stdout.write("Funding: 2021/22 (balanced) and 2022/23 (a shortfall of £57,550).")

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
