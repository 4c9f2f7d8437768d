"""Generation fixtures: every test runs against the tiny models (tests/worker.py holds the worker)."""

import pytest

from tests.conftest import make_artist, token_for


@pytest.fixture(autouse=True)
def _generation_settings(generation_settings):
    return generation_settings


@pytest.fixture
def sdk_artist(program):
    return make_artist(program)


@pytest.fixture
def openai_client(live_server, sdk_artist):
    from openai import OpenAI

    return OpenAI(
        base_url=f"{live_server.url}/v1",
        api_key=token_for(sdk_artist, scopes=("videos:read", "videos:write")),
        max_retries=0,
        timeout=60,
    )
