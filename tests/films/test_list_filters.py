"""Staff list filters are strict: an unknown value is a 400 naming the parameter, not ignored."""

import pytest

from tests.conftest import client_for


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/curation/films/?status=lost", "status"),
        ("/api/curation/films/?round=-3", "round"),
        ("/api/licenses/?status=maybe", "status"),
    ],
)
def test_unknown_filter_value_is_a_400_naming_it(program, program_staff, url, param):
    response = client_for(program_staff).get(url)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
