"""The upstream Python clients (generic, typed, async and sync) play episodes against our server.

Tests taking `server` run against our Java server and, to check the test itself, against the same
environment served by the upstream library.
"""

import asyncio

import pytest
from openenv.core import GenericEnvClient
from openenv.core.env_server import State

from tests.models import HAS_STEP_METADATA, EchoAction, EchoEnv


@pytest.fixture(params=["java", "python"])
def server(request, echo, py_echo):
    return echo if request.param == "java" else py_echo


def test_generic_sync_client_plays_an_episode(server):
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        reset = env.reset()
        assert reset.observation == {"echoed_message": "Echo environment ready!", "message_length": 0} or \
            reset.observation.get("echoed_message") == "Echo environment ready!"
        assert reset.reward == 0.0 and reset.done is False

        result = env.step({"message": "Hello"})
        assert result.observation["echoed_message"] == "Hello"
        assert result.observation["message_length"] == 5
        assert result.reward == 0.5
        assert result.done is False
        if HAS_STEP_METADATA:
            assert result.metadata == {"original_message": "Hello", "step": 1}

        state = env.state()
        assert state["step_count"] == 1
        assert isinstance(state["episode_id"], str)


def test_reset_with_seed_and_episode_id_starts_that_episode(server):
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        env.reset(seed=42, episode_id="episode-42")
        env.step({"message": "a"})
        env.step({"message": "bb"})
        assert env.state() == {"episode_id": "episode-42", "step_count": 2}
        env.reset()
        state = env.state()
        assert state["step_count"] == 0
        assert state["episode_id"] != "episode-42"


def test_unicode_lengths_count_code_points(server):
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        env.reset()
        result = env.step({"message": "🚀 héllo"})
        assert result.observation["echoed_message"] == "🚀 héllo"
        assert result.observation["message_length"] == 7
        assert result.reward == pytest.approx(0.7)


def test_typed_client_builds_strict_models_from_our_replies(server):
    with EchoEnv(base_url=server.base_url).sync() as env:
        env.reset(episode_id="typed")
        result = env.step(EchoAction(message="typed client"))
        assert result.observation.echoed_message == "typed client"
        assert result.observation.message_length == 12
        assert result.reward == pytest.approx(1.2)
        state = env.state()
        assert isinstance(state, State)
        assert state.episode_id == "typed" and state.step_count == 1


def test_async_client_and_concurrent_sessions_stay_isolated(server):
    async def play(n: int):
        async with GenericEnvClient(base_url=server.base_url) as env:
            await env.reset(episode_id=f"ep-{n}")
            for i in range(n + 1):
                result = await env.step({"message": "x" * (i + 1)})
                assert result.observation["message_length"] == i + 1
            return await env.state()

    async def main():
        return await asyncio.gather(*(play(n) for n in range(4)))

    states = asyncio.run(main())
    assert [s["step_count"] for s in states] == [1, 2, 3, 4]
    assert [s["episode_id"] for s in states] == ["ep-0", "ep-1", "ep-2", "ep-3"]


def test_interleaved_sync_clients_keep_their_own_step_counts(server):
    clients = [GenericEnvClient(base_url=server.base_url).sync() for _ in range(3)]
    try:
        for c in clients:
            c.connect()
            c.reset()
        for round_ in range(3):
            for i, c in enumerate(clients):
                if i <= round_:
                    c.step({"message": f"{i}"})
        assert [c.state()["step_count"] for c in clients] == [3, 2, 1]
    finally:
        for c in clients:
            c.close()
