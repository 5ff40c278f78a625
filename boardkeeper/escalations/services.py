"""Recording an escalation's life, who may see it, and the register's counts.

Every change to an escalation row is a conditional UPDATE on its version (`update_versioned`): a change
from a stale page is refused (`StaleEdit`) and nothing is lost. A move to another stage ends the stage
row it was at and starts one for the new stage, its target that many working days on (the partnership's
rules, `rules_for`); resolving or withdrawing ends the stage row it was at.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from boardkeeper.actions.models import Action
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Partnership, Person
from boardkeeper.escalations.models import (
    STAGES,
    Escalation,
    EscalationAction,
    EscalationItem,
    EscalationRules,
    EscalationStage,
)
from boardkeeper.lib.versioning import update_versioned
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.meetings.models import AgendaItem, CaseMention

EDITABLE = {"raised_by_org", "raised_by", "about_agency", "concern", "pseudonym"}


class EscalationRefused(ValueError):
    """The change does not fit the escalation's state; the message says why, in words for the page."""


def rules_for(partnership: Partnership) -> EscalationRules:
    """The partnership's rules, or (never set) the defaults, unsaved: reading them writes nothing."""
    return EscalationRules.objects.filter(partnership=partnership).first() or EscalationRules(
        partnership=partnership
    )


def target_for(rules: EscalationRules, stage: int, started_on: dt.date) -> dt.date:
    return WorkingDays(rules.region).add(started_on, rules.days(stage))


# Who may see an escalation -----------------------------------------------------------------------------


def visible_escalations(user: User, partnership: Partnership, *, business_team: bool) -> QuerySet[Escalation]:
    """Need to know, as for case reviews: the business team sees every escalation of the partnership;
    anyone else only those they are named on (through the person their account is linked to)."""
    escalations = Escalation.objects.filter(partnership=partnership)
    if business_team:
        return escalations
    return escalations.filter(named_people__user=user).distinct()


# The register ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    by_stage: list[tuple[int, str, int, int]]  # stage, its name, open escalations there, overdue of them
    open: int
    overdue: int


def overdue_stages(escalations: QuerySet[Escalation], today: dt.date) -> QuerySet[EscalationStage]:
    """The stage rows still running past their target, of open escalations."""
    return EscalationStage.objects.filter(
        escalation__in=escalations,
        escalation__status=Escalation.Status.OPEN,
        ended_on__isnull=True,
        target_on__lt=today,
    )


def register_counts(escalations: QuerySet[Escalation], rules: EscalationRules, *, today: dt.date) -> Counts:
    """Open escalations by stage, and how many of their current stages are past target (two queries)."""
    at = Counter(escalations.filter(status=Escalation.Status.OPEN).values_list("stage", flat=True))
    late = Counter(overdue_stages(escalations, today).values_list("stage", flat=True))
    return Counts(
        by_stage=[(s, rules.name(s), at.get(s, 0), late.get(s, 0)) for s in STAGES],
        open=sum(at.values()),
        overdue=sum(late.values()),
    )


# Recording ---------------------------------------------------------------------------------------------


