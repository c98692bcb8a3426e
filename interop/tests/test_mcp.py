"""The upstream MCP clients against our MCP echo environment (`openenv serve echo-mcp`)."""

import asyncio
import json

import httpx
import pytest
import websockets
from openenv.core import GenericEnvClient
from openenv.core.mcp_client import MCPToolClient


@pytest.fixture(scope="module")
def echo_mcp():
    from conftest import Server, _jar, _java
    server = Server("java-echo-mcp", [_java(), "-jar", _jar(), "serve", "echo-mcp", "--host", "127.0.0.1", "--port", "{port}"],
                    {"MAX_CONCURRENT_ENVS": "8"})
    yield server
    server.stop()


@pytest.mark.parametrize("production", [True, False], ids=["jsonrpc-path", "step-path"])
def test_mcp_tool_client_lists_and_calls_tools(echo_mcp, production):
    client = MCPToolClient(base_url=echo_mcp.base_url)
    client.use_production_mode = production  # 0.10 defaults to JSON-RPC over /mcp, 0.3 to the step path
    with client.sync() as env:
        env.reset()
        names = [t.name for t in env.list_tools()]
        assert names == ["echo_message", "echo_with_length"]
        assert env.call_tool("echo_message", message="Hello") == "Hello"
        assert env.call_tool("echo_with_length", message="Hello World!") == {"message": "Hello World!", "length": 12}
        with pytest.raises(RuntimeError, match="Unknown tool: 'nope'"):
            env.call_tool("nope")
        with pytest.raises(RuntimeError, match="validation error"):
            env.call_tool("echo_message")


def test_generic_client_uses_the_step_path_and_counts_steps(echo_mcp):
    with GenericEnvClient(base_url=echo_mcp.base_url).sync() as env:
        env.reset()
        listed = env.step({"type": "list_tools"})
        assert [t["name"] for t in listed.observation["tools"]] == ["echo_message", "echo_with_length"]
        assert "message" in listed.observation["tools"][0]["input_schema"]["properties"]
        called = env.step({"type": "call_tool", "tool_name": "echo_with_length", "arguments": {"message": "héllo 🚀"}})
        assert called.observation["result"]["data"] == {"message": "héllo 🚀", "length": 7}
        assert called.observation["result"]["structured_content"] == {"message": "héllo 🚀", "length": 7}
        assert called.observation["error"] is None
        unknown = env.step({"type": "call_tool", "tool_name": "nope", "arguments": {}})
        assert unknown.observation["error"] == {"error_type": "tool_not_found", "message": "Unknown tool: 'nope'"}
        bad = env.step({"type": "call_tool", "tool_name": "echo_message", "arguments": {}})
        assert bad.observation["error"]["error_type"] == "invalid_args"
        assert env.state()["step_count"] == 4
        with pytest.raises(RuntimeError, match="VALIDATION_ERROR"):
            env.step({"message": "classic actions are not MCP actions"})


def test_jsonrpc_over_http_and_websocket(echo_mcp):
    with httpx.Client(base_url=echo_mcp.base_url) as http:
        created = http.post("/mcp", json={"jsonrpc": "2.0", "method": "openenv/session/create", "id": 1}).json()
        sid = created["result"]["session_id"]
        called = http.post("/mcp", json={"jsonrpc": "2.0", "method": "tools/call", "id": 2,
                                         "params": {"name": "echo_message", "arguments": {"message": "in session"}, "session_id": sid}}).json()
        assert called["result"]["data"] == "in session"
        assert http.post("/mcp", json={"jsonrpc": "2.0", "method": "openenv/session/close", "id": 3,
                                       "params": {"session_id": sid}}).json()["result"] == {"session_id": sid, "closed": True}
        again = http.post("/mcp", json={"jsonrpc": "2.0", "method": "openenv/session/close", "id": 4, "params": {"session_id": sid}}).json()
        assert again["error"]["code"] == -32602
        assert http.post("/mcp", content=b"not json").json()["error"]["code"] == -32700
        assert http.post("/mcp", json={"jsonrpc": "2.0", "method": "x/y", "id": 5}).json()["error"] == {
            "code": -32601, "message": "Method not found: x/y", "data": None}

    async def ws_mcp():
        async with websockets.connect(f"ws://127.0.0.1:{echo_mcp.port}/mcp") as ws:
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "tools/list", "id": 1}))
            return json.loads(await ws.recv())

    listed = asyncio.run(ws_mcp())
    assert [t["name"] for t in listed["result"]["tools"]] == ["echo_message", "echo_with_length"]


def test_production_mode_refuses_the_gym_routes_but_serves_tools(java_server):
    server = java_server("echo-mcp", OPENENV_MODE="production")
    with httpx.Client(base_url=server.base_url) as http:
        assert http.post("/reset", json={}).status_code == 404
        assert http.post("/step", json={"action": {"type": "list_tools"}}).status_code == 404
        assert http.get("/state").status_code == 404
        assert "/reset" not in http.get("/openapi.json").json()["paths"]
    client = MCPToolClient(base_url=server.base_url)
    client.use_production_mode = True
    with client.sync() as env:
        assert env.call_tool("echo_message", message="prod") == "prod"
