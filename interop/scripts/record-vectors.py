"""Records exchanges with the pinned Python reference (openenv 0.10.0) as test vectors.

Starts servers/py_echo_server.py (the classic echo built with the upstream library), plays each
exchange below over HTTP and WebSocket and writes one JSON file per vector in the format of
../shared/spec/vectors (format 1), into openenv-server/src/test/resources/vectors/, where the server's
VectorReplayTest replays them against our server. Only shapes that 0.10 changed since the 0.3 vectors
are recorded here.

    interop/target/venv/bin/python interop/scripts/record-vectors.py
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

HERE = Path(__file__).resolve().parent.parent
OUT = HERE.parent / "openenv-server" / "src" / "test" / "resources" / "vectors"
VOLATILE_HEADERS = ["date", "content-length", "server"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_exchange(client: httpx.Client, method: str, path: str, body=None, volatile=()):
    headers = {"content-type": "application/json"} if body is not None else {}
    raw = None if body is None else json.dumps(body, separators=(",", ":"))
    r = client.request(method, path, content=raw, headers=headers)
    response = {"status": r.status_code, "headers": {k: v for k, v in r.headers.items() if k in ("content-type", "allow")},
                "body": r.text}
    try:
        response["json"] = r.json()
    except ValueError:
        pass
    return {"request": {"method": method, "path": path, "headers": headers, "body": raw},
            "response": response, "volatile_headers": VOLATILE_HEADERS, "volatile": list(volatile),
            "version_dependent": []}


def ws_frames(url: str, messages, volatile_per_reply):
    frames = []
    with connect(url) as ws:
        for message, volatile in zip(messages, volatile_per_reply):
            text = json.dumps(message, separators=(",", ":"))
            ws.send(text)
            frames.append({"dir": "client", "kind": "text", "data": text})
            reply = ws.recv(timeout=10)
            frames.append({"dir": "server", "kind": "text", "data": reply, "json": json.loads(reply),
                           "volatile": list(volatile), "version_dependent": []})
    return frames


def write(name: str, description: str, record: dict, server: str = "py_echo_server.py") -> None:
    record = {"format": 1, "name": name, "description": description,
              "recorded_from": f"openenv==0.10.0, interop/servers/{server}", **record}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    print("wrote", name)


@contextlib.contextmanager
def serving(script: str):
    """Runs one of interop/servers/*.py on a free port; yields its base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "servers" / script), "--port", str(port)],
                              env={**os.environ, "MAX_CONCURRENT_ENVS": "8"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def rpc(client: httpx.Client, body, volatile=()):
    return http_exchange(client, "POST", "/mcp", body, volatile)


def record_mcp() -> None:
    """0.10's MCP shapes (FastMCP 3): camelCase tool listings, call results' meta, pydantic message texts."""
    server = "py_mcp_echo_server.py"
    with serving(server) as base, httpx.Client(base_url=base, timeout=10) as c:
        write("v010-mcp-tools-list", "JSON-RPC tools/list: camelCase inputSchema/outputSchema, null title, FastMCP's meta",
              {"transport": "http", "exchanges": [
                  # the Java echo-mcp returns a record where the Python one returns a dict: only that schema differs
                  rpc(c, {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, volatile=["/result/tools/1/outputSchema"])]},
              server)
        write("v010-mcp-tools-call", "JSON-RPC tools/call results: meta null for an object, fastmcp.wrap_result for a wrapped value",
              {"transport": "http", "exchanges": [
                  rpc(c, {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                          "params": {"name": "echo_message", "arguments": {"message": "hi"}}}),
                  rpc(c, {"jsonrpc": "2.0", "id": "s", "method": "tools/call",
                          "params": {"name": "echo_with_length", "arguments": {"message": "héllo ✓"}}})]},
              server)
        write("v010-mcp-invalid-requests", "-32600 carries pydantic's ValidationError text for JsonRpcRequest",
              {"transport": "http", "exchanges": [
                  rpc(c, {"id": 4, "method": "tools/list"}),
                  rpc(c, {}),
                  rpc(c, {"jsonrpc": "1.0", "id": 4, "method": "tools/list", "extra": {"a": [1, 2.5, True, None, "x"]}}),
                  rpc(c, {"jsonrpc": "2.0", "id": 4.5, "method": 3, "params": [1]}),
                  rpc(c, {"jsonrpc": "2.0", "id": [1], "method": None, "params": None}),
                  rpc(c, {"jsonrpc": "2.0", "id": 4, "method": "tools/list", "params": {"x": "y" * 80}, "zz": "z" * 80})]},
              server)
        write("v010-mcp-tool-bad-arguments", "tools/call with bad arguments: -32603 with FastMCP's call[tool] validation text",
              {"transport": "http", "exchanges": [
                  rpc(c, {"jsonrpc": "2.0", "id": 6, "method": "tools/call",
                          "params": {"name": "echo_message", "arguments": {"message": 3}}}),
                  rpc(c, {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                          "params": {"name": "echo_message", "arguments": {}}}),
                  rpc(c, {"jsonrpc": "2.0", "id": 8, "method": "tools/call",
                          "params": {"name": "echo_message", "arguments": {"message": "x", "extra": "y"}}})]},
              server)
        write("v010-http-step-tool-calls", "the step path: list_tools keeps snake_case input_schema; a bad call's error text",
              {"transport": "http", "exchanges": [
                  http_exchange(c, "POST", "/step", {"action": {"type": "list_tools"}}),
                  http_exchange(c, "POST", "/step", {"action": {"type": "call_tool", "tool_name": "echo_message",
                                                                "arguments": {"message": "hi"}}}),
                  http_exchange(c, "POST", "/step", {"action": {"type": "call_tool", "tool_name": "echo_message",
                                                                "arguments": {"message": 3}}})]},
              server)


def main() -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "servers" / "py_echo_server.py"), "--port", str(port)],
                              env={**os.environ, "MAX_CONCURRENT_ENVS": "8"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=10) as c:
            write("v010-http-reset", "POST /reset: 0.10 nests metadata in the observation and adds a top-level metadata (null when empty)",
                  {"transport": "http", "exchanges": [http_exchange(c, "POST", "/reset", {})]})
            write("v010-http-step", "POST /step: metadata inside the observation and copied to the envelope",
                  {"transport": "http", "exchanges": [http_exchange(c, "POST", "/reset", {}),
                                                      http_exchange(c, "POST", "/step", {"action": {"message": "Hi"}})]})
            env_name = c.get("/list_environments").json()[0]
            write("v010-http-task-api-unsupported", "the Task API of an environment without tasks: 501s, 404 for another name",
                  {"transport": "http", "exchanges": [
                      http_exchange(c, "GET", "/list_environments", volatile=["/0"]),
                      http_exchange(c, "GET", f"/{env_name}/splits"),
                      http_exchange(c, "POST", f"/{env_name}/num_tasks", {"split": "train"}),
                      http_exchange(c, "POST", f"/{env_name}/task", {"split": "train", "index": 0}),
                      http_exchange(c, "POST", f"/{env_name}/task", {"split": "train"}),
                      http_exchange(c, "GET", "/no_such_env/splits", volatile=["/detail"])]})
        write("v010-ws-episode", "a /ws episode: observation frames carry metadata inside the observation, and at the top level when not empty",
              {"transport": "websocket", "path": "/ws",
               "frames": ws_frames(f"ws://127.0.0.1:{port}/ws",
                                   [{"type": "reset", "data": {}}, {"type": "step", "data": {"message": "Hello"}},
                                    {"type": "state"}],
                                   [[], [], ["/data/episode_id"]])})
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
    record_mcp()
