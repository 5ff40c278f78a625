"""Access changed by the business team (issue 13): a role changed, a second factor reset, access removed,
never leaving a partnership without an active member of its business team; and a forgotten password
reset by e-mail, through a real SMTP server, without getting past the second factor."""

from __future__ import annotations

import re

import pytest
from cast import Cast, signed_in, text_of
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from smtp import Recorder

from boardkeeper.accounts import security
from boardkeeper.accounts.models import PartnershipRole, RecoveryCode, TwoFactor
from boardkeeper.audit.models import AuditEvent


def post(client: Client, cast: Cast, user: User, **data: str) -> str:
    response = client.post(
        reverse("access", args=[cast.partnership.slug]), {"user": str(user.pk), **data}, follow=True
    )
    return text_of(response)


def role_of(cast: Cast, user: User) -> str:
    return PartnershipRole.objects.get(partnership=cast.partnership, user=user).role


def test_the_business_team_changes_a_role(cast: Cast, manager: Client) -> None:
    page = post(manager, cast, cast.member, action="role", role="viewer")
    assert "pete is now viewer." in page
    assert role_of(cast, cast.member) == "viewer"
    event = AuditEvent.objects.get(action="access", object_id=str(cast.member.pk))
    assert event.detail == "role changed: Board member → Viewer" and event.username == "amrita"


def test_the_last_of_the_business_team_cannot_be_demoted_or_removed(cast: Cast, manager: Client) -> None:
    page = post(manager, cast, cast.manager, action="role", role="member")
    assert "amrita is the last member of the business team: give someone else that role first." in page
    assert role_of(cast, cast.manager) == "business_team"
    assert "You cannot remove your own access" in post(manager, cast, cast.manager, action="remove")
    # with a second member of the business team, one may step down, and then be removed by the other
    post(manager, cast, cast.member, action="role", role="business_team")
    assert "amrita is now board member." in post(manager, cast, cast.manager, action="role", role="member")
    pete = signed_in(cast.member)
    assert "amrita is the last" not in post(pete, cast, cast.manager, action="remove")
    assert not PartnershipRole.objects.filter(user=cast.manager).exists()
    # pete, now the only one, cannot step down
    assert "pete is the last member" in post(pete, cast, cast.member, action="role", role="viewer")


def test_a_lost_phone_the_business_team_resets_the_second_factor(cast: Cast, manager: Client) -> None:
    device = security.device_for(cast.member)
    security.confirm(device)
    security.new_recovery_codes(cast.member)
    assert "Reset" in text_of(manager.get(reverse("access", args=[cast.partnership.slug])))
    page = post(manager, cast, cast.member, action="second_factor")
    assert "authenticator app is reset: they set it up again at their next sign-in" in page
    assert not TwoFactor.objects.filter(user=cast.member).exists()
    assert not RecoveryCode.objects.filter(user=cast.member).exists()
    assert AuditEvent.objects.filter(action="two_factor", detail__startswith="second factor reset").exists()
    mine = post(manager, cast, cast.manager, action="second_factor")
    assert "You cannot reset your own second factor" in mine


def test_only_the_business_team_changes_access(cast: Cast) -> None:
    device = security.device_for(cast.manager)
    security.confirm(device)
    for user in (cast.member, cast.viewer, cast.outsider):
        client = signed_in(user)
        for data in (
            {"action": "role", "role": "business_team"},
            {"action": "second_factor"},
            {"action": "remove"},
        ):
            response = client.post(
                reverse("access", args=[cast.partnership.slug]), {"user": str(cast.manager.pk), **data}
            )
            assert response.status_code in (403, 404)
    assert (
        role_of(cast, cast.manager) == "business_team"
        and TwoFactor.objects.filter(user=cast.manager).exists()
    )


@pytest.mark.two_factor  # signing in again after the reset still asks for the code
def test_a_forgotten_password_is_reset_by_email_and_the_second_factor_still_asked(
    cast: Cast, smtp_server: Recorder
) -> None:
    cast.member.email = "pete@example.org"
    cast.member.save()
    client = Client()
    assert "Forgotten your password?" in text_of(client.get(reverse("login")))
    nobody = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in text_of(nobody) and not smtp_server.messages  # says nothing of who exists
    client.post(reverse("password_reset"), {"email": "PETE@example.org"})
    (received,) = smtp_server.messages
    assert received.rcpt_tos == ["pete@example.org"]
    assert received.message["Subject"] == "Reset your Boardkeeper password"
    text = received.message.get_body(preferencelist=("plain",))
    assert text is not None
    (link,) = re.findall(r"https?://\S+/accounts/password-reset/\S+/", text.get_content())
    form = client.get(link.split("testserver", 1)[1], follow=True)
    assert "Choose a new password" in text_of(form)
    new = "a new and rather long password"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Your password is changed" in text_of(done)
    cast.member.refresh_from_db()
    assert cast.member.check_password(new)
    assert Client().get(link.split("testserver", 1)[1], follow=True).context["validlink"] is False  # once
    signed = Client()
    assert signed.login(username="pete", password=new)
    assert signed.get(reverse("my_actions"))["Location"].startswith(reverse("two_factor"))
