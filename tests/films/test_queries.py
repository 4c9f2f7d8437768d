"""List endpoints run a fixed number of queries, however many rows they return."""

import pytest
from django.utils import timezone

from program.films.models import Film
from program.films.services import curation, licensing
from tests.conftest import client_for, make_artist
from tests.films.factories import make_film, make_license, review


@pytest.fixture
def many(program, program_staff, film_round, curators, artist):
    films = [make_film(tester=artist, title=f"Mine {i}") for i in range(4)]
    films += [make_film(tester=make_artist(program), title=f"Other {i}") for i in range(4)]
    curation.assignments_autoassign(round=film_round, actor=program_staff, every_film=True)
    for assignment in curators[0].film_assignments.all():
        review(assignment, 4, 3)
    for film in films:
        license = make_license(film=film, actor=program_staff)
        licensing.license_accept(license=license, tester=film.tester, ip_address=None)
        licensing.license_use_log(
            license=license,
            channel="website",
            used_on=timezone.localdate(),
            description="Homepage",
            actor=program_staff,
        )
    Film.objects.filter(pk__in=[f.pk for f in films]).update(
        status="selected", credit_line="Credit"
    )
    return films


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "path", "rows", "limit"),
    [
        ("artist", "/api/films/", 4, 8),
        ("artist", "/api/films/licenses/", 4, 6),
        ("curator", "/api/curation/assignments/mine/", 8, 6),
        ("program_staff", "/api/curation/films/", 8, 6),
        ("program_staff", "/api/curation/rounds/", 1, 6),
        ("program_staff", "/api/licenses/", 8, 6),
        ("finance", "/api/licenses/uses/", 8, 6),
        ("program_staff", "/api/screenings/", 0, 6),
        ("anonymous", "/api/films/public/", 8, 4),
    ],
)
def test_list_query_counts(
    many,
    artist,
    curator,
    program_staff,
    finance_user,
    who,
    path,
    rows,
    limit,
    django_assert_max_num_queries,
):
    users = {
        "artist": artist.user,
        "curator": curator,
        "program_staff": program_staff,
        "finance": finance_user,
        "anonymous": None,
    }
    client = client_for(users[who])
    with django_assert_max_num_queries(limit):
        response = client.get(path)
    assert response.status_code == 200
    assert response.json()["count"] == rows


@pytest.mark.django_db
def test_round_results_query_count_is_flat(
    many, film_round, program_staff, django_assert_max_num_queries
):
    client = client_for(program_staff)
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/curation/rounds/{film_round.pk}/results/")
    assert len(response.json()) == 8
