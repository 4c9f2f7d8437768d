import pytest

from program.roles import Role
from tests.conftest import make_staff
from tests.films.factories import make_round


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def film_round(program, program_staff):
    return make_round(program=program, actor=program_staff)


@pytest.fixture
def curators(db, curator):
    return [
        curator,
        make_staff(Role.CURATOR, "curator2@staff.test"),
        make_staff(Role.CURATOR, "curator3@staff.test"),
    ]


@pytest.fixture
def earnings_spy(monkeypatch):
    """Records calls to the payments interface (a stub until payments lands)."""
    from payments import earnings

    calls = []

    def record(**kwargs):
        calls.append(kwargs)

    monkeypatch.setattr(earnings, "earning_record", record)
    return calls


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Test users only: Argon2 per user would dominate these tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
