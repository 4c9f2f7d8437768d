import pytest

from atelier.errors import Conflict
from program.films.models import Assignment, Film
from program.films.selectors import round_results
from program.films.services import curation
from program.roles import Role
from program.services.testers import user_grant_role
from tests.conftest import client_for, make_artist
from tests.films.factories import make_film, review


@pytest.mark.django_db
def test_autoassign_gives_each_film_n_reviewers_with_balanced_load(
    program, program_staff, film_round, curators
):
    films = [make_film(tester=make_artist(program), title=f"F{i}") for i in range(3)]

    created = curation.assignments_autoassign(round=film_round, actor=program_staff)

    assert created == 6
    for film in films:
        assert film.assignments.count() == 2
        film.refresh_from_db()
        assert film.status == Film.Status.IN_REVIEW
    loads = sorted(Assignment.objects.filter(curator=c).count() for c in curators)
    assert loads == [2, 2, 2]


@pytest.mark.django_db
def test_autoassign_every_film_assigns_all_curators(program, program_staff, film_round, curators):
    make_film(tester=make_artist(program))
    make_film(tester=make_artist(program))

    created = curation.assignments_autoassign(
        round=film_round, actor=program_staff, every_film=True
    )

    assert created == 6


@pytest.mark.django_db
def test_a_curator_is_never_assigned_their_own_film(program, program_staff, film_round, curator):
    tester = make_artist(program, user=curator)
    film = make_film(tester=tester)
    with pytest.raises(Conflict):
        curation.assignment_create(film=film, curator=curator, actor=program_staff)
    curation.assignments_autoassign(round=film_round, actor=program_staff, curators=[curator])
    assert not film.assignments.exists()


