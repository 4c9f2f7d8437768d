from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from program.access.models import AuditEvent
from program.films.models import License, LicenseUse
from program.films.services import licensing
from program.models import Notification
from tests.conftest import client_for
from tests.films.factories import make_license, make_selected_film, web_client


@pytest.fixture
def selected(artist, program, film_round):
    return make_selected_film(tester=artist, title="Harbour", credit_line="Harbour, by Ada")


def _accept(client, license):
    return client.post(
        f"/api/films/{license.film_id}/licenses/{license.pk}/accept/", {}, format="json"
    )


@pytest.mark.django_db
def test_request_tells_the_artist(selected, program_staff):
    make_license(film=selected, actor=program_staff)
    notice = Notification.objects.get(user=selected.tester.user, kind="film.license_requested")
    assert "EUR" in notice.body


@pytest.mark.django_db
def test_fee_must_be_integer_minor_units(selected, program_staff):
    response = client_for(program_staff).post(
        "/api/licenses/",
        {
            "film": selected.pk,
            "use": "press",
            "channels": ["press"],
            "starts_on": "2026-01-01",
            "ends_on": "2026-02-01",
            "fee_minor": 12.5,
            "currency": "EUR",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "fee_minor"


@pytest.mark.django_db
def test_acceptance_records_exact_terms_hash_time_and_ip(selected, program_staff, earnings_spy):
    license = make_license(film=selected, actor=program_staff)

    response = client_for(selected.tester.user).post(
        f"/api/films/{selected.pk}/licenses/{license.pk}/accept/",
        {},
        format="json",
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 200
    license.refresh_from_db()
    assert license.status == License.Status.ACCEPTED
    assert license.accepted_terms["fee_minor"] == 25000
    assert license.accepted_terms["channels"] == ["screening", "website"]
    assert license.accepted_terms_sha256 == licensing.terms_hash(license.accepted_terms)
    assert license.accepted_ip == "203.0.113.9"
    assert license.responded_at is not None
    assert earnings_spy == [
        {
            "tester": selected.tester,
            "rule": "license.fee",
            "source": license,
            "occurred_at": license.responded_at,
            "amount_minor": 25000,
            "currency": "EUR",
            "description": "Showcase or screening license for Harbour",
        }
    ]


@pytest.mark.django_db
def test_decline_records_reason_and_earns_nothing(selected, program_staff, earnings_spy):
    license = make_license(film=selected, actor=program_staff)
    response = client_for(selected.tester.user).post(
        f"/api/films/{selected.pk}/licenses/{license.pk}/decline/",
        {"reason": "Not for ads"},
        format="json",
    )
    assert response.json()["status"] == "declined"
    assert earnings_spy == []


@pytest.mark.django_db
def test_no_film_is_public_without_an_accepted_license(selected, program_staff):
    url = reverse("films-public")
    assert "Harbour" not in web_client().get(url).content.decode()
    license = make_license(film=selected, actor=program_staff)
    assert "Harbour" not in web_client().get(url).content.decode()

    _accept(client_for(selected.tester.user), license)

    page = web_client().get(url).content.decode()
    assert "Harbour" in page
    assert "Harbour, by Ada" in page
    assert web_client().get(reverse("films-media", args=[selected.pk, "video"])).status_code == 200


@pytest.mark.django_db
def test_a_license_without_the_website_channel_does_not_publish(selected, program_staff):
    license = make_license(film=selected, actor=program_staff, channels=["screening"])
    _accept(client_for(selected.tester.user), license)
    assert client_for(None).get("/api/films/public/").json()["results"] == []


@pytest.mark.django_db
def test_withdrawal_unpublishes_and_refuses_later_uses(selected, program_staff):
    license = make_license(film=selected, actor=program_staff)
    artist_client = client_for(selected.tester.user)
    _accept(artist_client, license)
    staff = client_for(program_staff)
    today = timezone.localdate().isoformat()
    body = {"channel": "website", "used_on": today, "description": "Homepage feature"}
    assert staff.post(f"/api/licenses/{license.pk}/uses/", body, format="json").status_code == 201

    response = artist_client.post(
        f"/api/films/{selected.pk}/licenses/{license.pk}/withdraw/",
        {"reason": "Changed my mind"},
        format="json",
    )
    assert response.json()["status"] == "withdrawn"

    refused = staff.post(f"/api/licenses/{license.pk}/uses/", body, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "use_not_licensed"
    assert LicenseUse.objects.count() == 1  # the earlier use stays logged
    assert AuditEvent.objects.filter(action="films.license_use_refused").count() == 1
    assert client_for(None).get("/api/films/public/").json()["results"] == []


@pytest.mark.django_db
def test_use_outside_term_or_channels_is_refused(selected, program_staff):
    license = make_license(film=selected, actor=program_staff, days=5)
    _accept(client_for(selected.tester.user), license)
    staff = client_for(program_staff)
    late = (timezone.localdate() + timedelta(days=30)).isoformat()
    today = timezone.localdate().isoformat()

    outside_term = staff.post(
        f"/api/licenses/{license.pk}/uses/",
        {"channel": "website", "used_on": late, "description": "x"},
        format="json",
    )
    other_channel = staff.post(
        f"/api/licenses/{license.pk}/uses/",
        {"channel": "billboard", "used_on": today, "description": "x"},
        format="json",
    )
    assert outside_term.status_code == 409
    assert "outside the license term" in outside_term.json()["error"]["message"]
    assert other_channel.status_code == 409
    assert LicenseUse.objects.count() == 0


@pytest.mark.django_db
def test_pending_license_use_is_refused(selected, program_staff):
    license = make_license(film=selected, actor=program_staff)
    with pytest.raises(licensing.Conflict):
        licensing.license_use_log(
            license=license,
            channel="website",
            used_on=timezone.localdate(),
            description="too soon",
            actor=program_staff,
        )


@pytest.mark.django_db
def test_other_artist_cannot_answer_or_read_a_license(selected, program_staff, other_artist):
    license = make_license(film=selected, actor=program_staff)
    intruder = client_for(other_artist.user)
    assert _accept(intruder, license).status_code == 404
    assert intruder.get(f"/api/films/{selected.pk}/licenses/").status_code == 404
    license.refresh_from_db()
    assert license.status == "pending"


@pytest.mark.django_db
def test_web_accept_and_withdraw(selected, program_staff):
    license = make_license(film=selected, actor=program_staff)
    client = web_client(selected.tester.user)
    url = reverse("films-detail", args=[selected.pk])
    client.post(url, {"action": "license_accept", "license": license.pk})
    license.refresh_from_db()
    assert license.status == "accepted"
    client.post(url, {"action": "license_withdraw", "license": license.pk, "reason": "no"})
    license.refresh_from_db()
    assert license.status == "withdrawn"
