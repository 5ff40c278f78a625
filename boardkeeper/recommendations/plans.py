"""An inspection's improvement plan, read (never written) here: its recommendations, their actions (rows of
the action log, updated there) and evidence, with progress by recommendation and the overdue actions.

It lives with the recommendations, which sit above the inspections they come from: an inspection knows
nothing of its plan's rows, so the two apps import one way only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from boardkeeper.actions.models import OPEN_STATUSES, Action, Flag
from boardkeeper.actions.services import MeetingsHeld, action_owner_names
from boardkeeper.inspections.models import Inspection
from boardkeeper.meetings.models import Meeting
from boardkeeper.recommendations.models import Evidence, Recommendation, RecommendationAction

# The improvement plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanAction:
    action: Action
    flag: Flag
    owners: str
    evidence: list[Evidence]

    @property
    def overdue(self) -> bool:
        return self.action.is_open and self.flag.colour == "red"


@dataclass
class PlanRecommendation:
    recommendation: Recommendation
    agencies: list[str]
    actions: list[PlanAction] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)  # for the recommendation as a whole

    @property
    def implemented(self) -> bool:
        return self.recommendation.status == Recommendation.Status.IMPLEMENTED

    @property
    def overdue(self) -> int:
        return sum(a.overdue for a in self.actions)

    @property
    def done(self) -> int:
        return sum(not a.action.is_open for a in self.actions)

    @property
    def progress(self) -> str:
        """'2 of 3 actions done; 1 overdue'."""
        if not self.actions:
            return "No actions yet"
        text = f"{self.done} of {len(self.actions)} action{'s' if len(self.actions) != 1 else ''} done"
        return text + (f"; {self.overdue} overdue" if self.overdue else "")


@dataclass
class Plan:
    recommendations: list[PlanRecommendation]

    @property
    def implemented(self) -> int:
        return sum(r.implemented for r in self.recommendations)

    @property
    def overdue(self) -> list[tuple[PlanRecommendation, PlanAction]]:
        """Every action overdue, once (an action may answer more than one recommendation), soonest due first."""
        seen: set[int] = set()
        out = []
        for rec in self.recommendations:
            for a in rec.actions:
                if a.overdue and a.action.pk not in seen:
                    seen.add(a.action.pk)
                    out.append((rec, a))
        return sorted(out, key=lambda pair: (pair[1].action.due_on or dt.date.max, pair[1].action.pk))

    @property
    def summary(self) -> str:
        return progress_text(len(self.recommendations), self.implemented, len(self.overdue))


def progress_text(recommendations: int, implemented: int, overdue: int) -> str:
    """'3 of 4 recommendations implemented; 2 actions overdue'."""
    if not recommendations:
        return "No recommendations recorded yet"
    text = (
        f"{implemented} of {recommendations} recommendation{'s' if recommendations != 1 else ''} implemented"
    )
    if overdue:
        text += f"; {overdue} action{'s' if overdue != 1 else ''} overdue"
    return text


def _number_key(rec: Recommendation) -> tuple[Any, ...]:
    """Natural order of the report's numbering: 2 before 10, 3 before 3a; unnumbered last."""
    parts = re.split(r"(\d+)", rec.number.strip())
    return (
        not rec.number.strip(),
        [(0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts if p],
        rec.pk,
    )


def plan_of(inspection: Inspection, today: dt.date) -> Plan:
    """The improvement plan as it stands today: each recommendation in the report's order, with its actions
    from the action log (RAG flag as the log shows it) and its evidence."""
    recs = list(Recommendation.objects.filter(inspection=inspection).prefetch_related("agencies"))
    links = list(
        RecommendationAction.objects.filter(recommendation__in=recs)
        .select_related("action__meeting", "action__due_meeting")
        .prefetch_related("action__owner_people", "action__owner_teams")
        .order_by("pk")
    )
    evidence = list(Evidence.objects.filter(recommendation__in=recs).order_by("added_at", "pk"))
    held = MeetingsHeld(Meeting.objects.filter(board_id__in={link.action.board_id for link in links}), today)
    by_rec: dict[int, PlanRecommendation] = {
        r.pk: PlanRecommendation(r, [a.name for a in r.agencies.all()]) for r in sorted(recs, key=_number_key)
    }
    for link in links:
        action = link.action
        flag = held.flag(action, today)
        own = [
            e for e in evidence if e.recommendation_id == link.recommendation_id and e.action_id == action.pk
        ]
        by_rec[link.recommendation_id].actions.append(
            PlanAction(action, flag, ", ".join(action_owner_names(action)), own)
        )
    for rec in by_rec.values():
        linked = {a.action.pk for a in rec.actions}
        rec.evidence = [
            e
            for e in evidence
            if e.recommendation_id == rec.recommendation.pk
            and (e.action_id is None or e.action_id not in linked)
        ]
        rec.actions.sort(key=lambda a: (a.action.due_on or dt.date.max, a.action.pk))
    return Plan(list(by_rec.values()))


@dataclass(frozen=True)
class Progress:
    recommendations: int
    implemented: int
    overdue: int

    @property
    def text(self) -> str:
        return progress_text(self.recommendations, self.implemented, self.overdue)


def progress_of(inspections: Sequence[Inspection], today: dt.date) -> dict[int, Progress]:
    """Each inspection's plan in a line, for the register (three queries, however many inspections)."""
    recs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, inspection_id, status in Recommendation.objects.filter(inspection__in=inspections).values_list(
        "pk", "inspection_id", "status"
    ):
        recs[inspection_id].append((pk, status))
    overdue: dict[int, set[int]] = defaultdict(set)
    for link in RecommendationAction.objects.filter(
        recommendation__inspection__in=inspections, action__status__in=OPEN_STATUSES
    ).select_related("recommendation", "action__due_meeting"):
        due = link.action.due_on
        if due is not None and due < today:
            overdue[link.recommendation.inspection_id or 0].add(link.action_id)
    return {
        i.pk: Progress(
            len(recs[i.pk]),
            sum(s == Recommendation.Status.IMPLEMENTED for _, s in recs[i.pk]),
            len(overdue[i.pk]),
        )
        for i in inspections
    }
