"""What 0.10 changed, played against our server with the upstream package and checked side by side with
the upstream library's own servers (interop/servers/): the Task API, MCP shapes and texts, schemas that a
stock JSON Schema validator accepts for what the server really sends."""

import asyncio
import importlib.metadata
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jsonschema
import pytest
from openenv.core import GenericEnvClient
from openenv.core.mcp_client import MCPToolClient

from conftest import HERE, Server

UPSTREAM = importlib.metadata.version("openenv")
ON_010 = UPSTREAM.startswith("0.10")
# Side-by-side tests compare our server with the upstream library's server at the pinned 0.10.0; in the
# legacy run (0.3.1) that server is 0.3's, whose shapes these tests are not about.
side_by_side = pytest.mark.skipif(not ON_010, reason="compares with the upstream 0.10.0 server")


@pytest.fixture(scope="module")
def py_mcp():
    """The upstream MCP echo (MCPEnvironment + FastMCP), the same tools as our echo-mcp."""
    import sys
    server = Server("py-mcp-echo", [sys.executable, str(HERE / "servers" / "py_mcp_echo_server.py"), "--port", "{port}"],
                    {"MAX_CONCURRENT_ENVS": "8"})
    yield server
    server.stop()


def _rpc(base_url, method, params=None, request_id=1, **extra):
    body = {"jsonrpc": "2.0", "id": request_id, "method": method, **extra}
    if params is not None:
        body["params"] = params
    return httpx.post(base_url + "/mcp", json=body, timeout=10).json()


# --- the Task API ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("env_name", ["wordle", "gridworld"])
def test_a_trainer_iterates_a_split_fetches_tasks_and_resets_into_them(java_server, env_name):
    server = java_server(env_name)
    base = server.base_url
    names = httpx.get(base + "/list_environments").json()
    assert len(names) == 1
    name = names[0]
    splits = httpx.get(f"{base}/{name.upper()}/splits").json()  # names match case-insensitively
    assert splits and all(set(s) == {"name", "type"} for s in splits)
    split = splits[0]["name"]
    count = httpx.post(f"{base}/{name}/num_tasks", json={"split": split}).json()["num_tasks"]
    assert count > 2
    first = httpx.post(f"{base}/{name}/task", json={"split": split, "index": 0}).json()
    window = httpx.post(f"{base}/{name}/task_range", json={"split": split, "start": 0, "stop": 3}).json()
    assert window["tasks"][0] == first["task"]
    assert len(window["tasks"]) == 3

    # The upstream client passes split/index through reset's kwargs; the same task twice is the same start.
    with GenericEnvClient(base_url=base).sync() as env:
        one = env.reset(split=split, index=1).observation
        again = env.reset(split=split, index=1).observation
        other = env.reset(split=split, index=2).observation
    assert one == again
    assert one != other or env_name == "wordle"  # wordle's first view is the same for every answer

    assert httpx.post(f"{base}/{name}/task", json={"split": split, "index": count}).status_code == 400
    assert httpx.post(f"{base}/{name}/task", json={"split": split}).status_code == 422
    assert httpx.get(f"{base}/no_such_env/splits").status_code == 404


@side_by_side
def test_an_environment_without_tasks_answers_as_the_reference_does(echo, py_echo):
    def calls(base):
        name = httpx.get(base + "/list_environments").json()[0]
        out = []
        for method, path, body in [("GET", f"/{name}/splits", None),
                                   ("POST", f"/{name}/num_tasks", {"split": "train"}),
                                   ("POST", f"/{name}/task", {"split": "train", "index": 0}),
                                   ("POST", f"/{name}/task_range", {"split": "train", "start": 0, "stop": 1})]:
            r = httpx.request(method, base + path, json=body)
            out.append((r.status_code, r.json()))
        return out
    assert calls(echo.base_url) == calls(py_echo.base_url)


@side_by_side
# --- MCP: shapes and texts side by side -------------------------------------------------------------------

def test_tools_list_has_the_reference_keys(java_server, py_mcp):
    ours = _rpc(java_server("echo-mcp").base_url, "tools/list")["result"]["tools"]
    theirs = _rpc(py_mcp.base_url, "tools/list")["result"]["tools"]
    assert [list(t) for t in ours] == [list(t) for t in theirs]
    for mine, ref in zip(ours, theirs):
        assert mine["inputSchema"] == ref["inputSchema"]
        assert (mine["title"], mine["meta"], mine["icons"], mine["execution"]) == (ref["title"], ref["meta"], ref["icons"], ref["execution"])
    assert ours[0]["outputSchema"] == theirs[0]["outputSchema"]


@side_by_side
@pytest.mark.parametrize("request_body", [
    {"id": 4, "method": "tools/list"},
    {"jsonrpc": "1.0", "id": 4, "method": "tools/list", "extra": {"a": [1, 2.5, True, None, "x"]}},
    {"jsonrpc": "2.0", "id": 4.5, "method": 3, "params": [1]},
    {"jsonrpc": "2.0", "id": 4, "method": "tools/list", "zz": "z" * 80},
], ids=["no-jsonrpc", "literal-and-extra", "four-errors", "long-input"])
def test_invalid_requests_carry_pydantics_text(java_server, py_mcp, request_body):
    ours = httpx.post(java_server("echo-mcp").base_url + "/mcp", json=request_body).json()
    theirs = httpx.post(py_mcp.base_url + "/mcp", json=request_body).json()
    assert ours == theirs


