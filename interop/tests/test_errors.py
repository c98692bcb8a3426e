"""Every /ws error code, provoked on purpose, as raw frames and through the upstream client."""

import asyncio
import json
import threading
import time
from importlib.metadata import version

import pydantic
import pytest
import websockets
from openenv.core import GenericEnvClient

# Since openenv 0.4/0.5 the client reads the error frame a refusing server queued before closing;
# 0.3 clients see the closed socket instead.
CLIENT_READS_QUEUED_ERRORS = tuple(int(p) for p in version("openenv").split(".")[:2]) >= (0, 4)


async def _exchange(url, frames, expect_close=False):
    """Sends each frame and returns the parsed replies (and the close code when the server closes)."""
    replies = []
    async with websockets.connect(url) as ws:
        for frame in frames:
            await ws.send(frame)
            replies.append(json.loads(await asyncio.wait_for(ws.recv(), 15)))
        if expect_close:
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 15)
            return replies, ws.close_code
    return replies, None


async def _refused(url):
    """Connects, reads the one frame a refusing server sends, and waits for its close."""
    async with websockets.connect(url) as ws:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 15))
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 15)
        return reply, ws.close_code


# The pinned pydantic's release: the reference links its errors to that version's docs, and so do we.
PYDANTIC_MINOR = ".".join(pydantic.VERSION.split(".")[:2])

def _code(reply):
    assert reply["type"] == "error", reply
    return reply["data"]["code"]


def test_invalid_json_unknown_type_and_validation_errors_keep_the_session(echo):
    replies, _ = asyncio.run(_exchange(echo.ws_url, [
        "{bad",
        '{"type":"bogus"}',
        '{"data":{}}',
        '{"type":"step"}',
        '{"type":"step","data":"x"}',
        '{"type":"step","data":{"message":1}}',
        '{"type":"step","data":{"message":"x","foo":1}}',
        '{"type":"reset","data":{},"extra":1}',
        '{"type":"state"}',
    ]))
    assert _code(replies[0]) == "INVALID_JSON" and replies[0]["data"]["message"].startswith("Invalid JSON: ")
    assert _code(replies[1]) == "UNKNOWN_TYPE" and replies[1]["data"]["message"] == "Unknown message type: bogus"
    assert _code(replies[2]) == "UNKNOWN_TYPE" and replies[2]["data"]["message"] == "Unknown message type: "
    assert _code(replies[3]) == "VALIDATION_ERROR" and replies[3]["data"]["errors"][0]["loc"] == ["data"]
    assert replies[4]["data"]["errors"][0]["type"] == "dict_type"
    assert replies[5]["data"]["errors"][0]["loc"] == ["message"]
    assert replies[5]["data"]["errors"][0]["type"] == "string_type"
    assert replies[6]["data"]["errors"][0] == {
        "type": "extra_forbidden", "loc": ["foo"], "msg": "Extra inputs are not permitted", "input": 1,
        "url": f"https://errors.pydantic.dev/{PYDANTIC_MINOR}/v/extra_forbidden"}
    assert replies[7]["data"]["errors"][0]["loc"] == ["extra"]
    assert replies[8]["type"] == "state"  # still alive after all of that


def test_validation_error_through_the_client_is_a_runtime_error_with_the_code(echo):
    with GenericEnvClient(base_url=echo.base_url).sync() as env:
        env.reset()
        with pytest.raises(RuntimeError, match=r"code: VALIDATION_ERROR"):
            env.step({"message": "x", "unexpected": True})
        assert env.step({"message": "ok"}).observation["echoed_message"] == "ok"


def test_execution_error_from_the_environment(java_server):
    server = java_server("fault")
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        env.reset()
        with pytest.raises(RuntimeError, match=r"fault requested.*\(code: EXECUTION_ERROR\)"):
            env.step({"raise_error": True})
        assert env.step({"message": "after"}).observation == {"metadata": {}, "message": "after", "slept_s": 0.0}


