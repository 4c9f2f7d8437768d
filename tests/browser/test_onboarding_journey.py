from pathlib import Path

import pytest

from program.services.agreements import agreement_publish
from program.services.invitations import invitation_create, invitation_link_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "brush-strokes-and-light-42"


def test_invited_artist_accepts_signs_terms_and_downloads_them(
    live_server, page, shot, program, program_staff
):
    agreement_publish(
        program=program,
        title="Atelier early-access agreement",
        body="## Terms\n\nYou are **paid** for participation.",
    )
    invitation = invitation_create(
        program=program,
        email="nia@example.test",
        name="Nia Mensah",
        country="GH",
        invited_by=program_staff,
    )
    link = f"{live_server.url}/invite/{invitation_link_token(invitation)}/"

    page.goto(link)
    shot(page, "onboarding-1-invitation")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Accept the invitation").click()

    page.wait_for_url(f"{live_server.url}/portal/agreement/")
    shot(page, "onboarding-2-agreement")
    page.get_by_label("I have read and accept these terms").check()
    page.get_by_role("button", name="Accept version 1").click()

    page.wait_for_url(f"{live_server.url}/portal/")
    assert page.get_by_text("Active", exact=True).first.is_visible()
    shot(page, "onboarding-3-dashboard")

    page.goto(f"{live_server.url}/portal/agreement/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the text you accepted").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "You are **paid** for participation." in text
    assert page.js_errors == []


def test_used_invitation_link_shows_a_clear_page(live_server, page, program):
    from program.services.invitations import invitation_accept

    invitation = invitation_create(
        program=program, email="used@example.test", name="Used", country="FR"
    )
    token = invitation_link_token(invitation)
    invitation_accept(token=token, password=PASSWORD)

    page.goto(f"{live_server.url}/invite/{token}/")

    assert page.get_by_role("heading", name="This invitation link can't be used").is_visible()
    assert "already used" in page.content()
