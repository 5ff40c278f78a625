"""Private calendar feeds: an address per person, its token the secret, and what it holds."""

from __future__ import annotations

import re
import secrets

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.actions.models import OPEN_STATUSES, Action, CalendarFeed
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Meeting


def calendar_feed_for(*, person: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person, revoked_at=None).order_by("-created_at").first()


@transaction.atomic
def calendar_feed_create(*, person: Person) -> CalendarFeed:
    """A new private address; the old one, if any, stops working."""
    calendar_feed_revoke(person=person)
    return CalendarFeed.objects.create(person=person, token=secrets.token_urlsafe(32))


def calendar_feed_revoke(*, person: Person) -> int:
    feeds = list(CalendarFeed.objects.filter(person=person, revoked_at=None))
    for feed in feeds:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])  # audited
    return len(feeds)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")  # secrets.token_urlsafe(32) gives 43 of these


def calendar_feed_person(*, token: str) -> Person | None:
    """Whose calendar a token opens: nobody's when it is unknown or revoked, or when its person is no
    longer a signed-in user of their partnership."""
    if not _TOKEN.fullmatch(token):
        return None  # not one we issued (and a NUL byte would upset PostgreSQL)
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at=None, person__user__is_active=True)
        .select_related("person__user")
        .first()
    )
    if feed is None:
        return None
    person = feed.person
    if not PartnershipRole.objects.filter(user=person.user, partnership_id=person.partnership_id).exists():
        return None
    return person


def calendar_of(*, person: Person) -> tuple[QuerySet[Meeting], QuerySet[Action]]:
    """The meetings of the person's boards, and their own open actions that have a deadline."""
    meetings = (
        Meeting.objects.filter(board__memberships__person=person, board__partnership_id=person.partnership_id)
        .select_related("board")
        .order_by("date", "pk")
    )
    actions = (
        Action.objects.filter(owner_people=person, status__in=OPEN_STATUSES)
        .filter(Q(due_date__isnull=False) | Q(due_meeting__isnull=False))
        .select_related("meeting__board", "item", "due_meeting")
        .defer("item__discussion")
        .order_by("pk")
    )
    return meetings, actions
