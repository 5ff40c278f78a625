"""The record the home page tests read (tests/web/test_home.py, test_browser_home.py): one of each thing
the home page lists, for the member and for the business team, and the same in another partnership
(which must never show). `copies` repeats everything, for the query counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cast import Cast
from django.utils import timezone

from boardkeeper.accounts.invitations import invitation_create
from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_create
from boardkeeper.directory.models import Board, Membership, Person
from boardkeeper.escalations.services import escalation_create
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.meetings.models import Meeting, PendingImport
from boardkeeper.reviews.models import Review

DAY = dt.timedelta(days=1)


@dataclass
class Home:
    today: dt.date
    nadia: Person  # the member's person, on the Executive Board
    overdue: Action
    soon: Action
    later: Action  # due in two months: not on the home page
    done: Action  # done, and overdue by its date: not on the home page
    next_meeting: Meeting  # the Executive Board's next
    subgroup_meeting: Meeting  # a board Nadia does not sit on
    named: Review  # Nadia is named on it; its notification is due in 2 working days
    unnamed: Review  # nobody is: its notification overdue
    late: Review  # notified late, no reason recorded
    pending: PendingImport
    elsewhere: Review  # the other partnership's


def build(cast: Cast) -> Home:
    """One of each, and the other partnership's."""
    nadia = Person.objects.create(partnership=cast.partnership, full_name="Nadia Okafor", user=cast.member)
    Person.objects.create(partnership=cast.partnership, full_name="Amrita Shah", user=cast.manager)
    Membership.objects.create(person=nadia, board=cast.board)
    home = more(cast, nadia, range(1))
    # the other partnership's: never on a Warwickshire page
    days = WorkingDays("ENG")
    home["elsewhere"] = Review.objects.create(
        partnership=cast.other_partnership,
        pseudonym="Child Z",
        kind=Review.Kind.RAPID_REVIEW,
        stage=Review.Stage.NOTIFICATION,
        aware_on=days.back(timezone.localdate(), 8),
    )
    PendingImport.objects.create(
        board=cast.other_board,
        uploaded_by=cast.outsider,
        name="elsewhere-minutes.docx",
        sha256="",
        data=b"",
        status=PendingImport.Status.READY,
    )
    return Home(today=timezone.localdate(), nadia=nadia, **home)  # type: ignore[arg-type]


def more(cast: Cast, nadia: Person, copies: range) -> dict[str, object]:
    """Each thing again for every n of `copies` (0 first: the boards and meetings the tests name)."""
    today = timezone.localdate()
    # the clocks are counted from today, a working day or not (the tests run at weekends too): "due in 2
    # working days" is the second working day after today, "overdue by 3" due on the third working day back
    # from the last working day up to today
    days = WorkingDays("ENG")
    last_working_day = today if days.is_working_day(today) else days.back(today, 1)
    if 0 in copies:
        Board.objects.create(partnership=cast.partnership, name="Quality Assurance Subgroup", slug="qa")
        Meeting.objects.create(board=cast.board, date=today - 60 * DAY, status=Meeting.Status.MINUTES_DRAFT)
    subgroup = Board.objects.get(partnership=cast.partnership, slug="qa")
    raised = Meeting.objects.get(board=cast.board, date=today - 60 * DAY)
    home: dict[str, object] = {}
    for n in copies:
        suffix = f" ({n + 1})" if n else ""

        def act(text: str, due: dt.date, suffix: str = suffix) -> Action:
            return action_create(
                meeting=raised, user=cast.manager, text=text + suffix, people=[nadia], due_date=due
            )

        home["overdue"] = act("Send the audit of strategy discussions to the board", today - 3 * DAY)
        home["soon"] = act("Circulate the draft annual report to partners", today + 5 * DAY)
        home["later"] = act("Review the threshold document", today + 60 * DAY)
        done = act("Book the venue for the development day", today - 10 * DAY)
        Action.objects.filter(pk=done.pk).update(status=Action.Status.DONE)
        home["done"] = done
        if n == 0:
            home["next_meeting"] = Meeting.objects.create(
                board=cast.board, date=today + 10 * DAY, location="Shire Hall"
            )
            Meeting.objects.create(board=cast.board, date=today + 40 * DAY)
            home["subgroup_meeting"] = Meeting.objects.create(board=subgroup, date=today + 20 * DAY)
        else:  # later meetings of more boards: each board's next one is listed
            board = Board.objects.create(
                partnership=cast.partnership, name=f"Subgroup {n}", slug=f"subgroup-{n}"
            )
            Meeting.objects.create(board=board, date=today + (20 + n) * DAY)
            Meeting.objects.create(board=cast.board, date=today + (40 + n) * DAY)
        named = Review.objects.create(
            partnership=cast.partnership,
            pseudonym=f"Child Q{suffix}",
            kind=Review.Kind.RAPID_REVIEW,
            stage=Review.Stage.NOTIFICATION,
            aware_on=days.back(days.add(today, 2), 5),  # notified within 5: due 2 working days from today
        )
        named.named_people.add(nadia)
        home["named"] = named
        home["unnamed"] = Review.objects.create(
            partnership=cast.partnership,
            pseudonym=f"Child R{suffix}",
            kind=Review.Kind.RAPID_REVIEW,
            stage=Review.Stage.NOTIFICATION,
            aware_on=days.back(days.back(last_working_day, 3), 5),  # due 3 working days before today
        )
        home["late"] = Review.objects.create(
            partnership=cast.partnership,
            pseudonym=f"Family M{suffix}",
            kind=Review.Kind.RAPID_REVIEW,
            stage=Review.Stage.RAPID_REVIEW,
            aware_on=days.back(today, 12),
            notified_on=days.back(today, 2),
        )
        home["pending"] = PendingImport.objects.create(
            board=cast.board,
            uploaded_by=cast.manager,
            name=f"executive-board-minutes{n}.docx",
            sha256="",
            data=b"",
            status=PendingImport.Status.READY,
        )
        escalation_create(
            partnership=cast.partnership,
            user=cast.manager,
            raised_by_org="Warwickshire Police",
            about_agency="Children's social care",
            concern="Strategy discussion not held within the protocol's time.",
            opened_on=today - 30 * DAY,
            pseudonym="Child T",
        )
        invitation_create(
            partnership=cast.partnership,
            email=f"new.member{n}@example.org",
            role="member",
            person=None,
            by=cast.manager,
        )
    return home
