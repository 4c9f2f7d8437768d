import pytest

from program.films.models import Assignment, Film, License, Round, Screening
from program.films.selectors import film_list_public


@pytest.fixture
def seeded(db):
    from program import demo
    from program.films import demo as films_demo

    context = demo.seed(testers=60)
    films_demo.seed(context)
    return context


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_seed_builds_rounds_films_reviews_licenses_and_screenings(seeded):

    assert Film.objects.count() >= 40
    assert Round.objects.filter(status="released").count() == 1
    assert Assignment.objects.filter(status="submitted").exists()
    assert Assignment.objects.filter(
        curator__email="curator@atelier.test", status="assigned"
    ).exists()
    assert Assignment.objects.filter(status="recused").count() == 1
    assert film_list_public().count() >= 3
    assert License.objects.filter(
        status="pending", film__tester__user__email="artist@atelier.test"
    ).exists()
    assert Screening.objects.filter(status="confirmed").count() == 1


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_pages_render_for_each_role(seeded):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from tests.films.factories import web_client

    users = {u.email: u for u in get_user_model().objects.all()}
    released, current = Round.objects.order_by("notify_at")
    artist_film = Film.objects.filter(tester__user__email="artist@atelier.test").first()
    pages = {
        "artist@atelier.test": [
            reverse("films-mine"),
            reverse("films-submit"),
            reverse("films-detail", args=[artist_film.pk]),
            reverse("portal-dashboard"),
        ],
        "curator@atelier.test": [
            reverse("films-curator"),
            reverse("films-results", args=[released.pk]),
            reverse("staff-overview"),
        ]
        + [
            reverse("films-review", args=[a.pk])
            for a in Assignment.objects.filter(curator__email="curator@atelier.test")[:3]
        ],
        "staff@atelier.test": [
            reverse("films-staff"),
            reverse("films-rounds"),
            reverse("films-round", args=[released.pk]),
            reverse("films-round", args=[current.pk]),
            reverse("films-screenings"),
            reverse("films-screening", args=[Screening.objects.first().pk]),
            reverse("films-licenses"),
            reverse("films-license", args=[License.objects.first().pk]),
            reverse("staff-overview"),
        ],
        "finance@atelier.test": [reverse("films-licenses"), reverse("films-screenings")],
    }
    for email, urls in pages.items():
        client = web_client(users[email])
        for url in urls:
            assert client.get(url).status_code == 200, (email, url)
    public = web_client().get(reverse("films-public")).content.decode()
    assert "a film by" in public
