"""Boards set up on the web by the business team (issue 13): a board or subgroup made, renamed, moved under
another (never under itself), and its members with their roles; each audited, none open to anyone else."""

from __future__ import annotations

from cast import Cast, signed_in, text_of
from django.test import Client
from django.urls import reverse

from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Board, Membership, Person


def settings_url(cast: Cast, board: Board) -> str:
    return reverse("board_settings", args=[cast.partnership.slug, board.slug])


def test_a_subgroup_is_set_up_renamed_and_kept_from_being_its_own_parent(cast: Cast, manager: Client) -> None:
    page = manager.get(reverse("partnership", args=[cast.partnership.slug]))
    assert "Set up a board or subgroup" in text_of(page)
    url = reverse("board_new", args=[cast.partnership.slug])
    made = manager.post(url, {"name": "  Learning and  Improvement ", "parent": str(cast.board.pk)})
    sub = Board.objects.get(name="Learning and Improvement")
    assert made["Location"] == settings_url(cast, sub)
    assert sub.slug == "learning-and-improvement" and sub.parent == cast.board
    assert "a subgroup of the Executive Board" in text_of(
        manager.get(reverse("partnership", args=[cast.partnership.slug]))
    )
    twice = manager.post(url, {"name": "executive board"})
    assert twice.status_code == 400 and "already has a board called 'Executive Board'" in text_of(twice)
    assert text_of(twice).startswith("Error: ")

    renamed = manager.post(
        settings_url(cast, sub), {"name": "Learning and Improvement Subgroup", "parent": str(cast.board.pk)}
    )
    assert renamed.status_code == 302
    sub.refresh_from_db()
    assert (
        sub.name == "Learning and Improvement Subgroup" and sub.slug == "learning-and-improvement"
    )  # its address stays
    circle = manager.post(settings_url(cast, cast.board), {"name": "Executive Board", "parent": str(sub.pk)})
    assert "cannot be a subgroup of itself or of one of its subgroups" in text_of(circle)
    cast.board.refresh_from_db()
    assert cast.board.parent is None
    assert AuditEvent.objects.filter(model="directory.board", action="update", object_id=str(sub.pk)).exists()


def test_members_are_added_given_roles_and_removed(cast: Cast, manager: Client) -> None:
    jo = Person.objects.create(partnership=cast.partnership, full_name="Jo Galloway")
    Person.objects.create(partnership=cast.other_partnership, full_name="Elsewhere Person")
    page = manager.get(settings_url(cast, cast.board))
    assert "Jo Galloway" in text_of(page) and "Elsewhere Person" not in text_of(page)
    add = reverse("board_member_add", args=[cast.partnership.slug, cast.board.slug])
    manager.post(add, {"person": str(jo.pk), "role": "vice_chair"})
    membership = Membership.objects.get(person=jo, board=cast.board)
    assert membership.role == "vice_chair"
    missing = manager.post(add, {"person": "", "role": ""})
    assert "Choose the person." in text_of(missing) and "Choose their role." in text_of(missing)
    one = reverse("board_member", args=[cast.partnership.slug, cast.board.slug, membership.pk])
    changed = manager.post(one, {"action": "role", "role": "chair"}, follow=True)
    assert "Jo Galloway is now chair of the Executive Board." in text_of(changed)
    membership.refresh_from_db()
    assert membership.role == "chair"
    manager.post(one, {"action": "remove"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(model="directory.membership", action="delete").exists()


def test_only_the_business_team_sets_boards_up(cast: Cast) -> None:
    jo = Person.objects.create(partnership=cast.partnership, full_name="Jo Galloway")
    membership = Membership.objects.create(person=jo, board=cast.board, role="member")
    posts = [
        (reverse("board_new", args=[cast.partnership.slug]), {"name": "Shadow Board"}),
        (settings_url(cast, cast.board), {"name": "Renamed"}),
        (
            reverse("board_member_add", args=[cast.partnership.slug, cast.board.slug]),
            {"person": str(jo.pk), "role": "chair"},
        ),
        (
            reverse("board_member", args=[cast.partnership.slug, cast.board.slug, membership.pk]),
            {"action": "remove"},
        ),
    ]
    for user in (cast.member, cast.viewer, cast.outsider):
        client = signed_in(user)
        for url, data in posts:
            assert client.post(url, data).status_code in (403, 404)
            assert client.get(url).status_code in (403, 404)
    assert Board.objects.filter(partnership=cast.partnership).count() == 1
    assert Membership.objects.get(pk=membership.pk).role == "member"
