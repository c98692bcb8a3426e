"""A server started with OPENENV_AUTH_TOKEN: the upstream client plays an episode with the token, and is refused without it."""

import inspect

import httpx
import pytest
from openenv.core import GenericEnvClient

TOKEN = "interop-secret"
# Newer clients (0.10) take extra request headers; 0.3's EnvClient has no such argument.
TAKES_HEADERS = "headers" in inspect.signature(GenericEnvClient.__init__).parameters


@pytest.mark.skipif(not TAKES_HEADERS, reason="this upstream client cannot send headers")
def test_upstream_client_with_the_token_plays_an_episode(java_server):
    server = java_server("echo", OPENENV_AUTH_TOKEN=TOKEN)
    with GenericEnvClient(base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}).sync() as env:
        assert env.reset().done is False
        result = env.step({"message": "Hello"})
        assert result.observation["echoed_message"] == "Hello"
        assert env.state()["step_count"] == 1


def test_without_the_token_routes_and_upgrades_are_refused(java_server):
    server = java_server("echo", OPENENV_AUTH_TOKEN=TOKEN)
    assert httpx.post(server.base_url + "/reset", json={}).status_code == 401
    assert httpx.get(server.base_url + "/health").status_code == 200
    with pytest.raises(Exception):
        with GenericEnvClient(base_url=server.base_url).sync() as env:
            env.reset()