@pytest.mark.django_db
def test_by_hand_assignment_needs_a_curator(program, program_staff, film_round, finance_user):
    film = make_film(tester=make_artist(program))
    response = client_for(program_staff).post(
        "/api/curation/assignments/", {"film": film.pk, "curator": finance_user.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "curator"


@pytest.mark.django_db
def test_conflict_recuses_and_a_replacement_is_assigned(
    program, program_staff, film_round, curators
):
    film = make_film(tester=make_artist(program))
    first = curation.assignment_create(film=film, curator=curators[0], actor=program_staff)
    curation.assignment_create(film=film, curator=curators[1], actor=program_staff)

    response = client_for(curators[0]).post(
        f"/api/curation/assignments/mine/{first.pk}/conflict/",
        {"reason": "I taught this artist"},
        format="json",
    )

    assert response.json() == {"recused": True, "replaced": True}
    first.refresh_from_db()
    assert first.status == Assignment.Status.RECUSED
    active = film.assignments.exclude(status="recused").values_list("curator__email", flat=True)
    assert sorted(active) == ["curator2@staff.test", "curator3@staff.test"]


@pytest.mark.django_db
def test_recused_scores_leave_the_aggregate(program, program_staff, film_round, curators):
    film = make_film(tester=make_artist(program))
    a = curation.assignment_create(film=film, curator=curators[0], actor=program_staff)
    b = curation.assignment_create(film=film, curator=curators[1], actor=program_staff)
    review(a, 5, 5)
    review(b, 1, 1)

    curation.conflict_declare(assignment=a, curator=curators[0], reason="Family")

    result = round_results(round=film_round)[0]
    assert result.reviews == 1
    assert result.recused == 1
    assert result.mean == 0.0


@pytest.mark.django_db
def test_weighted_mean_and_spread(program, program_staff, film_round, curators):
    # Story x3 (1-5), Craft x1 (1-5). Review A: 5,1 -> (3*100 + 1*0)/4 = 75.
    # Review B: 3,5 -> (3*50 + 1*100)/4 = 62.5. Mean 68.75, spread 12.5.
    film = make_film(tester=make_artist(program))
    a = curation.assignment_create(film=film, curator=curators[0], actor=program_staff)
    b = curation.assignment_create(film=film, curator=curators[1], actor=program_staff)
    review(a, 5, 1)
    review(b, 3, 5)

    result = round_results(round=film_round)[0]

    assert [t for _, t, _ in result.totals] == [75.0, 62.5]
    assert result.mean == 68.75
    assert result.spread == 12.5
    assert result.flags == []


@pytest.mark.django_db
def test_ties_are_flagged(program, program_staff, film_round, curators):
    first = make_film(tester=make_artist(program), title="One")
    second = make_film(tester=make_artist(program), title="Two")
    for film in (first, second):
        for curator in curators[:2]:
            review(
                curation.assignment_create(film=film, curator=curator, actor=program_staff), 4, 4
            )

    results = round_results(round=film_round)

    assert all("tie" in r.flags for r in results)


@pytest.mark.django_db
def test_outliers_and_wide_spread_are_flagged(program, program_staff, curators):
    from tests.films.factories import make_round

    round = make_round(program=program, actor=program_staff, reviewers=3)
    film = make_film(tester=make_artist(program))
    values = [(5, 5), (5, 5), (1, 1)]
    for curator, scores in zip(curators, values, strict=True):
        review(curation.assignment_create(film=film, curator=curator, actor=program_staff), *scores)

    result = round_results(round=round)[0]

    assert [outlier for _, _, outlier in result.totals] == [False, False, True]
    assert "outlier" in result.flags
    assert "wide_spread" in result.flags


@pytest.mark.django_db
def test_films_short_of_n_reviews_are_flagged(program, program_staff, film_round, curators):
    film = make_film(tester=make_artist(program))
    review(curation.assignment_create(film=film, curator=curators[0], actor=program_staff), 3, 3)

    assert round_results(round=film_round)[0].flags == ["under_reviewed"]


@pytest.mark.django_db
def test_rubric_is_frozen_once_a_review_is_in(program, program_staff, film_round, curators):
    film = make_film(tester=make_artist(program))
    review(curation.assignment_create(film=film, curator=curators[0], actor=program_staff), 3, 3)

    response = client_for(program_staff).post(
        f"/api/curation/rounds/{film_round.pk}/criteria/",
        {"name": "Sound", "weight": 1, "scale_min": 1, "scale_max": 5},
        format="json",
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_staff_results_name_reviewers(program, program_staff, film_round, curators):
    film = make_film(tester=make_artist(program))
    review(curation.assignment_create(film=film, curator=curators[0], actor=program_staff), 3, 3)

    rows = client_for(program_staff).get(f"/api/curation/rounds/{film_round.pk}/results/").json()

    assert rows[0]["totals"][0]["reviewer"] == curators[0].email


@pytest.mark.django_db
def test_admin_is_not_auto_assigned_as_curator(program, program_staff, film_round, admin_user):
    user_grant_role(user=admin_user, role=Role.ADMIN)
    make_film(tester=make_artist(program))
    from atelier.errors import ServiceError

    with pytest.raises(ServiceError):
        curation.assignments_autoassign(round=film_round, actor=program_staff)


@pytest.mark.django_db
def test_notification_date_cannot_move_into_the_past(film_round, program_staff):
    response = client_for(program_staff).patch(
        f"/api/curation/rounds/{film_round.pk}/",
        {"notify_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "notify_at"


@pytest.mark.django_db
def test_autoassign_in_a_program_without_curators_is_a_conflict_not_bad_input(
    program, program_staff, film_round
):
    make_film(tester=make_artist(program))

    response = client_for(program_staff).post(
        f"/api/curation/rounds/{film_round.pk}/autoassign/", {}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_curators"


@pytest.mark.django_db
def test_autoassign_to_users_who_are_not_curators_names_the_field(
    program, program_staff, film_round
):
    response = client_for(program_staff).post(
        f"/api/curation/rounds/{film_round.pk}/autoassign/",
        {"curators": [program_staff.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "curators"
