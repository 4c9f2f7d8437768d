import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program.access import token_format
from program.access.services import token_issue, token_revoke
from tests.conftest import bearer, token_for


def test_token_has_prefix_fixed_length_and_valid_checksum():
    token = token_format.generate()
    assert token.startswith("atl_")
    assert len(token) == token_format.TOKEN_LENGTH
    assert token_format.is_well_formed(token)
    assert token_format.has_valid_checksum(token)


def test_a_changed_character_breaks_the_checksum():
    token = token_format.generate()
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert not token_format.has_valid_checksum(flipped)


@pytest.mark.django_db
def test_only_hash_and_prefix_are_stored(artist):
    issued = token_issue(tester=artist, name="laptop", scopes=["videos:read"])
    stored = issued.token
    assert stored.token_hash == token_format.hash_token(issued.secret)
    assert issued.secret not in (stored.prefix, stored.token_hash, stored.name)
    assert issued.secret.startswith(stored.prefix)


@pytest.mark.django_db
def test_expiry_never_passes_program_end(artist):
    artist.program.ends_on = datetime.date.today() + datetime.timedelta(days=3)
    artist.program.save()
    token = token_issue(tester=artist, name="t", scopes=["videos:read"], expires_in_days=30).token
    assert token.expires_at.date() <= artist.program.ends_on


@pytest.mark.django_db
def test_wrong_checksum_is_rejected_before_any_query(artist):
    secret = token_for(artist)
    forged = secret[:-1] + ("a" if secret[-1] != "a" else "b")
    client = bearer(forged)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_invalid_checksum"
    assert not [q for q in queries.captured_queries if "access_accesstoken" in q["sql"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("malformed", 401, "token_malformed"),
        ("unknown", 401, "token_unknown"),
        ("revoked", 401, "token_revoked"),
        ("expired", 401, "token_expired"),
    ],
)
def test_bad_tokens_get_distinct_codes(artist, case, status, code):
    secret = token_for(artist)
    if case == "malformed":
        secret = "atl_short"
    elif case == "unknown":
        secret = token_format.generate()
    elif case == "revoked":
        from program.access.models import AccessToken

        token_revoke(token=AccessToken.objects.get(), reason="test")
    travel = datetime.timedelta(days=31 if case == "expired" else 0)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + travel):
        response = bearer(secret).get("/api/me/")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.django_db
def test_valid_token_authenticates_and_records_last_use(artist):
    secret = token_for(artist)
    response = bearer(secret).get("/api/me/", REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    assert response.json()["email"] == artist.user.email
    assert artist.tokens.get().last_used_ip == "192.0.2.10"


@pytest.mark.django_db
@pytest.mark.parametrize("with_security", [False, True])
def test_lookup_builds_the_same_objects_as_the_orm(artist, with_security):
    from program.access.lookup import token_by_hash
    from program.access.models import AccessToken, ProgramSecurity
    from program.access.services import program_security_update

    if with_security:
        program_security_update(program=artist.program, actor=None, spread_max_networks=9)
    secret = token_for(artist, scopes=("videos:read",))
    found = token_by_hash(token_format.hash_token(secret))
    expected = AccessToken.objects.get()
    assert (found.pk, found.scopes, found.expires_at, found.status) == (
        expected.pk,
        ["videos:read"],
        expected.expires_at,
        "active",
    )
    assert found.tester.user.email == artist.user.email
    assert found.tester.program.ends_on == artist.program.ends_on
    if with_security:
        assert found.tester.program.security.spread_max_networks == 9
    else:
        with pytest.raises(ProgramSecurity.DoesNotExist):
            found.tester.program.security  # noqa: B018
    assert token_by_hash("0" * 64) is None