@side_by_side
@pytest.mark.parametrize("arguments", [{"message": 3}, {}, {"message": "x", "extra": "y"}],
                         ids=["wrong-type", "missing", "unexpected"])
def test_bad_tool_arguments_fail_with_the_same_words_through_the_upstream_client(java_server, py_mcp, arguments):
    def failure(base):
        client = MCPToolClient(base_url=base)
        client.use_production_mode = True
        with client.sync() as env:
            with pytest.raises(RuntimeError) as raised:
                env.call_tool("echo_message", **arguments)
        return str(raised.value)
    ours, theirs = failure(java_server("echo-mcp").base_url), failure(py_mcp.base_url)
    assert ours == theirs
    assert "https://errors.pydantic.dev/" in ours


@side_by_side
def test_call_results_carry_fastmcp_meta(java_server, py_mcp):
    ours = java_server("echo-mcp").base_url
    for tool, args in [("echo_message", {"message": "hi"}), ("echo_with_length", {"message": "héllo ✓"})]:
        params = {"name": tool, "arguments": args}
        assert _rpc(ours, "tools/call", params) == _rpc(py_mcp.base_url, "tools/call", params)


@pytest.mark.skipif(not ON_010, reason="the production MCP path (session over /mcp, /ws attached) is 0.10's")
def test_the_production_client_attaches_its_websocket_to_the_mcp_session(java_server):
    server = java_server("echo-mcp", OPENENV_MODE="production")
    with MCPToolClient(base_url=server.base_url).sync() as env:
        env.reset()
        assert [t.name for t in env.list_tools()] == ["echo_message", "echo_with_length"]
        assert env.call_tool("echo_message", message="prod") == "prod"
    health = httpx.get(server.base_url + "/health").json()
    assert health["status"] == "healthy"


# --- the envelope, strict messages, slots ----------------------------------------------------------------

def test_the_upstream_client_finds_metadata_inside_the_observation(echo):
    with GenericEnvClient(base_url=echo.base_url).sync() as env:
        env.reset()
        result = env.step({"message": "Hello"})
    assert result.observation["metadata"] == {"original_message": "Hello", "step": 1}
    if ON_010:  # 0.3's StepResult has no metadata
        assert result.metadata == {"original_message": "Hello", "step": 1}


def test_state_and_close_with_data_are_refused_as_the_reference_refuses_them(echo, py_echo):
    async def replies(url):
        import websockets
        async with websockets.connect(url) as ws:
            out = []
            for frame in ['{"type":"state","data":{}}', '{"type":"close","data":{}}', '{"type":"state"}']:
                await ws.send(frame)
                reply = json.loads(await ws.recv())
                out.append((reply["type"], reply["data"].get("code"), [e["loc"] for e in reply["data"].get("errors", [])]))
            return out
    ours, theirs = asyncio.run(replies(echo.ws_url)), asyncio.run(replies(py_echo.ws_url))
    assert ours == theirs
    assert ours[0][1] == "VALIDATION_ERROR" and ours[2][0] == "state"


def test_a_dropped_connection_frees_its_slot_at_once(java_server):
    server = java_server("echo", MAX_CONCURRENT_ENVS="1")
    host, port = "127.0.0.1", server.port

    async def play_once():
        import websockets
        async with websockets.connect(server.ws_url) as ws:
            await ws.send('{"type":"reset","data":{}}')
            return json.loads(await ws.recv())["type"]

    raw = socket.create_connection((host, port))
    raw.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert b" 101 " in raw.recv(4096)
    reset = b'{"type":"reset","data":{}}'
    raw.sendall(bytes([0x81, 0x80 | len(reset)]) + b"\x00\x00\x00\x00" + reset)  # a masked text frame (zero mask)
    assert b"observation" in raw.recv(65536)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close = TCP reset
    raw.close()
    started = time.monotonic()
    while True:
        kind = asyncio.run(play_once())
        if kind == "observation" or time.monotonic() - started > 1.0:
            break
    assert kind == "observation", "the slot of a reset connection was still taken after 1 s"


