import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_staff


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
@override_settings(ATELIER_STAFF_2FA=True)
def test_staff_without_second_factor_is_sent_to_setup(client, program):
    client.force_login(make_staff("program_staff"))
    response = client.get("/staff/testers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/setup/")


@pytest.mark.django_db
@override_settings(ATELIER_STAFF_2FA=True)
def test_staff_session_api_is_refused_until_verified(client, program):
    client.force_login(make_staff("program_staff"))
    response = client.get("/api/testers/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


@pytest.mark.django_db
@override_settings(ATELIER_STAFF_2FA=True)
def test_enrolling_with_a_valid_code_opens_the_console(client, program):
    client.force_login(make_staff("program_staff"))
    client.get("/account/2fa/setup/")
    device = TOTPDevice.objects.get()

    response = client.post(
        "/account/2fa/setup/?next=/staff/testers/", {"code": current_code(device)}
    )

    assert response.status_code == 302 and response["Location"] == "/staff/testers/"
    assert client.get("/staff/testers/").status_code == 200


@pytest.mark.django_db
@override_settings(ATELIER_STAFF_2FA=True)
def test_wrong_code_does_not_enrol(client, program):
    client.force_login(make_staff("program_staff"))
    client.get("/account/2fa/setup/")
    client.post("/account/2fa/setup/", {"code": "000000"})
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


@pytest.mark.django_db
@override_settings(ATELIER_STAFF_2FA=True)
def test_artists_are_not_asked_for_a_second_factor(client, artist):
    client.force_login(artist.user)
    assert client.get("/portal/").status_code == 200