def test_capacity_reached_and_the_slot_is_freed_on_close(java_server):
    server = java_server("echo", MAX_CONCURRENT_ENVS="1")
    first = GenericEnvClient(base_url=server.base_url).sync()
    first.connect()
    first.reset()

    reply, code = asyncio.run(_refused(server.ws_url))
    assert reply == {"type": "error", "data": {
        "message": "Server at capacity: 1/1 sessions active. Cannot accept new connections.",
        "code": "CAPACITY_REACHED", "active_sessions": 1, "max_sessions": 1}}
    assert code == 1000

    with GenericEnvClient(base_url=server.base_url).sync() as second:
        if CLIENT_READS_QUEUED_ERRORS:
            with pytest.raises(RuntimeError, match=r"code: CAPACITY_REACHED"):
                second.reset()
        else:  # before 0.5 the client fails to send on the already closed socket instead
            with pytest.raises((RuntimeError, websockets.ConnectionClosed)):
                second.reset()

    first.close()
    deadline = time.monotonic() + 10
    while True:  # the slot comes back once the server has seen the close
        try:
            with GenericEnvClient(base_url=server.base_url).sync() as third:
                assert third.reset().observation["message_length"] == 0
                break
        except RuntimeError:
            assert time.monotonic() < deadline, "slot never freed"
            time.sleep(0.1)


def test_factory_error(java_server):
    server = java_server("fault", FAULT_ENV_FAIL_FACTORY="1")

    reply, code = asyncio.run(_refused(server.ws_url))
    assert reply == {"type": "error", "data": {
        "message": "Environment factory 'fault' failed to create instance.",
        "code": "FACTORY_ERROR", "factory_name": "fault"}}
    assert code == 1000
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        if CLIENT_READS_QUEUED_ERRORS:
            with pytest.raises(RuntimeError, match=r"code: FACTORY_ERROR"):
                env.reset()
        else:
            with pytest.raises((RuntimeError, websockets.ConnectionClosed)):
                env.reset()


def test_session_error_when_the_server_ends_an_idle_session(java_server):
    server = java_server("echo", OPENENV_IDLE_TIMEOUT_S="1")

    async def idle():
        async with websockets.connect(server.ws_url) as ws:
            await ws.send('{"type":"reset"}')
            await ws.recv()
            reply = json.loads(await asyncio.wait_for(ws.recv(), 15))  # sent by the server on its own
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 15)
            return reply, ws.close_code

    reply, code = asyncio.run(idle())
    assert reply == {"type": "error", "data": {"message": "Session closed after 1 s idle", "code": "SESSION_ERROR"}}
    assert code == 1000


def test_session_error_reaches_a_client_waiting_on_a_step_when_the_server_stops(java_server):
    # The 0.10 client reconnects silently when it finds its socket closed between calls, so a
    # SESSION_ERROR is visible to it when it arrives while a call is in flight.
    server = java_server("fault")
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        env.reset()
        stopper = threading.Timer(0.5, server.process.terminate)
        stopper.start()
        try:
            with pytest.raises(RuntimeError, match=r"Server shutting down \(code: SESSION_ERROR\)"):
                env.step({"sleep_s": 3})
        finally:
            stopper.cancel()


def test_lenient_frames_keep_the_session(echo):
    """Ours only (docs/compatibility.md): the reference ends the session with SESSION_ERROR here."""
    async def run():
        async with websockets.connect(echo.ws_url) as ws:
            await ws.send("[]")
            first = json.loads(await ws.recv())
            await ws.send(b'{"type":"state"}')
            second = json.loads(await ws.recv())
            await ws.send('{"type":"state","data":{}}')
            third = json.loads(await ws.recv())
            await ws.send('{"type":"state"}')
            fourth = json.loads(await ws.recv())
            return first, second, third, fourth

    first, second, third, fourth = asyncio.run(run())
    assert _code(first) == "VALIDATION_ERROR"
    assert _code(second) == "INVALID_JSON"
    # as the reference: data on a state frame is an extra member
    assert _code(third) == "VALIDATION_ERROR" and third["data"]["errors"][0]["type"] == "extra_forbidden"
    assert fourth["type"] == "state"
