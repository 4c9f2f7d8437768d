"""Journey 2: staff accept the artist's feedback; curators review the film blind; the film is
selected, licensed, and the artist accepts."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from program.feedback.models import Feedback
from program.feedback.services import feedback_create
from program.films.models import Film, License
from program.roles import Role
from tests.conftest import make_artist, make_staff
from tests.films.factories import make_film, make_job, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_staff_triage_blind_curation_selection_and_license(
    media, live_server, page_for, shot, program, program_staff
):
    # Preconditions from journey 1: an artist's generation, film in an open round, feedback.
    base = live_server.url
    artist = make_artist(program, display_name="Inès Duarte")
    artist.user.email = "ines@example.test"
    artist.user.save(update_fields=["email"])
    film_round = make_round(program=program, actor=program_staff, reviewers=1)
    job = make_job(tester=artist)
    film = make_film(tester=artist, title="Paper Boat", credits="Directed by Inès Duarte")
    feedback = feedback_create(
        tester=artist,
        kind="quality",
        title="Rain streaks look like static",
        body="The rain turns into static after one second.",
        job_ids=[job.public_id],
    )
    curator = make_staff(Role.CURATOR, "curator@staff.test")

    # Program staff triage the feedback and accept it.
    staff = page_for(program_staff)
    staff.goto(f"{base}/staff/feedback/")
    shot(staff, "staff-1-triage-queue")
    staff.get_by_role("link", name=feedback.title).click()
    for state in ("triaged", "accepted"):
        staff.get_by_label("State").select_option(state)
        if state == "accepted":
            staff.locator("#id_note").fill("Reproduced; fixed in the next model build.")
        staff.get_by_role("button", name="Apply").click()
        staff.wait_for_load_state()
    feedback.refresh_from_db()
    assert feedback.state == Feedback.State.ACCEPTED
    shot(staff, "staff-2-feedback-accepted")

    # Staff assign reviewers on the round page.
    staff.goto(f"{base}/staff/films/rounds/{film_round.pk}/")
    staff.get_by_role("button", name="Assign 1 reviewer to every film").click()
    staff.wait_for_load_state()
    assert film.assignments.filter(curator=curator).exists()

    # The curator reviews blind: no name, no email, no credits before scoring.
    reviewer = page_for(curator)
    reviewer.goto(f"{base}/staff/curation/")
    shot(reviewer, "staff-3-curator-assignments")
    reviewer.get_by_role("link", name="Paper Boat").click()
    reviewer.wait_for_url(re.compile(r"/staff/curation/\d+/$"))
    for page_html in (reviewer.content(),):
        for secret in ("Inès", "Duarte", "ines@example.test", "Directed by"):
            assert secret not in page_html
    shot(reviewer, "staff-4-blind-review")
    reviewer.get_by_label(re.compile(r"^Story")).fill("5")
    reviewer.get_by_label(re.compile(r"^Craft")).fill("4")
    reviewer.get_by_label("Feedback").fill("A tender, funny little film.")
    reviewer.get_by_role("button", name="Submit review (final)").click()
    reviewer.wait_for_load_state()
    assert film.assignments.get(curator=curator).status == "submitted"
    shot(reviewer, "staff-5-review-submitted")

    # Staff select the film and release decisions on the round's date.
    staff.goto(f"{base}/staff/films/rounds/{film_round.pk}/")
    staff.get_by_label("Outcome").select_option("selected")
    staff.get_by_label("Note").fill("Selected for the spring showcase.")
    staff.get_by_role("button", name="Record").click()
    staff.wait_for_load_state()
    shot(staff, "staff-6-round-decisions")
    moment = film_round.notify_at + datetime.timedelta(minutes=1)
    with time_machine.travel(moment, tick=True):
        staff.get_by_role("button", name="Release decisions").click()
        staff.wait_for_load_state()
    assert Film.objects.get(pk=film.pk).status == Film.Status.SELECTED

    # A license request goes out.
    staff.goto(f"{base}/staff/films/licenses/")
    staff.get_by_label("Film").select_option(label="Paper Boat")
    today = timezone.localdate()
    staff.get_by_label("Starts on").fill(f"{today:%Y-%m-%d}")
    staff.get_by_label("Ends on").fill(f"{today + datetime.timedelta(days=180):%Y-%m-%d}")
    staff.get_by_label("Fee, in cents").fill("25000")
    shot(staff, "staff-7-license-request")
    staff.get_by_role("button", name="Send to the artist").click()
    staff.wait_for_load_state()
    shot(staff, "staff-8-license-sent")
    license = License.objects.get(film=film)
    assert license.status == "pending"

    # The artist sees the decision, the curator's shared feedback, and accepts the license.
    own = page_for(artist.user)
    own.goto(f"{base}/portal/films/licenses/")
    shot(own, "staff-9-artist-licenses")
    own.get_by_role("link", name="Answer").click()
    assert own.get_by_text("A tender, funny little film.").is_visible()
    own.get_by_role("button", name="Accept").click()
    own.wait_for_load_state()
    license.refresh_from_db()
    assert license.status == "accepted"
    shot(own, "staff-10-artist-license-accepted")
    assert staff.js_errors == reviewer.js_errors == own.js_errors == []
