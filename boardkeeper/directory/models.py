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


class ReferenceVersion(models.Model):
    """A token the database changes whenever what pages cache of a partnership changes: its boards (name),
    meetings (date, board), people (name, organisation) and organisations (name). Pages key that cache by
    it (boardkeeper.lib.reference), and read it with the user's role on every request, so no page shows a
    list older than the database.

    Written by database triggers alone (directory migration 0004): a row when the partnership is made, a new
    random token whenever one of those rows is written, changed or deleted, however it is done (save(),
    update(), bulk_create(), raw SQL, a restore). A table of its own, not a column of the partnership, so
    that saving a partnership the page read earlier can never put an old token back."""

    partnership = models.OneToOneField(
        Partnership, primary_key=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    version = models.BigIntegerField(editable=False)


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
