"""Partnerships and the people, organisations, teams and boards they are made of."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class NamedQuerySet(models.QuerySet[Any]):
    def named(self, name: str) -> Self:
        """Those called `name` (in any case) or with the slug `name`: how a person at a terminal names one."""
        return self.filter(models.Q(name__iexact=name) | models.Q(slug=name))


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    # an open action with no due date (nor due meeting) is flagged amber, then red, after this many months
    # open (actions.models.Action.flag): the partnership's own rule, 3 and 6 unless it says otherwise
    undated_amber_months = models.PositiveSmallIntegerField(default=3)
    undated_red_months = models.PositiveSmallIntegerField(default=6)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferenceChange(models.Model):
    """A change to what pages keep of a partnership: its boards (name, address), meetings (date, board), people
    (name, organisation) and organisations (name) (directory migration 0004); its actions and their owner
    links, in what the log counts by (actions 0009); its reviews, their themes and the themes' names
    (reviews 0003). Written by database triggers alone (directory.reference_triggers), one row a statement
    that inserts, deletes or changes such rows (on SQLite, and for a moved owner link, one a row), with a
    random token; the latest few are kept.

    The pages key that cache (boardkeeper.lib.reference) by the sum of the tokens of the partnership's rows and
    the latest one's id, read with the user's role on every request. The sum changes when a change commits, whatever order
    changes commit in, and a writer only ever inserts: no row is shared by two writers, so nothing waits and
    nothing can deadlock on it (a single token row, updated by every change, made every import wait for the
    partnership's other writes, and could deadlock with them)."""

    partnership_id = models.BigIntegerField(editable=False)  # no foreign key: written while one is deleted
    token = models.IntegerField(editable=False)  # 1 to 2**31: a sum of many fits a bigint

    # made by the database from the records: not one of a partnership's records (lib/partnership_export.py),
    # and not audited (a change to the records is audited as itself)
    DERIVED = True

    class Meta:
        indexes = [models.Index(fields=["partnership_id", "id", "token"], name="reference_change_latest")]


class Organisation(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "partnership", name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who attends boards or owns actions; maybe a user of Boardkeeper too."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="people")
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    job_title = models.CharField(max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["partnership", "full_name"])]

    def __str__(self) -> str:
        return self.full_name


class PersonAlias(models.Model):
    """Initials and other spellings a person is known by in minutes ('PH', 'JCo', 'Pete')."""

    class Kind(models.TextChoices):
        INITIALS = "initials", "Initials"
        NAME = "name", "Other spelling"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "alias"], name="person_alias_unique")]

    def __str__(self) -> str:
        return self.alias


class Team(models.Model):
    """An owner that is not a person: 'Warwickshire Safeguarding Team', 'Communications Team'."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "partnership", name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    parent = models.ForeignKey(  # a subgroup's board ('Learning and Improvement Subgroup' of the Executive)
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subgroups"
    )

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="board_unique_slug")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        BUSINESS_MANAGER = "business_manager", "Business manager"
        MINUTE_TAKER = "minute_taker", "Minute taker"
        ADVISER = "adviser", "Adviser"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "board"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.person} on {self.board} ({self.get_role_display()})"
