"""Blind review: before submitting, a curator never sees who made a film nor the other scores."""

import pytest
from django.urls import reverse

from program.films.models import Assignment
from program.films.services import curation
from tests.conftest import client_for
from tests.films.factories import make_film, review, web_client

CREDITS = "Directed by Zelda Quartermaine"


@pytest.fixture
def reviewed(program, program_staff, film_round, curators, make_artist_named):
    """A film by a recognisable artist, with two curators assigned; the second has scored."""
    artist = make_artist_named
    film = make_film(tester=artist, credits=CREDITS)
    first = curation.assignment_create(film=film, curator=curators[0], actor=program_staff)
    second = curation.assignment_create(film=film, curator=curators[1], actor=program_staff)
    review(second, 5, 1, feedback="Gorgeous waves", private_note="Reminds me of X")
    return film, first, second


@pytest.fixture
def make_artist_named(program):
    from tests.conftest import make_artist
    from tests.factories import UserFactory

    user = UserFactory(email="zelda.q@artists.test", first_name="Zelda")
    return make_artist(program, user=user, display_name="Zelda Quartermaine")


def _identity_strings(film):
    return [
        film.tester.display_name,
        film.tester.user.email,
        "Quartermaine",
        "zelda.q",
        f'"tester": {film.tester_id}',
    ]


@pytest.mark.django_db
def test_curator_api_hides_identity_credits_and_other_scores_before_submitting(reviewed):
    film, mine, _ = reviewed
    body = client_for(mine.curator).get(f"/api/curation/assignments/mine/{mine.pk}/")

    assert body.status_code == 200
    text = body.content.decode()
    for secret in _identity_strings(film):
        assert secret not in text
    data = body.json()
    assert data["film"]["credits"] is None
    assert data["other_reviews"] is None
    assert "Gorgeous waves" not in text


@pytest.mark.django_db
def test_curator_web_page_hides_identity_and_other_scores_before_submitting(reviewed):
    film, mine, _ = reviewed
    response = web_client(mine.curator).get(reverse("films-review", args=[mine.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    for secret in _identity_strings(film):
        assert secret not in text
    assert "Gorgeous waves" not in text
    assert "Reminds me of X" not in text


@pytest.mark.django_db
def test_after_submitting_curator_sees_other_scores_and_credits(reviewed):
    _, mine, _ = reviewed
    review(mine, 3, 3)

    data = client_for(mine.curator).get(f"/api/curation/assignments/mine/{mine.pk}/").json()

    assert data["film"]["credits"] == CREDITS
    assert [r["feedback"] for r in data["other_reviews"]] == ["Gorgeous waves"]
    assert data["other_reviews"][0]["reviewer"] == "Reviewer 1"
    # Never the other curator's private note or email, even after submitting.
    text = str(data)
    assert "Reminds me of X" not in text
    assert "curator2@staff.test" not in text


@pytest.mark.django_db
def test_assignment_list_carries_no_identity(reviewed):
    film, mine, _ = reviewed
    text = client_for(mine.curator).get("/api/curation/assignments/mine/").content.decode()
    for secret in _identity_strings(film):
        assert secret not in text


@pytest.mark.django_db
def test_curator_cannot_open_someone_elses_assignment(reviewed, curators):
    _, mine, _ = reviewed
    outsider = curators[2]
    assert client_for(outsider).get(f"/api/curation/assignments/mine/{mine.pk}/").status_code == 404
    assert web_client(outsider).get(reverse("films-review", args=[mine.pk])).status_code == 404


@pytest.mark.django_db
def test_round_results_closed_to_curator_until_they_scored(reviewed, film_round):
    _, mine, _ = reviewed
    url = f"/api/curation/rounds/{film_round.pk}/results/"
    assert client_for(mine.curator).get(url).json() == []
    assert (
        web_client(mine.curator).get(reverse("films-results", args=[film_round.pk])).status_code
        == 404
    )

    review(mine, 4, 4)
    rows = client_for(mine.curator).get(url).json()
    assert [row["reviews"] for row in rows] == [2]
    assert {t["reviewer"] for t in rows[0]["totals"]} == {"Reviewer 1", "Reviewer 2"}
    assert rows[0]["decision"] is None


@pytest.mark.django_db
def test_curator_cannot_stream_a_film_they_are_not_assigned(reviewed, curators):
    film, mine, _ = reviewed
    url = reverse("films-media", args=[film.pk, "video"])
    assert web_client(mine.curator).get(url).status_code == 200
    assert web_client(curators[2]).get(url).status_code == 404


@pytest.mark.django_db
def test_submitted_review_is_final(reviewed):
    _, _, theirs = reviewed
    response = client_for(theirs.curator).post(
        f"/api/curation/assignments/mine/{theirs.pk}/review/",
        {"scores": {}, "feedback": "again"},
        format="json",
    )
    assert response.status_code == 409
    assert Assignment.objects.get(pk=theirs.pk).feedback == "Gorgeous waves"


@pytest.mark.django_db
def test_score_outside_the_scale_names_the_field(reviewed, film_round):
    _, mine, _ = reviewed
    criteria = list(film_round.criteria.all())
    response = client_for(mine.curator).post(
        f"/api/curation/assignments/mine/{mine.pk}/review/",
        {"scores": {str(criteria[0].pk): 9, str(criteria[1].pk): 3}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "scores"


@pytest.mark.django_db
def test_serializer_itself_withholds_scores_and_credits_before_submission(reviewed):
    from program.films.api import curator_assignment_data
    from program.films.serializers import CuratorAssignmentSerializer

    _, mine, _ = reviewed
    data = curator_assignment_data(mine)
    # Even if a caller wrongly handed it the other reviews and the credits...
    data["other_reviews"] = [{"reviewer": "R", "total": 1.0, "scores": {}, "feedback": "x"}]
    leaked_film = data["film"].__dict__ | {"credits": CREDITS}
    data["film"] = leaked_film

    out = CuratorAssignmentSerializer(data).data

    assert out["other_reviews"] is None
    assert out["film"]["credits"] is None
