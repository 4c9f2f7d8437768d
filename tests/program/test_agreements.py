import pytest
from django.urls import reverse

from atelier.errors import Conflict
from program.models import Tester
from program.services.agreements import agreement_accept, agreement_publish
from program.services.testers import tester_change_status
from tests.conftest import make_artist


@pytest.mark.django_db
def test_versions_increase_and_old_versions_stay_readable(program):
    first = agreement_publish(program=program, title="Terms", body="Version one text")
    second = agreement_publish(program=program, title="Terms", body="Version two text")

    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.body == "Version one text"


@pytest.mark.django_db
def test_accepting_an_outdated_version_is_refused(program):
    tester = make_artist(program, status=Tester.Status.ONBOARDING)
    old = agreement_publish(program=program, title="Terms", body="one")
    agreement_publish(program=program, title="Terms", body="two")

    with pytest.raises(Conflict) as error:
        agreement_accept(tester=tester, agreement=old, ip_address="198.51.100.1")
    assert error.value.code == "agreement_outdated"


@pytest.mark.django_db
def test_acceptance_records_version_time_ip_and_exact_text(program):
    tester = make_artist(program, status=Tester.Status.ONBOARDING)
    agreement = agreement_publish(program=program, title="Terms", body="The exact words.")

    acceptance = agreement_accept(
        tester=tester, agreement=agreement, ip_address="198.51.100.7", user_agent="pytest"
    )

    assert acceptance.agreement.version == 1
    assert acceptance.ip_address == "198.51.100.7"
    assert acceptance.accepted_text == "The exact words."
    tester.refresh_from_db()
    assert tester.status == Tester.Status.ACTIVE


@pytest.mark.django_db
def test_offboarded_tester_can_still_download_the_text_they_accepted(
    client, program, program_staff
):
    tester = make_artist(program, status=Tester.Status.ONBOARDING)
    agreement = agreement_publish(program=program, title="Terms", body="Words I agreed to.")
    acceptance = agreement_accept(tester=tester, agreement=agreement, ip_address="198.51.100.7")
    tester_change_status(tester=tester, to_status="offboarded", actor=program_staff, reason="left")
    agreement_publish(program=program, title="Terms", body="Different later words.")

    client.force_login(tester.user)
    response = client.get(reverse("acceptance-download", args=[acceptance.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"Words I agreed to." in response.content
    assert b"Different later words." not in response.content


@pytest.mark.django_db
def test_another_artist_cannot_download_my_acceptance(client, program, other_artist):
    tester = make_artist(program, status=Tester.Status.ONBOARDING)
    agreement = agreement_publish(program=program, title="Terms", body="Mine.")
    acceptance = agreement_accept(tester=tester, agreement=agreement, ip_address=None)

    client.force_login(other_artist.user)
    assert client.get(reverse("acceptance-download", args=[acceptance.pk])).status_code == 404
