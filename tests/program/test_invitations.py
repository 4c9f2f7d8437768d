import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from program.models import Invitation, Tester
from program.services.invitations import (
    InvitationInvalid,
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_link_token,
    invitation_resend,
    invitation_resolve,
)

PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def invitation(program, program_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return invitation_create(
            program=program,
            email="nia@example.test",
            name="Nia",
            country="NG",
            invited_by=program_staff,
        )


@pytest.mark.django_db
def test_invitation_email_carries_a_working_link(invitation):
    assert len(mail.outbox) == 1
    assert invitation_link_token(invitation) in mail.outbox[0].body
    assert invitation_resolve(invitation_link_token(invitation)).pk == invitation.pk


@pytest.mark.django_db
def test_accepting_sets_password_and_moves_to_onboarding(invitation):
    tester = invitation_accept(token=invitation_link_token(invitation), password=PASSWORD)

    assert tester.status == Tester.Status.ONBOARDING
    assert tester.user.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


@pytest.mark.django_db
def test_link_cannot_be_used_twice(invitation):
    token = invitation_link_token(invitation)
    invitation_accept(token=token, password=PASSWORD)

    with pytest.raises(InvitationInvalid) as error:
        invitation_accept(token=token, password=PASSWORD)
    assert error.value.code == "invitation_used"


@pytest.mark.django_db
def test_link_expires_after_seven_days(invitation):
    token = invitation_link_token(invitation)
    with (
        time_machine.travel(invitation.sent_at + datetime.timedelta(days=7, seconds=1)),
        pytest.raises(InvitationInvalid) as error,
    ):
        invitation_resolve(token)
    assert error.value.code == "invitation_expired"


@pytest.mark.django_db
def test_forged_link_is_rejected(invitation):
    with pytest.raises(InvitationInvalid) as error:
        invitation_resolve(invitation_link_token(invitation)[:-2] + "xx")
    assert error.value.code == "invitation_forged"


@pytest.mark.django_db
def test_resend_replaces_the_old_link_and_extends_expiry(invitation):
    old_token = invitation_link_token(invitation)
    with time_machine.travel(invitation.sent_at + datetime.timedelta(days=6)):
        resent = invitation_resend(invitation=invitation)
        assert invitation_resolve(invitation_link_token(resent)).pk == invitation.pk
        with pytest.raises(InvitationInvalid) as error:
            invitation_resolve(old_token)
    assert error.value.code == "invitation_superseded"
    assert resent.send_count == 2
    assert resent.expires_at > invitation.expires_at


@pytest.mark.django_db
def test_decline_records_reason_and_offboards(invitation):
    invitation_decline(token=invitation_link_token(invitation), reason="No time this quarter")

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_reason == "No time this quarter"
    assert invitation.tester.status == Tester.Status.OFFBOARDED


@pytest.mark.django_db
@pytest.mark.parametrize("mangle", ["expired", "used", "forged"])
def test_bad_links_get_a_clear_page_not_a_500(client, invitation, mangle):
    token = invitation_link_token(invitation)
    if mangle == "used":
        invitation_accept(token=token, password=PASSWORD)
    if mangle == "forged":
        token = "garbage"
    travel = invitation.sent_at + datetime.timedelta(days=8 if mangle == "expired" else 0)
    with time_machine.travel(travel):
        response = client.get(reverse("invitation", kwargs={"token": token}))
    assert response.status_code == 400
    assert b"can't be used" in response.content


@pytest.mark.django_db
def test_web_accept_then_agreement_activates(client, invitation, program):
    from program.services.agreements import agreement_publish

    agreement_publish(program=program, title="Terms", body="Pay is fair.")
    url = reverse("invitation", kwargs={"token": invitation_link_token(invitation)})

    response = client.post(
        url, {"action": "accept", "password": PASSWORD, "password_again": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal-agreement")
    response = client.post(reverse("portal-agreement"), {"agree": "on"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    tester = Tester.objects.get(pk=invitation.tester_id)
    assert tester.status == Tester.Status.ACTIVE
    assert tester.acceptances.get().ip_address == "203.0.113.9"
