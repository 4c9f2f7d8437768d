"""Journey 1: a new artist, from the invitation to a film and feedback, on the real worker."""

import re

import pytest

from generation.models import GenerationJob
from program.access.models import AccessToken
from program.feedback.models import Feedback
from program.films.models import Film
from program.services.agreements import agreement_publish
from program.services.invitations import invitation_create, invitation_link_token
from tests.browser.conftest import PASSWORD, video_is_playable, watch_progress
from tests.films.factories import make_round

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_new_artist_generates_plays_submits_a_film_and_files_feedback(
    gpu_worker, generation_settings, live_server, page, shot, program, program_staff
):
    # Preconditions the journey does not cover: published terms, an open round, an invitation.
    agreement_publish(program=program, title="Atelier agreement", body="## Terms\n\nPaid work.")
    make_round(program=program, actor=program_staff)
    invitation = invitation_create(
        program=program, email="ines@example.test", name="Inès Duarte", country="PT"
    )
    base = live_server.url

    page.goto(f"{base}/invite/{invitation_link_token(invitation)}/")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url(f"{base}/portal/agreement/")
    page.get_by_label("I have read and accept these terms").check()
    page.get_by_role("button", name="Accept version 1").click()
    page.wait_for_url(f"{base}/portal/")
    shot(page, "artist-1-dashboard")

    # A token is shown once, then only its prefix.
    page.goto(f"{base}/portal/tokens/")
    page.get_by_label("Name").fill("render server")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("atl_") or len(secret) > 20
    shot(page, "artist-2-token-shown-once")
    page.reload()  # re-sends the form: no second token, and the secret is gone
    assert secret not in page.content()
    assert page.locator("#new-token").count() == 0
    assert page.get_by_text("no new token was made").is_visible()
    assert AccessToken.objects.filter(tester__user__email="ines@example.test").count() == 1
    shot(page, "artist-3-token-after-reload")

    # Generate on the tiny model and watch the bar fill.
    page.goto(f"{base}/portal/videos/new/")
    shot(page, "artist-4-generate-form")
    page.get_by_label("Prompt", exact=True).fill("a paper boat drifting on a rainy street")
    page.locator("#id_size").fill("64x64")
    page.locator("#id_seconds").fill("1")
    page.get_by_role("button", name="Queue video").click()
    page.wait_for_url(re.compile(r"/portal/videos/video_"))
    public_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    seen = watch_progress(page, timeout=120)
    job = GenerationJob.objects.get(public_id=public_id)
    assert job.status == "completed", gpu_worker.log()[-3000:]
    assert seen[-1] == 100 and seen == sorted(seen)
    assert page.get_by_text("100%").first.is_visible()
    assert video_is_playable(page)
    shot(page, "artist-5-video-completed")

    # Submit it as a film to the open round.
    page.get_by_role("link", name="Submit as film").click()
    page.locator("#assemble_title").fill("Paper Boat")
    page.locator("#assemble_submit_now").check()
    shot(page, "artist-6-submit-film")
    page.get_by_role("button", name="Assemble").click()
    page.wait_for_url(re.compile(r"/portal/films/\d+/$"))
    film = Film.objects.get(title="Paper Boat")
    assert film.status == "submitted" and film.tester.user.email == "ines@example.test"
    shot(page, "artist-7-film-submitted")

    # File feedback linked to the generation.
    page.goto(f"{base}/portal/videos/{public_id}/")
    page.get_by_role("link", name="Attach to feedback").click()
    page.get_by_label("Kind").select_option("quality")
    page.get_by_label("Title").fill("Rain streaks look like static")
    page.get_by_label("Body").fill("The rain turns into **static** after the first second.")
    page.get_by_role("button", name="File feedback").click()
    page.wait_for_url(re.compile(r"/portal/feedback/\d+/$"))
    feedback = Feedback.objects.get(title="Rain streaks look like static")
    assert list(feedback.jobs.values_list("public_id", flat=True)) == [public_id]
    assert public_id in page.content()
    shot(page, "artist-8-feedback-filed")
    assert page.js_errors == []
