from datetime import timedelta

import pytest
from django.utils import timezone

from program.films.models import LicenseUse, Screening
from program.films.services import licensing
from tests.conftest import client_for
from tests.films.factories import make_license, make_selected_film


@pytest.fixture
def screening(program, program_staff):
    response = client_for(program_staff).post(
        "/api/screenings/",
        {
            "title": "Harbour nights",
            "starts_at": (timezone.now() + timedelta(days=2)).isoformat(),
            "place": "Cinéma du Port",
            "fee_minor": 15000,
            "currency": "EUR",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Screening.objects.get(pk=response.json()["id"])


@pytest.fixture
def licensed(artist, program_staff, film_round):
    film = make_selected_film(tester=artist, credit_line="Harbour, by Ada")
    license = make_license(film=film, actor=program_staff)
    licensing.license_accept(license=license, tester=artist, ip_address="127.0.0.1")
    return film


def _add(client, screening, film):
    return client.post(f"/api/screenings/{screening.pk}/films/", {"film": film.pk}, format="json")


@pytest.mark.django_db
def test_screening_needs_place_or_link(program_staff, program):
    response = client_for(program_staff).post(
        "/api/screenings/",
        {"title": "Nowhere", "starts_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "place"


@pytest.mark.django_db
def test_unlicensed_film_cannot_be_programmed(screening, artist, program_staff, film_round):
    film = make_selected_film(tester=artist, title="Bare")
    response = _add(client_for(program_staff), screening, film)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_licensed"


@pytest.mark.django_db
def test_film_without_approved_credit_line_cannot_be_programmed(
    screening, artist, program_staff, film_round
):
    film = make_selected_film(tester=artist, title="Nameless", credit_line="")
    response = _add(client_for(program_staff), screening, film)
    assert response.json()["error"]["code"] == "no_credit_line"


@pytest.mark.django_db
def test_confirming_logs_each_use_and_pays_each_artist(
    screening, licensed, program_staff, earnings_spy
):
    staff = client_for(program_staff)
    entry = _add(staff, screening, licensed).json()
    assert entry["credit_line"] == "Harbour, by Ada"
    earnings_spy.clear()

    response = staff.post(f"/api/screenings/{screening.pk}/confirm/")

    assert response.json()["status"] == "confirmed"
    use = LicenseUse.objects.get()
    assert (use.channel, use.license.film_id) == ("screening", licensed.pk)
    assert [(c["rule"], c["amount_minor"], c["currency"]) for c in earnings_spy] == [
        ("screening.fee", 15000, "EUR")
    ]
    assert earnings_spy[0]["source"].pk == entry["id"]


@pytest.mark.django_db
def test_withdrawn_consent_blocks_the_confirmation(screening, licensed, program_staff, artist):
    staff = client_for(program_staff)
    _add(staff, screening, licensed)
    licensing.license_withdraw(license=licensed.licenses.get(), tester=artist, reason="no")

    response = staff.post(f"/api/screenings/{screening.pk}/confirm/")

    assert response.status_code == 409
    screening.refresh_from_db()
    assert screening.status == "planned"
    assert LicenseUse.objects.count() == 0
