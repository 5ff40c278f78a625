"""Invitations (issue 13): the business team invites someone with a role and the person they are; the link
in the e-mail works once, for seven days, and leads to a password, then the second factor; sending again
replaces the link; cancelling ends it; `boardkeeper invite` does the same from the terminal."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from cast import Cast, signed_in, text_of
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper.accounts import invitations
from boardkeeper.accounts.models import Invitation, PartnershipRole
from boardkeeper.accounts.security import SESSION_KEY
from boardkeeper.audit.models import AuditEvent
from boardkeeper.cli import main
from boardkeeper.directory.management.terminal import Operator
from boardkeeper.directory.models import Person

PASSWORD = "correct horse battery staple"


@pytest.fixture
def pete(cast: Cast) -> Person:
    return Person.objects.create(partnership=cast.partnership, full_name="Pete Hill")


def invite(client: Client, cast: Cast, **data: Any) -> Any:
    return client.post(reverse("access_invite", args=[cast.partnership.slug]), data)


def link_in(message: Any) -> str:
    (link,) = set(re.findall(r"https?://\S+/accounts/invitation/[\w-]+/", message.body))
    html = message.alternatives[0][0] if message.alternatives else ""
    assert link in html  # the same link in both parts
    return str(link)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def accept(link: str, password: str = PASSWORD, again: str | None = None) -> tuple[Client, Any]:
    client = Client()
    response = client.post(path_of(link), {"password": password, "again": again or password})
    return client, response


@pytest.mark.two_factor  # the real sign-in: the second factor is still to be set up
def test_an_invitation_by_the_business_team_becomes_an_account_linked_to_its_person(
    cast: Cast, manager: Client, pete: Person
) -> None:
    session = manager.session  # the business manager has given theirs
    session[SESSION_KEY] = True
    session.save()
    response = invite(
        manager, cast, email="Pete.Hill@Warwickshire.PNN.police.uk", role="member", person=pete.pk
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["Pete.Hill@warwickshire.pnn.police.uk"]
    assert message.subject == "You are invited to Warwickshire Safeguarding on Boardkeeper"
    assert "as board member" in message.body
    link = link_in(message)
    page = manager.get(reverse("access", args=[cast.partnership.slug]))
    assert "Pete.Hill@warwickshire.pnn.police.uk" in text_of(page) and "Invitations waiting (1)" in text_of(
        page
    )

    anonymous = Client()
    form = anonymous.get(path_of(link))
    assert form.status_code == 200 and "Join Warwickshire Safeguarding" in text_of(form)
    assert "as pete hill" in text_of(form).lower()
    _, mismatch = accept(link, again="something else entirely")
    assert "The two passwords are not the same." in text_of(mismatch)
    _, weak = accept(link, password="password")
    assert "This password is too common." in text_of(weak)
    assert not User.objects.filter(email__iexact="pete.hill@warwickshire.pnn.police.uk").exists()

    client, accepted = accept(link)
    assert accepted["Location"] == reverse("two_factor_setup")
    user = User.objects.get(username="Pete.Hill@warwickshire.pnn.police.uk")
    assert user.check_password(PASSWORD)
    assert PartnershipRole.objects.get(user=user).role == "member"
    pete.refresh_from_db()
    assert pete.user == user  # My actions and My calendar are Pete Hill's
    assert client.get(reverse("two_factor_setup")).status_code == 200  # signed in: the second factor next
    assert client.get(reverse("my_actions"))["Location"].startswith(reverse("two_factor"))
    assert AuditEvent.objects.filter(action="access", detail__startswith="invitation accepted").exists()

    used = Client().get(path_of(link))
    assert used.status_code == 404 and "already been used" in text_of(used)
    _, again = accept(link)
    assert again.status_code == 404 and User.objects.filter(email__iexact=user.email).count() == 1


def test_a_link_expires_after_seven_days(cast: Cast, manager: Client) -> None:
    invitation, token = invitations.invitation_create(
        partnership=cast.partnership, email="jo@example.org", role="viewer", person=None, by=cast.manager
    )
    assert invitation.expires_at - invitation.created_at >= dt.timedelta(days=7) - dt.timedelta(seconds=1)
    later = timezone.now() + dt.timedelta(days=7, minutes=1)
    assert "expired" in invitations.invitation_by_token(token, now=later).problem
    with pytest.raises(invitations.InvitationRefused, match="expired"):
        invitations.invitation_accept(token=token, password=PASSWORD, now=later)
    assert "Expired" not in text_of(manager.get(reverse("access", args=[cast.partnership.slug])))


def test_sending_again_replaces_the_link_and_cancelling_ends_it(cast: Cast, manager: Client) -> None:
    invite(manager, cast, email="jo@example.org", role="viewer")
    first = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    manager.post(reverse("invitation_resend", args=[cast.partnership.slug, invitation.pk]))
    second = link_in(mail.outbox[1])
    assert first != second
    assert Client().get(path_of(first)).status_code == 404
    assert Client().get(path_of(second)).status_code == 200
    cancelled = manager.post(
        reverse("invitation_cancel", args=[cast.partnership.slug, invitation.pk]), follow=True
    )
    assert "Invitation of jo@example.org cancelled" in text_of(cancelled)
    assert "Invitations waiting (0)" in text_of(cancelled)
    gone = Client().get(path_of(second))
    assert gone.status_code == 404 and "cancelled" in text_of(gone)
    # a new invitation of the same address cancels one still waiting: one live link a person
    invite(manager, cast, email="jo@example.org", role="viewer")
    invite(manager, cast, email="JO@example.org", role="member")
    assert Invitation.objects.filter(accepted_at=None, cancelled_at=None).get().role == "member"


def test_the_invite_form_refuses_what_cannot_be(cast: Cast, manager: Client) -> None:
    cast.member.email = "pete@example.org"
    cast.member.save()
    taken = invite(manager, cast, email="pete@example.org", role="member")
    assert taken.status_code == 400
    assert "pete@example.org already has access to Warwickshire Safeguarding." in text_of(taken)
    assert text_of(taken).startswith("Error: Who has access")
    missing = invite(manager, cast, email="not an address", role="")
    assert "Enter an email address in the correct format" in text_of(missing)
    assert "Choose their role." in text_of(missing)
    assert not Invitation.objects.exists() and not mail.outbox


def test_only_the_business_team_invites(cast: Cast) -> None:
    for user in (cast.member, cast.viewer, cast.outsider):
        response = invite(signed_in(user), cast, email="x@example.org", role="business_team")
        assert response.status_code in (403, 404)
    assert not Invitation.objects.exists()


def test_the_audit_trail_keeps_the_invitation_not_its_link(cast: Cast, manager: Client) -> None:
    invite(manager, cast, email="jo@example.org", role="viewer")
    event = AuditEvent.objects.get(model="accounts.invitation", action="create")
    assert event.username == "amrita" and event.partnership_id == cast.partnership.pk
    assert event.changes.get("token_hash") != Invitation.objects.get().token_hash


def test_the_first_business_team_account_from_the_command_line(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "invite",
                "first@example.org",
                "--partnership",
                "warwickshire",
                "--role",
                "business_team",
                "--print-link",
            ]
        )
        == 0
    )
    link = capsys.readouterr().out.strip()
    assert link.startswith("http://") and "/accounts/invitation/" in link and not mail.outbox
    _, response = accept(link)
    assert response["Location"] == reverse("two_factor_setup")
    assert PartnershipRole.objects.get(user__username="first@example.org").role == "business_team"
    event = AuditEvent.objects.get(model="accounts.invitation", action="create")
    assert event.user_id is None and event.username == Operator().username  # the person at the terminal

    assert main(["invite", "second@example.org", "--partnership", "warwickshire", "--role", "viewer"]) == 0
    assert "Invitation sent to second@example.org (Viewer)" in capsys.readouterr().out
    assert mail.outbox[0].to == ["second@example.org"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["x@example.org", "--partnership", "Nowhere", "--role", "viewer"],
            "no partnership called 'Nowhere'",
        ),
        (
            ["x@example.org", "--partnership", "warwickshire", "--role", "viewer", "--person", "Nobody"],
            "nobody called 'Nobody'",
        ),
        (["not-an-address", "--partnership", "warwickshire", "--role", "viewer"], "is not an email address"),
    ],
)
def test_the_invite_command_refuses_in_one_line(
    cast: Cast, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    assert main(["invite", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert said in err and len(err.splitlines()) == 1
    assert not Invitation.objects.exists()