@pytest.mark.skipif(not ON_010, reason="openenv validate --url is 0.10's CLI")
@pytest.mark.parametrize("env_name", ["echo", "echo-mcp", "wordle"])
def test_upstream_openenv_validate_url_passes(java_server, env_name):
    server = java_server(env_name)
    cli = Path(sys.executable).parent / "openenv"
    run = subprocess.run([str(cli), "validate", "--url", server.base_url], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr


# --- schemas that a stock validator accepts for what the server sends -----------------------------------

@pytest.mark.parametrize("env_name, actions", [
    ("blackjack", [{"action": "hit"}, {"action": "stand"}]),
    ("connect4", [{"column": 3}, {"column": 3}]),
    ("wordle", [{"guess": "crane"}]),
    ("echo-mcp", [{"type": "list_tools"}, {"type": "call_tool", "tool_name": "echo_message", "arguments": {"message": "x"}}]),
])
def test_what_the_server_sends_validates_against_its_schema(java_server, env_name, actions):
    server = java_server(env_name)
    schema = httpx.get(server.base_url + "/schema").json()
    action_schema = jsonschema.Draft202012Validator(schema["action"])
    observation_schema = jsonschema.Draft202012Validator(schema["observation"])
    reset_schema = jsonschema.Draft202012Validator(schema["reset_observation"])
    state_schema = jsonschema.Draft202012Validator(schema["state"])
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        reset_schema.validate(env.reset(seed=3).observation)
        for action in actions:
            action_schema.validate(action)
            result = env.step(action)
            observation_schema.validate(result.observation)
            if result.done:
                env.reset()
        state_schema.validate(env.state().model_dump() if hasattr(env.state(), "model_dump") else env.state())


def test_the_coding_schema_names_languages_as_the_wire_does(java_server):
    schema = httpx.get(java_server("coding").base_url + "/schema").json()["action"]
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"code": "1 + 1", "language": "java"})
    assert not validator.is_valid({"code": "1 + 1", "language": "JAVA"})


# --- rubrics: the same rubric on both sides gives the same rewards in the same places -------------------

@pytest.fixture(scope="module")
def py_wordle():
    """Wordle built with the upstream library and rubrics, the rules and rubric of our bundled wordle."""
    server = Server("py-wordle", [sys.executable, str(HERE / "servers" / "py_wordle_server.py"), "--port", "{port}"],
                    {"MAX_CONCURRENT_ENVS": "8"})
    yield server
    server.stop()


@side_by_side
@pytest.mark.parametrize("guesses", [
    ["crane", "zzzzz", "ab", "about"],             # refused guesses cost -0.1; solving pays 1 + 0.1 per try left
    ["after", "again", "agent", "agree", "ahead", "alarm", "album", "alert"],  # out of tries, then guesses after the end
], ids=["solved", "out-of-tries"])
def test_rubric_rewards_reach_the_upstream_client_where_the_reference_puts_them(java_server, py_wordle, guesses):
    ours = java_server("wordle")
    task = httpx.post(ours.base_url + "/wordle/task", json={"split": "test", "index": 3}).json()["task"]
    answer = task["answer"]
    guesses = [answer if g == "about" else g for g in guesses if g != answer or g == "about"]

    def play(base_url, **reset):
        with GenericEnvClient(base_url=base_url).sync() as env:
            results = [env.reset(**reset)]
            results += [env.step({"guess": g}) for g in guesses]
        return [(r.reward, r.done, r.observation["history"], r.observation["tries_left"], r.observation["answer"],
                 r.observation["metadata"]) for r in results]

    mine = play(ours.base_url, split="test", index=3)
    theirs = play(py_wordle.base_url, answer=answer)
    assert mine == theirs
    rewards = [r[0] for r in mine]
    assert -0.1 in rewards or rewards[-1] == 0.0


# --- openenv collect: a dataset trainers load as it is --------------------------------------------------

@pytest.mark.skipif(not ON_010, reason="0.10's collect layout; datasets is installed with the 0.10 suite")
def test_a_100_episode_collect_run_loads_with_datasets_and_upstreams_serializer(tmp_path, py_echo):
    datasets = pytest.importorskip("datasets")
    from conftest import _jar, _java
    from openenv.core.harness.collect import RolloutSerializer

    out = tmp_path / "connect4"
    run = subprocess.run([_java(), "-jar", _jar(), "collect", "connect4", "--episodes", "100", "--policy", "random",
                          "--output", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    ds = datasets.load_dataset("json", data_files=str(out / "results.jsonl"), split="train")
    assert ds.num_rows == 100
    assert {"episode_id", "messages", "reward", "done", "tool_trace", "metrics"} <= set(ds.column_names)
    first = ds[0]
    assert [m["role"] for m in first["messages"][:3]] == ["system", "user", "assistant"]
    assert json.loads(first["messages"][2]["content"])["column"] in range(7)
    assert all(row["done"] for row in ds)
    assert len(RolloutSerializer(out).collected_episode_ids()) == 100  # upstream's own reader accepts the file
    assert json.loads((out / "metadata.json").read_text())["num_episodes_requested"] == 100

    # Any server: the upstream library's echo, by URL, with the scripted policy.
    echo_out = tmp_path / "echo"
    run = subprocess.run([_java(), "-jar", _jar(), "collect", py_echo.base_url, "--episodes", "3", "--policy", "scripted",
                          "--max-steps", "4", "--output", str(echo_out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    echo = datasets.load_dataset("json", data_files=str(echo_out / "results.jsonl"), split="train")
    assert echo.num_rows == 3 and echo[0]["metrics"]["steps"] == 4