def _next_reference(partnership: Partnership, year: int) -> str:
    prefix = f"ESC-{year}-"
    taken = Escalation.objects.filter(partnership=partnership, reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    numbers = [int(r[len(prefix) :]) for r in taken if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _clean_pseudonym(text: str) -> str:
    return " ".join(text.split())


@audit.acts
@transaction.atomic
def escalation_create(
    *,
    partnership: Partnership,
    user: User,
    raised_by_org: str,
    about_agency: str,
    concern: str,
    opened_on: dt.date,
    stage: int = 1,
    pseudonym: str = "",
    raised_by: Person | None = None,
    named_people: Iterable[Person] = (),
) -> Escalation:
    """A new escalation, at the stage it was raised at (usually 1), its target running from `opened_on`."""
    if stage not in STAGES:
        raise EscalationRefused("Choose the stage it was raised at.")
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()  # one reference at a time
    escalation = Escalation.objects.create(
        partnership=partnership,
        reference=_next_reference(partnership, opened_on.year),
        raised_by_org=raised_by_org.strip(),
        raised_by=raised_by,
        about_agency=about_agency.strip(),
        concern=concern.strip(),
        pseudonym=_clean_pseudonym(pseudonym),
        stage=stage,
        opened_on=opened_on,
    )
    escalation.named_people.set(list(named_people))
    rules = rules_for(partnership)
    EscalationStage.objects.create(
        escalation=escalation,
        stage=stage,
        started_on=opened_on,
        target_on=target_for(rules, stage, opened_on),
        note="Raised",
    )
    return escalation


def _save(escalation: Escalation, version: int, **fields: Any) -> Escalation:
    update_versioned(
        Escalation.objects.select_related("partnership"), pk=escalation.pk, version=version, **fields
    )
    audit.updated(escalation, fields)
    for name, value in fields.items():
        setattr(escalation, name, value)
    escalation.version = version + 1
    return escalation


def _end_current_stage(escalation: Escalation, on: dt.date) -> None:
    current = escalation.stages.filter(ended_on__isnull=True).order_by("-started_on", "-pk").first()
    if current is not None:
        if on < current.started_on:
            raise EscalationRefused(
                f"The date cannot come before the current stage began ({current.started_on:%-d %B %Y})."
            )
        current.ended_on = on
        current.save(update_fields=["ended_on"])


@audit.acts
@transaction.atomic
def escalation_edit(
    *,
    escalation: Escalation,
    user: User,
    version: int,
    named_people: Iterable[Person] | None = None,
    **fields: Any,
) -> Escalation:
    """The escalation's details; refused (StaleEdit) if someone saved it since the page was drawn."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    for key in ("raised_by_org", "about_agency", "concern"):
        if key in fields:
            fields[key] = fields[key].strip()
    if "pseudonym" in fields:
        fields["pseudonym"] = _clean_pseudonym(fields["pseudonym"])
    escalation = _save(escalation, version, **fields)
    if named_people is not None:
        escalation.named_people.set(list(named_people))
    return escalation


@audit.acts
@transaction.atomic
def stage_move(
    *, escalation: Escalation, user: User, version: int, stage: int, on: dt.date, note: str = ""
) -> Escalation:
    """Up (or back down) the protocol: the stage it was at ends on `on`, the new one starts then."""
    if not escalation.is_open:
        raise EscalationRefused("The escalation is closed: it no longer moves between stages.")
    if stage not in STAGES:
        raise EscalationRefused("Choose the stage it moves to.")
    if stage == escalation.stage:
        raise EscalationRefused("It is at that stage already: choose another.")
    escalation = _save(escalation, version, stage=stage)
    _end_current_stage(escalation, on)
    EscalationStage.objects.create(
        escalation=escalation,
        stage=stage,
        started_on=on,
        target_on=target_for(rules_for(escalation.partnership), stage, on),
        note=note.strip(),
    )
    return escalation


@audit.acts
@transaction.atomic
def escalation_close(
    *,
    escalation: Escalation,
    user: User,
    version: int,
    status: str,
    on: dt.date,
    outcome: str,
    learning: str = "",
) -> Escalation:
    """Resolved (with its outcome and learning) or withdrawn: the stage it was at ends on `on`."""
    if status not in (Escalation.Status.RESOLVED, Escalation.Status.WITHDRAWN):
        raise EscalationRefused("Choose resolved or withdrawn.")
    if not escalation.is_open:
        raise EscalationRefused("The escalation is closed already.")
    if not outcome.strip():
        raise EscalationRefused("Write the outcome.")
    if on < escalation.opened_on:
        raise EscalationRefused(
            f"The date cannot come before it was raised ({escalation.opened_on:%-d %B %Y})."
        )
    escalation = _save(
        escalation, version, status=status, closed_on=on, outcome=outcome.strip(), learning=learning.strip()
    )
    _end_current_stage(escalation, on)
    return escalation


# What it is linked to ----------------------------------------------------------------------------------


@audit.acts
@transaction.atomic
def action_link(*, escalation: Escalation, user: User, action: Action) -> EscalationAction:
    if action.board.partnership_id != escalation.partnership_id:
        raise EscalationRefused("Choose an action of this partnership's action log.")
    link, _ = EscalationAction.objects.get_or_create(escalation=escalation, action=action)
    return link


@audit.acts
@transaction.atomic
def action_unlink(*, escalation: Escalation, user: User, link_id: int) -> None:
    EscalationAction.objects.filter(escalation=escalation, pk=link_id).delete()


def linked_actions(escalation: Escalation) -> QuerySet[EscalationAction]:
    return escalation.action_links.select_related("action__meeting__board").order_by("pk")


def items_discussed(escalation: Escalation) -> QuerySet[CaseMention]:
    """Every item of the partnership's minutes that mentions the escalation's pseudonym (none without one)."""
    if not escalation.pseudonym:
        return CaseMention.objects.none()
    return (
        CaseMention.objects.filter(
            item__meeting__board__partnership_id=escalation.partnership_id,
            pseudonym__iexact=escalation.pseudonym,
        )
        .select_related("item__meeting__board")
        .defer("item__discussion")
        .order_by("item__meeting__date", "item__position")
    )


def items_to_link(escalation: Escalation) -> QuerySet[AgendaItem]:
    """The items a business team member may link by hand: the partnership's minutes from a year before the
    escalation was raised, newest first, less those already linked."""
    return (
        AgendaItem.objects.filter(
            meeting__board__partnership_id=escalation.partnership_id,
            meeting__date__gte=escalation.opened_on - dt.timedelta(days=365),
        )
        .exclude(escalation_links__escalation=escalation)
        .select_related("meeting__board")
        .only("number", "title", "position", "meeting__date", "meeting__board__name")
        .order_by("-meeting__date", "meeting__pk", "position")
    )


@audit.acts
@transaction.atomic
def item_link(*, escalation: Escalation, user: User, item: AgendaItem) -> EscalationItem:
    if item.meeting.board.partnership_id != escalation.partnership_id:
        raise EscalationRefused("Choose an item of this partnership's minutes.")
    link, _ = EscalationItem.objects.get_or_create(escalation=escalation, item=item)
    return link


@audit.acts
@transaction.atomic
def item_unlink(*, escalation: Escalation, user: User, link_id: int) -> None:
    EscalationItem.objects.filter(escalation=escalation, pk=link_id).delete()


def linked_items(escalation: Escalation) -> QuerySet[EscalationItem]:
    return (
        escalation.item_links.select_related("item__meeting__board")
        .defer("item__discussion")
        .order_by("item__meeting__date", "item__position")
    )


def stage_rows(escalation: Escalation, today: dt.date) -> list[tuple[EscalationStage, str, bool]]:
    """The history, each row with its stage's name and whether it ran (or is running) past its target."""
    rules = rules_for(escalation.partnership)
    return [
        (row, rules.name(row.stage), (row.ended_on or today) > row.target_on)
        for row in escalation.stages.order_by("started_on", "pk")
    ]
